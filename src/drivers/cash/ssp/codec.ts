/**
 * SSP framing (Innovative Technology note validators, protocol manual GA138), pure: bytes in, frames out.
 *
 * Frame on the wire: 7F | SEQ/ID | LEN | DATA... | CRC-lo CRC-hi. The CRC-16 (polynomial 0x8005, seed
 * 0xFFFF, MSB first) covers SEQ/ID, LEN and DATA. Bit 7 of SEQ/ID is the sequence flag, which the host
 * toggles for each new command (a repeated flag means "retransmission": the device repeats its last
 * reply); the low 7 bits are the device address. Every 7F after the start byte, CRC included, is sent
 * twice ("byte stuffing"), so a single 7F always starts a frame.
 */

export const SSP_STX = 0x7f;

/** One decoded SSP frame (stuffing removed, CRC checked). */
export interface SspFrame {
  /** Sequence flag (bit 7 of SEQ/ID). */
  readonly seq: boolean;
  /** Device address (low 7 bits of SEQ/ID). */
  readonly address: number;
  /** The data: command + parameters from the host, generic reply + payload from the device. */
  readonly data: Uint8Array;
}

/** CRC-16, polynomial 0x8005, initial value 0xFFFF, no reflection (SSP manual, "Packet format"). */
export function crc16(bytes: Uint8Array, seed = 0xffff): number {
  let crc = seed;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** Encode a frame: header, CRC, and 7F stuffing of everything after the start byte. */
export function encodeFrame(frame: SspFrame): Uint8Array {
  if (frame.data.length > 255) throw new RangeError('SSP data is at most 255 bytes');
  if (frame.address < 0 || frame.address > 0x7f) throw new RangeError('SSP address is 0..127');
  const body = new Uint8Array(2 + frame.data.length + 2);
  body[0] = (frame.seq ? 0x80 : 0) | frame.address;
  body[1] = frame.data.length;
  body.set(frame.data, 2);
  const crc = crc16(body.subarray(0, 2 + frame.data.length));
  body[body.length - 2] = crc & 0xff;
  body[body.length - 1] = crc >> 8;
  const out: number[] = [SSP_STX];
  for (const byte of body) {
    out.push(byte);
    if (byte === SSP_STX) out.push(SSP_STX);
  }
  return Uint8Array.from(out);
}

/**
 * Incremental parser: feed it whatever the serial port delivers (partial frames, noise, several frames
 * at once) and it returns the complete, CRC-valid frames. Bad frames are dropped and the parser
 * resynchronises on the next lone 7F. Never throws.
 */
export class SspParser {
  /** Unstuffed bytes of the frame being received (after the start byte). */
  private body: number[] = [];
  private inFrame = false;
  /** The previous byte was a 7F inside a frame: the next one decides (stuffed 7F or a new start). */
  private pendingStx = false;
  /** Frames dropped because of a bad CRC (for health counters). */
  crcErrors = 0;

  push(chunk: Uint8Array): SspFrame[] {
    const frames: SspFrame[] = [];
    for (const byte of chunk) {
      const frame = this.byte(byte);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  /** Forget any partial frame (after a timeout or a port reopen). */
  reset(): void {
    this.body = [];
    this.inFrame = false;
    this.pendingStx = false;
  }

  private byte(byte: number): SspFrame | undefined {
    if (!this.inFrame) {
      if (byte === SSP_STX) this.startFrame();
      return undefined;
    }
    if (this.pendingStx) {
      this.pendingStx = false;
      if (byte !== SSP_STX) {
        // a lone 7F is a start byte: the frame in progress was truncated, this byte begins a new one
        this.startFrame();
        return this.append(byte);
      }
      return this.append(SSP_STX);
    }
    if (byte === SSP_STX) {
      this.pendingStx = true;
      return undefined;
    }
    return this.append(byte);
  }

  private startFrame(): void {
    this.body = [];
    this.inFrame = true;
    this.pendingStx = false;
  }

  private append(byte: number): SspFrame | undefined {
    this.body.push(byte);
    const length = this.body[1];
    if (length === undefined || this.body.length < length + 4) return undefined;
    const body = Uint8Array.from(this.body);
    this.inFrame = false;
    this.body = [];
    const crc = crc16(body.subarray(0, length + 2));
    if ((body[length + 2] ?? -1) !== (crc & 0xff) || (body[length + 3] ?? -1) !== crc >> 8) {
      this.crcErrors++;
      return undefined;
    }
    const head = body[0] ?? 0;
    return { seq: (head & 0x80) !== 0, address: head & 0x7f, data: body.slice(2, length + 2) };
  }
}
