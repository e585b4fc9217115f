/**
 * ICAO 9303 MRZ layouts (pure): TD1 (3x30, part 5), TD2 (2x36, part 6), TD3 (2x44, part 4) and the visas
 * MRV-A (2x44) and MRV-B (2x36, part 7). Fields by position, every check digit (part 3 §4.9: weights
 * 7-3-1, A=10..Z=35, <=0) and the field rules a kiosk relies on. Agreement with an independent
 * implementation (Python `mrz`) is tested on a corpus of 13,000 documents (test/oracle/mrz-corpus.test.ts).
 *
 * Field names in `invalid` are stable API (the `invalidFields` of the document event).
 */

import { mrzDates } from './dates.js';

export type IcaoFormat = 'TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B';

/** Width and line count of each layout. */
export const ICAO_LAYOUTS: Readonly<Record<IcaoFormat, { width: number; lines: number }>> = {
  TD1: { width: 30, lines: 3 }, TD2: { width: 36, lines: 2 }, TD3: { width: 44, lines: 2 },
  'MRV-A': { width: 44, lines: 2 }, 'MRV-B': { width: 36, lines: 2 },
};

export interface IcaoReading {
  readonly format: IcaoFormat;
  /** As printed, trailing fillers removed: `P`, `ID`, `IL`, `V`. */
  readonly documentCode: string;
  readonly issuingState: string;
  /** Fillers at either end removed; a TD1 number longer than 9 characters is joined (part 5 §4.2.4). */
  readonly documentNumber: string;
  readonly nationality: string;
  /** YYMMDD as printed. */
  readonly birthDate: string;
  readonly expiryDate: string;
  /** `M`, `F` or `<` as printed (anything else is invalid). */
  readonly sex: string;
  /** Primary and secondary identifiers, `<` between name parts read as a space; null when malformed. */
  readonly surname: string | null;
  readonly givenNames: string | null;
  /** Optional data fields by name (TD1: optional1, optional2; TD2/MRV: optional; TD3: personalNumber). */
  readonly optional: Readonly<Record<string, string>>;
  readonly checks: { documentNumber: boolean; birthDate: boolean; expiryDate: boolean; personalNumber?: boolean; composite?: boolean };
  /** ISO dates when they are real calendar dates (centuries by the rules of dates.ts), else null. */
  readonly birthIso: string | null;
  readonly expiryIso: string | null;
  /** Names of the fields that failed (empty: every field and check digit is good). */
  readonly invalid: readonly string[];
}

const VALUE = (c: string): number => {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return 0; // '<' (and anything unreadable, which fails its own field)
};

/** ICAO 9303 part 3 §4.9 check digit of `s`. */
export function checkDigitOf(s: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += VALUE(s[i] ?? '<') * (weights[i % 3] ?? 0);
  return String(sum % 10);
}

const MRZ_TEXT = /^[A-Z0-9<]*$/;
const strip = (s: string): string => s.replace(/^<+|<+$/g, '');

/** Letters then fillers: `UTO`, `D<<` (Germany). Any such code is accepted: code lists change. */
const stateOk = (s: string): boolean => /^[A-Z]{1,3}<{0,2}$/.test(s) && s.length === 3;

/**
 * Names (part 3 §4.6): primary identifier, `<<`, secondary identifier, `<` between parts, fillers to the
 * end. One identifier alone is allowed; an empty primary, a third identifier, a part starting with `<`
 * or a digit is not.
 */
export function readNames(field: string): { surname: string; givenNames: string } | null {
  if (!/^[A-Z<]+$/.test(field)) return null;
  const full = field.replace(/<+$/, '');
  if (full === '') return null;
  const parts = full.split('<<');
  if (parts.length > 2 || parts.some((p) => p === '' || p.startsWith('<'))) return null;
  return { surname: (parts[0] ?? '').replace(/</g, ' '), givenNames: (parts[1] ?? '').replace(/</g, ' ') };
}

interface Raw {
  code: string; state: string; number: string; numberCheck: string; nationality: string;
  /** A long TD1 number as the holder knows it (without the `<` marker); the check digit may or may not cover the marker. */
  longNumber?: string;
  birth: string; birthCheck: string; sex: string; expiry: string; expiryCheck: string; names: string;
  optional: Record<string, string>;
  /** Text the composite check digit covers, and the digit; absent for visas. */
  composite?: [string, string];
  personal?: [string, string];
}

function slice(lines: readonly string[], line: number, start: number, end: number): string {
  return (lines[line] ?? '').slice(start, end);
}

function rawTd1(l: readonly string[]): Raw {
  const s = (line: number, a: number, b: number): string => slice(l, line, a, b);
  const raw: Raw = {
    code: s(0, 0, 2), state: s(0, 2, 5), number: s(0, 5, 14), numberCheck: s(0, 14, 15), nationality: s(1, 15, 18),
    birth: s(1, 0, 6), birthCheck: s(1, 6, 7), sex: s(1, 7, 8), expiry: s(1, 8, 14), expiryCheck: s(1, 14, 15),
    names: s(2, 0, 30), optional: { optional1: s(0, 15, 30), optional2: s(1, 18, 29) },
    composite: [s(0, 5, 30) + s(1, 0, 7) + s(1, 8, 15) + s(1, 18, 29), s(1, 29, 30)],
  };
  // part 5 §4.2.4: a number longer than 9 characters: `<` in the check digit's place, the rest of the
  // number and then its check digit at the start of the optional data
  const tail = raw.optional.optional1?.replace(/<.*$/, '') ?? '';
  if (raw.numberCheck === '<' && tail.length >= 2) {
    raw.longNumber = `${raw.number}${tail.slice(0, -1)}`;
    raw.number = `${raw.number}<${tail.slice(0, -1)}`;
    raw.numberCheck = tail.slice(-1);
    raw.optional = { optional1: s(0, 15 + tail.length, 30), optional2: s(1, 18, 29) };
  }
  return raw;
}

