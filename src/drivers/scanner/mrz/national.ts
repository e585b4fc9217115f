/**
 * What ICAO leaves to the issuing state: national identity numbers that a format is known to carry in its
 * optional data, and the national MRZ formats that are not ICAO layouts (read with the maintained `mrz`
 * package). Pure.
 *
 * A national identity number is personal data: it goes into the document event only, never a log line
 * (the logger redacts `nationalId` by key as well).
 */
import { parse, type ParseResult } from 'mrz';
import type { MrzFormat } from './shape.js';

export interface NationalId {
  /** What the number is: `AE-EID` (Emirates ID number), `ES-DNI` (Spanish DNI number). */
  readonly scheme: string;
  readonly number: string;
}

interface Rule {
  readonly scheme: string;
  readonly format: MrzFormat;
  readonly issuingState: string;
  /** The optional data field holding it (names as in IcaoReading.optional). */
  readonly field: string;
  readonly pattern: RegExp;
}

/**
 * Known placements. Emirates ID (TD1, issuer ARE): the 15-digit identity number 784-YYYY-NNNNNNN-C fills
 * line 1's optional data. Spanish DNI (TD1, ESP): the 8 digits and control letter of the DNI number.
 */
const RULES: readonly Rule[] = [
  { scheme: 'AE-EID', format: 'TD1', issuingState: 'ARE', field: 'optional1', pattern: /^784\d{12}$/ },
  { scheme: 'ES-DNI', format: 'TD1', issuingState: 'ESP', field: 'optional1', pattern: /^\d{8}[A-Z]$/ },
];

export function nationalIdOf(format: MrzFormat, issuingState: string | null, optional: Readonly<Record<string, string>>): NationalId | null {
  for (const r of RULES) {
    const value = optional[r.field];
    if (r.format === format && r.issuingState === issuingState && value !== undefined && r.pattern.test(value)) {
      return { scheme: r.scheme, number: value };
    }
  }
  return null;
}

/** The national formats the `mrz` package reads; its field names are kept as they are. */
export function readNational(lines: readonly string[]): ParseResult | null {
  try {
    return parse([...lines]);
  } catch {
    return null;
  }
}
