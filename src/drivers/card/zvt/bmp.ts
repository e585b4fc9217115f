/**
 * ZVT APDU data as fields: a command-specific head (bytes that carry no BMP tag, such as a password or a
 * print line's attribute) followed by BMPs. Each BMP is a one-byte tag with a fixed length, an LLVAR or
 * LLLVAR length, or (BMP 06) a BER-TLV container. Pure; parse and serialise are exact inverses, so every
 * captured packet re-serialises byte for byte.
 */
import { readVarLength, writeVarLength } from './bcd.js';
import { parseTlv, readBerLength, serialiseTlv, writeBerLength, type TlvNode } from './tlv.js';

type BmpFormat = number | 'll' | 'lll' | 'tlv';

/** Lengths of the BMPs this driver understands (ZVT spec, chapter "Bitmaps"). */
const FORMATS = new Map<number, BmpFormat>([
  [0x01, 1], [0x02, 1], [0x03, 1], [0x04, 6], [0x05, 1], [0x06, 'tlv'], [0x0b, 3], [0x0c, 3], [0x0d, 2],
  [0x0e, 2], [0x17, 2], [0x19, 1], [0x22, 'll'], [0x23, 'll'], [0x24, 'lll'], [0x27, 1], [0x29, 4],
  [0x2a, 15], [0x2d, 'll'], [0x2e, 'lll'], [0x37, 3], [0x3a, 2], [0x3b, 8], [0x3c, 'lll'], [0x3d, 3],
  [0x49, 2], [0x60, 'lll'], [0x87, 2], [0x88, 3], [0x8a, 1], [0x8b, 'll'], [0x8c, 1], [0x92, 'lll'],
  [0x9a, 'lll'], [0xa0, 1], [0xa7, 'll'], [0xaa, 3], [0xaf, 'lll'], [0xba, 5], [0xd0, 1], [0xd1, 'll'],
  [0xd2, 1], [0xd3, 1], [0xe0, 1], [0xf0, 1], [0xf9, 1], [0xfa, 1], [0xfb, 1], [0xfc, 1],
  ...[0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8].map(
    (t): [number, BmpFormat] => [t, 'll'],
  ),
]);

export const BMP = {
  timeout: 0x01, maxStatusInfos: 0x02, serviceByte: 0x03, amount: 0x04, tlv: 0x06, trace: 0x0b,
  time: 0x0c, date: 0x0d, expiry: 0x0e, cardSequence: 0x17, paymentType: 0x19, pan: 0x22, track2: 0x23,
  track3: 0x24, resultCode: 0x27, terminalId: 0x29, track1: 0x2d, originalTrace: 0x37, cvv: 0x3a,
  authCode: 0x3b, additionalText: 0x3c, password: 0x3d, currency: 0x49, receiptNo: 0x87, turnoverNo: 0x88,
  cardType: 0x8a, cardName: 0x8b, resultCodeAs: 0xa0, aid: 0xba,
} as const;

export type Bmp = { readonly tag: number; readonly value: Uint8Array } | { readonly tag: typeof BMP.tlv; readonly tlv: readonly TlvNode[] };

export interface ApduFields {
  /** Command-specific bytes before the first BMP (password, result code, print attribute and text). */
  readonly head: Uint8Array;
  readonly bmps: readonly Bmp[];
  /** The BMPs could not be read (an unknown tag, a bad length): all the data is kept in `head`. */
  readonly unread?: true;
}

export class BmpError extends Error {}

function isVarLengthByte(b: number | undefined): boolean {
  return b !== undefined && b >> 4 === 0x0f && (b & 0x0f) <= 9;
}

