/**
 * ZVT APDUs: class byte, instruction byte, length, data. A length byte of FF announces an extended
 * length in the next two bytes, low byte first. On TCP APDUs travel bare, back to back, so
 * {@link ApduReader} reassembles them from a byte stream. Pure: no timers, no I/O.
 */

export interface Apdu {
  readonly cls: number;
  readonly ins: number;
  readonly data: Uint8Array;
}

export class ApduError extends Error {}

/** Serialise an APDU, choosing the extended length form when the data exceeds 254 bytes. */
export function encodeApdu(apdu: Apdu): Uint8Array {
  const n = apdu.data.length;
  if (n > 0xffff) throw new ApduError(`APDU data of ${n} bytes is too long`);
  const header = n < 0xff ? Uint8Array.of(apdu.cls, apdu.ins, n) : Uint8Array.of(apdu.cls, apdu.ins, 0xff, n & 0xff, n >> 8);
  return Buffer.concat([header, apdu.data]);
}

/** Total byte length of the APDU at the start of `bytes`, or undefined when the header is incomplete. */
export function apduLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 3) return undefined;
  const len = bytes[2] ?? 0;
  if (len !== 0xff) return 3 + len;
  if (bytes.length < 5) return undefined;
  return 5 + ((bytes[3] ?? 0) | ((bytes[4] ?? 0) << 8));
}

/** Parse exactly one APDU; throws ApduError if the bytes are not exactly one. */
export function decodeApdu(bytes: Uint8Array): Apdu {
  const total = apduLength(bytes);
  if (total === undefined || total !== bytes.length) throw new ApduError(`expected one APDU, got ${bytes.length} bytes`);
  const headerLen = bytes[2] === 0xff ? 5 : 3;
  return { cls: bytes[0] ?? 0, ins: bytes[1] ?? 0, data: Uint8Array.from(bytes.subarray(headerLen)) };
}

/** Reassembles bare APDUs from a TCP byte stream. */
export class ApduReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feed bytes; returns the complete APDUs they finish. */
  push(chunk: Uint8Array): Apdu[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Apdu[] = [];
    for (;;) {
      const total = apduLength(this.buffer);
      if (total === undefined || this.buffer.length < total) break;
      out.push(decodeApdu(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
    return out;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}

/** `06 01` style label for logs (never the data: it may hold card numbers). */
export function apduName(apdu: Pick<Apdu, 'cls' | 'ins'>): string {
  return `${apdu.cls.toString(16).padStart(2, '0')} ${apdu.ins.toString(16).padStart(2, '0')}`.toUpperCase();
}
