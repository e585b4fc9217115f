/**
 * The MRZ oracle corpus (test/fixtures/scanner/mrz-corpus/): documents written and judged by the Python
 * `mrz` package, and the comparison of kioskd's reading with that judgement, field by field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DocumentFields } from '../../src/drivers/scanner/document.js';

export interface OracleVerdict {
  readonly raised?: string;
  readonly result?: boolean;
  readonly fields?: Readonly<Record<string, string>>;
  readonly checks?: ReadonlyArray<readonly [string, boolean]>;
}

export interface CorpusCase {
  readonly id: number;
  readonly format: 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FR-ID';
  readonly style: string | null;
  readonly kind: string;
  readonly lines: readonly string[];
  readonly checker: string;
  readonly oracle: OracleVerdict;
}

export interface CorpusHeader {
  readonly generator: string;
  readonly commit: string;
  readonly seed: number;
  /** The date the Python checkers were pinned to (their two-digit-year rules use today). */
  readonly today: string;
}

export const CORPUS_DIR = join(import.meta.dirname, '../fixtures/scanner/mrz-corpus');

export function loadCorpus(file = 'corpus.jsonl.gz'): { header: CorpusHeader; cases: CorpusCase[] } {
  const text = gunzipSync(readFileSync(join(CORPUS_DIR, file))).toString('utf8');
  const rows = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const [header, ...cases] = rows;
  return { header: header as unknown as CorpusHeader, cases: cases as unknown as CorpusCase[] };
}

/** The oracle's check descriptions -> the document event's own words for the same check. */
const CHECK_MAP: Readonly<Record<string, (d: DocumentFields) => boolean | undefined>> = {
  'valid country code': (d) => !d.invalidFields.includes('issuingState'),
  'valid nationality code': (d) => !d.invalidFields.includes('nationality'),
  'final hash': (d) => d.checks?.composite,
  'document number hash': (d) => d.checks?.documentNumber,
  'birth date hash': (d) => d.checks?.birthDate,
  'expiry date hash': (d) => d.checks?.expiryDate,
  'optional data hash': (d) => d.checks?.personalNumber,
  'document type format': (d) => !d.invalidFields.includes('documentCode'),
  'birth date': (d) => !d.invalidFields.includes('birthDate'),
  'expiry date': (d) => !d.invalidFields.includes('expirationDate'),
  'valid genre format': (d) => !d.invalidFields.includes('sex'),
  identifier: (d) => !d.invalidFields.some((f) => f === 'names' || f === 'lastName' || f === 'firstName'),
  'document number format': (d) => !d.invalidFields.includes('documentNumber'),
  'optional data format': (d) => !['optional1', 'optional', 'personalNumber'].some((f) => d.invalidFields.includes(f)),
  'optional data 2 format': (d) => !d.invalidFields.includes('optional2'),
};

/**
 * Checks where kioskd deliberately differs, and why. For these, kioskd accepts what the oracle rejects;
 * `departed` says whether a failed oracle check of this case is such a difference.
 */
export const DEPARTURES: Readonly<Record<string, { why: string; ours: (d: DocumentFields) => boolean; departed: (c: CorpusCase, d: DocumentFields) => boolean }>> = {
  'valid country code': {
    why: 'any code of letters and fillers is accepted (ICAO specimens use UTO; code lists change)',
    ours: (d) => !d.invalidFields.includes('issuingState'),
    departed: () => true,
  },
  'valid nationality code': {
    why: 'any code of letters and fillers is accepted (ICAO specimens use UTO; code lists change)',
    ours: (d) => !d.invalidFields.includes('nationality'),
    departed: () => true,
  },
  'document type format': {
    why: 'AC is the crew member certificate (ICAO 9303 part 5 §4.2.2.1); the oracle rejects it',
    ours: (d) => !d.invalidFields.includes('documentCode'),
    departed: (_c, d) => d.documentType === 'AC',
  },
  'birth date': {
    why: 'two-digit expiry years: kioskd reads 20yy unless more than 50 years ahead, the oracle 19yy from 69 (POSIX)',
    ours: (d) => !d.invalidFields.includes('birthDate'),
    departed: (c, d) => centuryDiffers(c, d),
  },
  'expiry date': {
    why: 'two-digit expiry years: kioskd reads 20yy unless more than 50 years ahead, the oracle 19yy from 69 (POSIX)',
    ours: (d) => !d.invalidFields.includes('expirationDate'),
    departed: (c, d) => centuryDiffers(c, d),
  },
};

/** The expiry's century by kioskd's rule differs from the POSIX two-digit-year rule the oracle uses. */
function centuryDiffers(c: CorpusCase, d: DocumentFields): boolean {
  const raw = c.oracle.fields?.expiry_date;
  if (!raw || d.expiryDate === null || !/^\d{6}$/.test(raw)) return false;
  const yy = Number(raw.slice(0, 2));
  return Number(d.expiryDate.slice(0, 4)) !== (yy >= 69 ? 1900 + yy : 2000 + yy);
}

