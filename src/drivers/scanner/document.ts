/**
 * MRZ -> `document` event fields. ICAO layouts (TD1, TD2, TD3, MRV-A, MRV-B) are read by mrz/icao.ts;
 * the national formats the maintained `mrz` package knows (French identity card 1988-2021, Swiss and
 * French driving licences) by that package. Pure: the kiosk's date comes in as an argument.
 *
 * Unknown country codes are not failures here: ICAO's own specimens use `UTO` (Utopia), code lists
 * change, and a kiosk should not reject a real document because its list is old. Every check digit,
 * date, the sex field and the names' structure are verified.
 */
import type { Details, ParseResult } from 'mrz';
import type { DocumentEvent } from './api.js';
import { isoBirthDate, isoExpiryDate, mrzDates, todayIso } from './mrz/dates.js';
import { readIcao } from './mrz/icao.js';
import { nationalIdOf, readNational } from './mrz/national.js';
import { classifyLine, formatOfLines, isIcao, type MrzFormat } from './mrz/shape.js';

export { isoBirthDate, isoExpiryDate };

export type DocumentFields = Omit<DocumentEvent, 'input' | 'scanId' | 'at'>;

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
  nationalId: null,
  checks: null,
};

const SEX = { M: 'male', F: 'female', '<': 'unspecified' } as const;

/** Parse the lines of one read. `complete` is false when lines are missing (timeout, unplug, frame cut). */
export function parseDocument(lines: readonly string[], complete: boolean, today: Date): DocumentFields {
  const first = lines[0] ?? '';
  const firstClass = classifyLine(first);
  const base = { ...EMPTY, lines: [...lines], format: firstClass.kind === 'first' ? firstClass.format : null };
  const documentType = first ? first.slice(0, 2).replace(/<+$/, '') || null : null;
  if (!complete) return { ...base, documentType, valid: false, problem: 'incomplete', invalidFields: [] };
  const format = formatOfLines(lines);
  if (format === null) return { ...base, format: null, documentType, valid: false, problem: 'field', invalidFields: ['format'] };
  return isIcao(format) ? icaoDocument(format, lines, today) : nationalDocument(format, lines, today);
}

function verdict(invalid: readonly string[]): Pick<DocumentFields, 'valid' | 'problem' | 'invalidFields'> {
  if (invalid.length === 0) return { valid: true, problem: null, invalidFields: [] };
  return { valid: false, problem: invalid.some((f) => f.endsWith('CheckDigit')) ? 'check_digit' : 'field', invalidFields: [...invalid] };
}

function expiredOf(expiry: string | null, today: Date): boolean | null {
  return expiry === null ? null : expiry < todayIso(today);
}

function icaoDocument(format: MrzFormat & ('TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B'), lines: readonly string[], today: Date): DocumentFields {
  const r = readIcao(format, lines, today);
  const ok = (field: string): boolean => !r.invalid.includes(field);
  const text = (field: string, value: string): string | null => (ok(field) && value !== '' ? value : null);
  const issuingCountry = text('issuingState', r.issuingState);
  return {
    lines: [...lines],
    format,
    ...verdict(r.invalid),
    documentType: r.documentCode || null,
    issuingCountry,
    documentNumber: text('documentNumber', r.documentNumber),
    surname: r.surname,
    givenNames: r.givenNames,
    nationality: text('nationality', r.nationality),
    birthDate: ok('birthDate') ? r.birthIso : null,
    sex: ok('sex') ? SEX[r.sex as keyof typeof SEX] : null,
    expiryDate: ok('expirationDate') ? r.expiryIso : null,
    expired: ok('expirationDate') ? expiredOf(r.expiryIso, today) : null,
    optionalData: Object.entries(r.optional).filter(([k, v]) => v !== '' && ok(k)).map(([, v]) => v),
    nationalId: nationalIdOf(format, issuingCountry, r.optional),
    checks: r.checks,
  };
}

const NATIONAL_CHECKS = {
  documentNumber: 'documentNumberCheckDigit', birthDate: 'birthDateCheckDigit', expiryDate: 'expirationDateCheckDigit', composite: 'compositeCheckDigit',
} as const;

/** French identity card (1988-2021), Swiss and French driving licences, through the `mrz` package. */
function nationalDocument(format: MrzFormat, lines: readonly string[], today: Date): DocumentFields {
  const result: ParseResult | null = readNational(lines);
  const documentType = lines[0]?.slice(0, 2).replace(/<+$/, '') || null;
  if (!result) return { ...EMPTY, lines: [...lines], format, documentType, valid: false, problem: 'field', invalidFields: ['format'] };
  const failing = result.details.filter((d: Details) => !d.valid);
  const invalid = failing.map((d) => d.field ?? d.label);
  const f = result.fields;
  const dates = mrzDates(f.birthDate ?? '', f.expirationDate ?? '', today);
  const has = (name: string): boolean => result.details.some((d) => d.field === name);
  const ok = (name: string): boolean => !failing.some((d) => d.field === name);
  return {
    lines: [...lines],
    format,
    ...verdict(invalid),
    documentType: f.documentCode ?? documentType,
    issuingCountry: f.issuingState ?? null,
    documentNumber: result.documentNumber ?? f.documentNumber ?? null,
    surname: f.lastName ?? null,
    givenNames: f.firstName ?? null,
    nationality: f.nationality ?? (format === 'FR-ID' ? 'FRA' : null),
    birthDate: dates.birth,
    sex: f.sex === 'male' || f.sex === 'female' ? f.sex : f.sex === 'nonspecified' ? 'unspecified' : null,
    expiryDate: dates.expiry,
    expired: expiredOf(dates.expiry, today),
    optionalData: [f.optional, f.administrativeCode, f.administrativeCode2].filter((v): v is string => typeof v === 'string' && v !== ''),
    nationalId: null,
    checks: Object.fromEntries(
      (Object.entries(NATIONAL_CHECKS) as Array<[keyof NonNullable<DocumentFields['checks']>, string]>)
        .filter(([, field]) => has(field))
        .map(([name, field]) => [name, ok(field)]),
    ),
  };
}
