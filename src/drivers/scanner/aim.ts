/**
 * AIM symbology identifiers (ISO/IEC 15424): scanners configured to "transmit AIM ID" prefix the data
 * with `]` + code character + modifier, e.g. `]Q1` (QR), `]C0` (Code 128), `]E0` (EAN-13), `]d2` (GS1
 * DataMatrix).
 */

const BY_CODE: Readonly<Record<string, string>> = {
  A: 'code39',
  C: 'code128',
  d: 'datamatrix',
  E: 'ean-upc',
  e: 'gs1-databar',
  F: 'codabar',
  G: 'code93',
  I: 'itf',
  L: 'pdf417',
  Q: 'qr',
  z: 'aztec',
  X: 'other',
};

/** Identifiers whose modifier changes the name: GS1 variants and the EAN/UPC lengths. */
const BY_ID: Readonly<Record<string, string>> = {
  ']C1': 'gs1-128',
  ']E0': 'ean13',
  ']E3': 'ean13+addon',
  ']E4': 'ean8',
  ']d2': 'gs1-datamatrix',
  ']Q3': 'gs1-qr',
  ']e0': 'gs1-databar',
};

export interface AimSplit {
  readonly aim: string | null;
  readonly symbology: string | null;
  readonly data: string;
}

/** Split a scan into its AIM identifier (when present and known) and its data. */
export function splitAim(text: string): AimSplit {
  const m = /^\](.)([0-9A-Za-z])/.exec(text);
  const code = m?.[1];
  if (!m || code === undefined || !(code in BY_CODE)) return { aim: null, symbology: null, data: text };
  const aim = m[0];
  return { aim, symbology: BY_ID[aim] ?? BY_CODE[code] ?? null, data: text.slice(3) };
}