const FORMAT_NAMES: Readonly<Record<CorpusCase['format'], DocumentFields['format']>> = {
  TD1: 'TD1', TD2: 'TD2', TD3: 'TD3', MRVA: 'MRV-A', MRVB: 'MRV-B', 'FR-ID': 'FR-ID',
};

const SEX = { M: 'male', F: 'female', '<': 'unspecified' } as const;

/** YYMMDD of an ISO date. */
const yymmdd = (iso: string | null): string | null => (iso === null ? null : iso.slice(2).replace(/-/g, ''));

/**
 * Every disagreement between kioskd's reading `d` of a case and the oracle, as readable strings (empty:
 * full agreement). A check in DEPARTURES that the oracle failed must pass in kioskd, and then the
 * verdict is expected to be kioskd's documented one.
 */
export function disagreements(c: CorpusCase, d: DocumentFields): string[] {
  const out: string[] = [];
  const o = c.oracle;
  if (o.raised !== undefined) {
    // the oracle refused the lines (wrong length or characters): kioskd must not call them valid
    if (d.valid) out.push(`oracle refused (${o.raised}) but kioskd says valid`);
    return out;
  }
  if (d.format !== FORMAT_NAMES[c.format] && !c.kind.startsWith('doc-code')) out.push(`format ${String(d.format)} != ${c.format}`);
  const departed = departedChecks(c, d);
  for (const [desc, ok] of o.checks ?? []) {
    const ours = CHECK_MAP[desc]?.(d) ?? DEPARTURES[desc]?.ours(d);
    if (ours === undefined) out.push(`no counterpart for oracle check "${desc}"`);
    else if (departed.includes(desc)) {
      if (!ours) out.push(`check "${desc}": a documented departure, yet kioskd rejects it too`);
    } else if (ours !== ok) out.push(`check "${desc}": kioskd ${ours}, oracle ${ok}`);
  }
  // the oracle's verdict, except where every check it failed is a documented departure
  const failed = (o.checks ?? []).filter(([, ok]) => !ok).map(([desc]) => desc);
  const expectedValid = o.result === true || (failed.length > 0 && failed.every((desc) => departed.includes(desc)));
  if (d.valid !== expectedValid) out.push(`verdict: kioskd ${d.valid}, oracle ${String(o.result)}${departed.length ? ' (departure)' : ''}`);
  if (!o.fields || d.format !== FORMAT_NAMES[c.format]) return out;
  out.push(...fieldDisagreements(c, o.fields, d));
  return out;
}

/** The oracle's failed checks of this case that are documented departures. */
export function departedChecks(c: CorpusCase, d: DocumentFields): string[] {
  return (c.oracle.checks ?? []).filter(([desc, ok]) => !ok && DEPARTURES[desc]?.departed(c, d) === true).map(([desc]) => desc);
}

function fieldDisagreements(c: CorpusCase, f: Readonly<Record<string, string>>, d: DocumentFields): string[] {
  const out: string[] = [];
  const okCheck = (desc: string): boolean => (c.oracle.checks ?? []).find(([x]) => x === desc)?.[1] !== false;
  const same = (name: string, ours: string | null | undefined, theirs: string | undefined, when = true): void => {
    if (!when) return;
    if ((ours ?? null) !== (theirs ?? null)) out.push(`${name}: kioskd ${JSON.stringify(ours)}, oracle ${JSON.stringify(theirs)}`);
  };
  same('surname', d.surname, f.surname, okCheck('identifier'));
  same('givenNames', d.givenNames, f.name, okCheck('identifier'));
  same('documentType', d.documentType, f.document_type, okCheck('document type format'));
  const number = c.checker === 'TD1BEL' ? f.document_number?.replace(/</g, '') : f.document_number;
  same('documentNumber', d.documentNumber, number, okCheck('document number format'));
  same('issuingCountry', d.issuingCountry, f.country);
  if (c.format === 'FR-ID') {
    // the French card: no nationality field, no expiry date, no ICAO optional data
    same('birthDate', yymmdd(d.birthDate), f.birth_date, okCheck('birth date hash'));
    same('sex', d.sex, SEX[f.sex as keyof typeof SEX], okCheck('valid genre format'));
    return out;
  }
  same('nationality', d.nationality, f.nationality);
  same('birthDate', yymmdd(d.birthDate), f.birth_date, okCheck('birth date'));
  same('expiryDate', yymmdd(d.expiryDate), f.expiry_date, okCheck('expiry date'));
  same('sex', d.sex, SEX[f.sex as keyof typeof SEX], okCheck('valid genre format'));
  // optional data as the oracle reports it; a Belgian long number's tail is part of the number instead
  const optional = [c.checker === 'TD1BEL' ? '' : f.optional_data, f.optional_data_2].filter((v): v is string => !!v);
  same('optionalData', JSON.stringify(d.optionalData), JSON.stringify(optional), okCheck('optional data format') && okCheck('optional data 2 format'));
  return out;
}
