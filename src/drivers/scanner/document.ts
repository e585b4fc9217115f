/**
 * MRZ -> `document` event fields, with the maintained `mrz` package doing the ICAO 9303 parsing and
 * check-digit verification (7-3-1 weights). Pure: the kiosk's date comes in as an argument.
 *
 * Unknown country codes are not failures here: ICAO's own specimens use `UTO` (Utopia), code lists
 * change, and a kiosk should not reject a real document because its library's list is old. Every check
 * digit, date and the sex field are verified.
 */
import { parse, type Details, type ParseResult } from 'mrz';
import type { DocumentEvent } from './api.js';

export type DocumentFields = Omit<DocumentEvent, 'input' | 'scanId' | 'at'>;

const COUNTRY_FIELDS = new Set(['issuingState', 'nationality']);

const EMPTY: Omit<DocumentFields, 'lines' | 'format' | 'valid' | 'problem' | 'invalidFields'> = {
  documentType: null,
  issuingCountry: null,
  documentNumber: null,
  surname: null,
  givenNames: null,
  nationality: null,
  birthDate: null,
  sex: null,
  expiryDate: null,
  expired: null,
  optionalData: [],
  checks: null,
};

function formatFromLength(len: number | undefined): DocumentFields['format'] {
  return len === 30 ? 'TD1' : len === 36 ? 'TD2' : len === 44 ? 'TD3' : null;
}

/** Parse the lines of one read. `complete` is false when lines are missing (timeout, unplug, frame cut). */
export function parseDocument(lines: readonly string[], complete: boolean, today: Date): DocumentFields {
  const base = { ...EMPTY, lines: [...lines], format: formatFromLength(lines[0]?.length) };
  const documentType = lines[0] ? lines[0].slice(0, 2).replace(/<+$/, '') || null : null;
  if (!complete) return { ...base, documentType, valid: false, problem: 'incomplete', invalidFields: [] };
  let result: ParseResult;
  try {
    result = parse([...lines]);
  } catch {
    return { ...base, documentType, valid: false, problem: 'field', invalidFields: ['format'] };
  }
  const format = result.format === 'TD1' || result.format === 'TD2' || result.format === 'TD3' ? result.format : null;
  const failing = result.details.filter((d) => !d.valid && !(d.field && COUNTRY_FIELDS.has(d.field) && countryRaw(d, lines)));
  const invalidFields = failing.map((d) => d.field ?? d.label);
  const checkFailed = failing.some((d) => d.field?.endsWith('CheckDigit'));
  const f = result.fields;
  const ok = (name: string): boolean => !failing.some((d) => d.field === name);
  const birthDate = f.birthDate ? isoBirthDate(f.birthDate, today) : null;
  const expiryDate = f.expirationDate ? isoExpiryDate(f.expirationDate, today) : null;
  return {
    lines: [...lines],
    format,
    valid: invalidFields.length === 0 && format !== null,
    problem: invalidFields.length === 0 && format !== null ? null : checkFailed ? 'check_digit' : 'field',
    invalidFields: format === null ? [...invalidFields, 'format'] : invalidFields,
    documentType: f.documentCode ?? documentType,
    issuingCountry: f.issuingState ?? countryOf(result.details, 'issuingState', lines),
    documentNumber: result.documentNumber ?? f.documentNumber ?? null,
    surname: f.lastName ?? null,
    givenNames: f.firstName ?? null,
    nationality: f.nationality ?? countryOf(result.details, 'nationality', lines),
    birthDate,
    sex: f.sex === 'male' || f.sex === 'female' ? f.sex : f.sex === 'nonspecified' ? 'unspecified' : null,
    expiryDate,
    expired: expiryDate === null ? null : expiryDate < localIsoDate(today),
    optionalData: [f.optional1, f.optional2, f.optional, f.personalNumber].filter((v): v is string => typeof v === 'string' && v !== ''),
    checks: {
      documentNumber: ok('documentNumberCheckDigit'),
      birthDate: ok('birthDateCheckDigit'),
      expiryDate: ok('expirationDateCheckDigit'),
      ...(format === 'TD3' ? { personalNumber: ok('personalNumberCheckDigit') } : {}),
      composite: ok('compositeCheckDigit'),
    },
  };
}

/** The three letters of a country field as printed, when they are letters/fillers (an unknown code is fine). */
function countryRaw(d: Details, lines: readonly string[]): string | null {
  const raw = lines[d.line]?.slice(d.start, d.end);
  return raw && /^[A-Z][A-Z<]{2}$/.test(raw) ? raw.replace(/<+$/, '') : null;
}

function countryOf(details: readonly Details[], field: string, lines: readonly string[]): string | null {
  const d = details.find((x) => x.field === field);
  return d ? countryRaw(d, lines) : null;
}

function localIsoDate(d: Date): string {
  return iso(d.getFullYear(), d.getMonth() + 1, d.getDate());
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function ymd(yymmdd: string): [number, number, number] | null {
  if (!/^\d{6}$/.test(yymmdd)) return null; // `<<` for an unknown month/day: no usable date
  return [Number(yymmdd.slice(0, 2)), Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6))];
}

/** A birth date is never in the future: 74 -> 1974, 05 -> 2005 (in 2026), 30 -> 1930. */
export function isoBirthDate(yymmdd: string, today: Date): string | null {
  const p = ymd(yymmdd);
  if (!p) return null;
  const recent = iso(2000 + p[0], p[1], p[2]);
  return recent > localIsoDate(today) ? iso(1900 + p[0], p[1], p[2]) : recent;
}

/** Expiry dates are this century unless that puts them more than 50 years ahead (a 1990s document). */
export function isoExpiryDate(yymmdd: string, today: Date): string | null {
  const p = ymd(yymmdd);
  if (!p) return null;
  return iso(2000 + p[0] > today.getFullYear() + 50 ? 1900 + p[0] : 2000 + p[0], p[1], p[2]);
}
