/**
 * Serial ZVT framing: DLE STX <APDU, each DLE doubled> DLE ETX <CRC low> <CRC high>. The CRC is
 * CRC-CCITT in ZVT's reflected form (polynomial 0x1021 reflected as 0x8408, initial value 0), computed over
 * the unstuffed APDU and the ETX byte. The receiver answers each frame with one byte: ACK (06) or NAK (15).
 * Pure: no timers, no I/O.
 */
export const DLE = 0x10;
export const STX = 0x02;
export const ETX = 0x03;
export const ACK = 0x06;
export const NAK = 0x15;

export function crcCcitt(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

export function encodeFrame(apdu: Uint8Array): Uint8Array {
  const out: number[] = [DLE, STX];
  for (const b of apdu) {
    out.push(b);
    if (b === DLE) out.push(DLE);
  }
  const crc = crcCcitt(Buffer.concat([apdu, Uint8Array.of(ETX)]));
  out.push(DLE, ETX, crc & 0xff, crc >> 8);
  return Uint8Array.from(out);
}

export type SerialEvent =
  | { readonly type: 'frame'; readonly apdu: Uint8Array }
  /** A frame whose CRC did not match: answer NAK so the sender repeats it. */
  | { readonly type: 'bad-frame' }
  | { readonly type: 'ack' }
  | { readonly type: 'nak' };

type State = 'idle' | 'dle' | 'body' | 'body-dle' | 'crc1' | 'crc2';

/** Incremental parser of the serial byte stream: frames plus the single-byte ACK/NAK between them. */
export class SerialFrameReader {
  private state: State = 'idle';
  private body: number[] = [];
  private crcLow = 0;

  push(chunk: Uint8Array): SerialEvent[] {
    const events: SerialEvent[] = [];
    for (const b of chunk) {
      const event = this.step(b);
      if (event) events.push(event);
    }
    return events;
  }

  private step(b: number): SerialEvent | undefined {
    switch (this.state) {
      case 'idle':
        if (b === DLE) this.state = 'dle';
        else if (b === ACK) return { type: 'ack' };
        else if (b === NAK) return { type: 'nak' };
        return undefined;
      case 'dle':
        this.state = b === STX ? 'body' : 'idle';
        this.body = [];
        return undefined;
      case 'body':
        if (b === DLE) this.state = 'body-dle';
        else this.body.push(b);
        return undefined;
      case 'body-dle':
        if (b === DLE) {
          this.body.push(DLE);
          this.state = 'body';
        } else if (b === ETX) {
          this.state = 'crc1';
        } else {
          // DLE followed by anything else breaks the frame; resynchronise on the next DLE STX
          this.state = b === STX ? 'body' : 'idle';
          this.body = [];
        }
        return undefined;
      case 'crc1':
        this.crcLow = b;
        this.state = 'crc2';
        return undefined;
      case 'crc2': {
        this.state = 'idle';
        const apdu = Uint8Array.from(this.body);
        const crc = crcCcitt(Buffer.concat([apdu, Uint8Array.of(ETX)]));
        return crc === (this.crcLow | (b << 8)) ? { type: 'frame', apdu } : { type: 'bad-frame' };
      }
    }
  }

  reset(): void {
    this.state = 'idle';
    this.body = [];
  }
}