/** How many head bytes a command carries before its BMPs (see each command's layout in the spec). */
export function headLength(cls: number, ins: number, data: Uint8Array): number {
  const key = (cls << 8) | ins;
  const n = data.length;
  switch (key) {
    case 0x0600: // registration: password(3) config-byte(1) [currency(2)]
      return n >= 6 && data[4] !== BMP.serviceByte && data[4] !== BMP.tlv ? 6 : Math.min(n, 4);
    case 0x061e: // abort: result code
      return Math.min(n, 1);
    case 0x060f: // completion after status enquiry: software version (LLLVAR) and terminal status
      if (isVarLengthByte(data[0]) && isVarLengthByte(data[1]) && isVarLengthByte(data[2])) {
        return Math.min(n, 3 + (readVarLength(data, 0, 3) ?? 0) + 1);
      }
      return 0;
    case 0x04ff: // intermediate status: status [timeout] [BMP 06]
      if (n <= 2) return n;
      return data[2] === BMP.tlv ? 2 : 1;
    case 0x0630: case 0x0631: case 0x0620: case 0x0650: case 0x0501: // password(3)
      return Math.min(n, 3);
    case 0x0601: case 0x040f: case 0x06d3: case 0x0623: // BMPs only (0623: open reservations enquiry)
      return 0;
    case 0x06c0: // read card: timeout, then BMPs
      return Math.min(n, 1);
    default: // print line (attribute + text), ACK/NAK, abort-from-ECR, unknown commands: all opaque
      return n;
  }
}

function parseBmps(data: Uint8Array): Bmp[] {
  const bmps: Bmp[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tag = data[offset] ?? 0;
    const format = FORMATS.get(tag);
    if (format === undefined) throw new BmpError(`unknown BMP 0x${tag.toString(16)}`);
    offset++;
    let length: number;
    if (format === 'tlv') {
      const [len, used] = readBerLength(data, offset);
      offset += used;
      length = len;
    } else if (format === 'll' || format === 'lll') {
      const digits = format === 'll' ? 2 : 3;
      const len = readVarLength(data, offset, digits);
      if (len === undefined) throw new BmpError(`bad length of BMP 0x${tag.toString(16)}`);
      offset += digits;
      length = len;
    } else {
      length = format;
    }
    if (offset + length > data.length) throw new BmpError(`BMP 0x${tag.toString(16)} overruns the APDU`);
    const value = Uint8Array.from(data.subarray(offset, offset + length));
    bmps.push(format === 'tlv' ? { tag: BMP.tlv, tlv: parseTlv(value) } : { tag, value });
    offset += length;
  }
  return bmps;
}

/**
 * Split APDU data into head and BMPs. Data whose BMPs cannot be read (an unknown tag) is kept whole in
 * `head`, so nothing is lost and it still re-serialises exactly.
 */
export function parseFields(cls: number, ins: number, data: Uint8Array): ApduFields {
  const heads = [headLength(cls, ins, data)];
  // a completion (06 0F) after a status enquiry may carry the terminal status alone, without the
  // software version before it: `06 0F 01 06`, `06 0F 03 06 06 00` (status 06, then an empty TLV)
  if (cls === 0x06 && ins === 0x0f && heads[0] === 0 && data.length > 0) heads.push(1);
  for (const head of heads) {
    try {
      return { head: Uint8Array.from(data.subarray(0, head)), bmps: parseBmps(data.subarray(head)) };
    } catch {
      // try the next reading
    }
  }
  return { head: Uint8Array.from(data), bmps: [], unread: true };
}

export function serialiseBmp(bmp: Bmp): Uint8Array {
  if ('tlv' in bmp) {
    const value = serialiseTlv(bmp.tlv);
    return Buffer.concat([Uint8Array.of(bmp.tag), writeBerLength(value.length), value]);
  }
  const format = FORMATS.get(bmp.tag);
  if (format === undefined || format === 'tlv') throw new BmpError(`cannot serialise BMP 0x${bmp.tag.toString(16)}`);
  if (typeof format === 'number') {
    if (bmp.value.length !== format) throw new BmpError(`BMP 0x${bmp.tag.toString(16)} needs ${format} bytes`);
    return Buffer.concat([Uint8Array.of(bmp.tag), bmp.value]);
  }
  return Buffer.concat([Uint8Array.of(bmp.tag), writeVarLength(bmp.value.length, format === 'll' ? 2 : 3), bmp.value]);
}

export function serialiseFields(fields: ApduFields): Uint8Array {
  return Buffer.concat([fields.head, ...fields.bmps.map(serialiseBmp)]);
}

/** The value of a plain BMP, if present. */
export function bmpValue(fields: ApduFields, tag: number): Uint8Array | undefined {
  for (const b of fields.bmps) if (b.tag === tag && 'value' in b) return b.value;
  return undefined;
}

/** The TLV container's nodes (empty when absent). */
export function bmpTlv(fields: ApduFields): readonly TlvNode[] {
  for (const b of fields.bmps) if ('tlv' in b) return b.tlv;
  return [];
}
