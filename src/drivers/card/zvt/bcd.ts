/** Packed BCD and the ZVT variable-length prefixes (LLVAR `F1 F1`, LLLVAR `F0 F0 F7`). Pure. */

/** Digits of packed BCD, high nibble first; nibbles above 9 become hex letters (E marks a masked digit). */
export function bcdToDigits(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b >> 4).toString(16) + (b & 0x0f).toString(16);
  return out.toUpperCase();
}

/** Pack a digit string into `length` bytes of BCD, left-padded with zeros. */
export function digitsToBcd(digits: string, length: number): Uint8Array {
  if (!/^[0-9]*$/.test(digits) || digits.length > length * 2) throw new RangeError(`cannot pack "${digits}" into ${length} BCD bytes`);
  const padded = digits.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (Number(padded[2 * i]) << 4) | Number(padded[2 * i + 1]);
  return out;
}

/** A BCD field as a number (amounts, trace and receipt numbers); undefined if not all digits. */
export function bcdToNumber(bytes: Uint8Array): number | undefined {
  const digits = bcdToDigits(bytes);
  return /^[0-9]+$/.test(digits) ? Number(digits) : undefined;
}

export function numberToBcd(value: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a BCD number: ${value}`);
  return digitsToBcd(String(value), length);
}

/** Decode `digits` (2 or 3) length bytes of the form F0..F9; undefined if malformed. */
export function readVarLength(bytes: Uint8Array, offset: number, digits: 2 | 3): number | undefined {
  let n = 0;
  for (let i = 0; i < digits; i++) {
    const b = bytes[offset + i];
    if (b === undefined || b >> 4 !== 0x0f || (b & 0x0f) > 9) return undefined;
    n = n * 10 + (b & 0x0f);
  }
  return n;
}

export function writeVarLength(length: number, digits: 2 | 3): Uint8Array {
  if (length >= 10 ** digits) throw new RangeError(`length ${length} does not fit ${digits} digits`);
  const text = String(length).padStart(digits, '0');
  return Uint8Array.from(text, (c) => 0xf0 | Number(c));
}