function rawTwoLine(l: readonly string[], format: Exclude<IcaoFormat, 'TD1'>): Raw {
  const s = (line: number, a: number, b: number): string => slice(l, line, a, b);
  const width = ICAO_LAYOUTS[format].width;
  const raw: Raw = {
    code: s(0, 0, 2), state: s(0, 2, 5), names: s(0, 5, width), number: s(1, 0, 9), numberCheck: s(1, 9, 10),
    nationality: s(1, 10, 13), birth: s(1, 13, 19), birthCheck: s(1, 19, 20), sex: s(1, 20, 21),
    expiry: s(1, 21, 27), expiryCheck: s(1, 27, 28), optional: {},
  };
  const head = s(1, 0, 10) + s(1, 13, 20) + s(1, 21, 28);
  if (format === 'TD2') {
    raw.optional = { optional: s(1, 28, 35) };
    raw.composite = [head + s(1, 28, 35), s(1, 35, 36)];
  } else if (format === 'TD3') {
    raw.optional = { personalNumber: s(1, 28, 42) };
    raw.personal = [s(1, 28, 42), s(1, 42, 43)];
    raw.composite = [head + s(1, 28, 43), s(1, 43, 44)];
  } else {
    raw.optional = { optional: s(1, 28, width) };
  }
  return raw;
}

const CODE_RULES: Readonly<Record<IcaoFormat, RegExp>> = {
  // part 5/6: A, C or I, then a letter other than V or a filler (AC is the crew member certificate)
  TD1: /^[ACI][A-UW-Z<]$/, TD2: /^[ACI][A-UW-Z<]$/, TD3: /^P[A-Z<]$/, 'MRV-A': /^V[A-Z<]$/, 'MRV-B': /^V[A-Z<]$/,
};

/** Read and check the lines of one ICAO document. `lines` must have the layout's count and widths. */
export function readIcao(format: IcaoFormat, lines: readonly string[], today: Date): IcaoReading {
  const raw = format === 'TD1' ? rawTd1(lines) : rawTwoLine(lines, format);
  const invalid: string[] = [];
  const fail = (field: string, ok: boolean): boolean => {
    if (!ok) invalid.push(field);
    return ok;
  };
  const digitOk = (text: string, digit: string): boolean => MRZ_TEXT.test(text) && /^\d$/.test(digit) && checkDigitOf(text) === digit;
  fail('documentCode', CODE_RULES[format].test(raw.code));
  fail('issuingState', stateOk(raw.state));
  fail('documentNumber', MRZ_TEXT.test(raw.number) && !raw.number.startsWith('<'));
  // a long number's check digit: issuers differ on whether the `<` marker counts; either is accepted
  const numberOk = fail('documentNumberCheckDigit', digitOk(raw.number, raw.numberCheck) || (raw.longNumber !== undefined && digitOk(raw.longNumber, raw.numberCheck)));
  fail('nationality', stateOk(raw.nationality));
  const birthOk = fail('birthDateCheckDigit', digitOk(raw.birth, raw.birthCheck));
  const expiryOk = fail('expirationDateCheckDigit', digitOk(raw.expiry, raw.expiryCheck));
  const dates = mrzDates(raw.birth, raw.expiry, today);
  // part 3 §4.8: real calendar dates; and no document expires before its holder was born
  const ordered = !dates.birth || !dates.expiry || dates.expiry >= dates.birth;
  fail('birthDate', dates.birth !== null && ordered);
  fail('expirationDate', dates.expiry !== null && ordered);
  fail('sex', /^[MF<]$/.test(raw.sex));
  const names = readNames(raw.names);
  fail('names', names !== null);
  for (const [name, value] of Object.entries(raw.optional)) fail(name, MRZ_TEXT.test(value));
  const checks: IcaoReading['checks'] = { documentNumber: numberOk, birthDate: birthOk, expiryDate: expiryOk };
  if (raw.personal) {
    const [text, digit] = raw.personal;
    // part 4: an empty personal number may have `<` (or 0) as its check digit
    checks.personalNumber = fail('personalNumberCheckDigit', (/^<*$/.test(text) && digit === '<') || digitOk(text, digit));
  }
  if (raw.composite) checks.composite = fail('compositeCheckDigit', digitOk(raw.composite[0], raw.composite[1]));
  return {
    format,
    documentCode: raw.code.replace(/<+$/, ''),
    issuingState: raw.state.replace(/<+$/, ''),
    documentNumber: raw.longNumber ?? strip(raw.number),
    nationality: raw.nationality.replace(/<+$/, ''),
    birthDate: raw.birth,
    expiryDate: raw.expiry,
    sex: raw.sex,
    surname: names?.surname ?? null,
    givenNames: names?.givenNames ?? null,
    optional: Object.fromEntries(Object.entries(raw.optional).map(([k, v]) => [k, strip(v)])),
    checks,
    birthIso: dates.birth,
    expiryIso: dates.expiry,
    invalid,
  };
}
