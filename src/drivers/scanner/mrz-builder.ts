/**
 * Builds ICAO 9303 MRZ lines (simulator and test fixtures): the ICAO specimens (ERIKSSON ANNA MARIA of
 * Utopia) with any expiry date, check digits computed per 9303 part 3 (weights 7, 3, 1; A=10..Z=35, <=0),
 * and optionally one check digit made wrong. Parsing never uses this: the driver parses with `mrz`.
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';
export type CheckDigitField = 'documentNumber' | 'birthDate' | 'expiryDate' | 'composite';

export function checkDigit(s: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * (weights[i % 3] ?? 0);
  }
  return String(sum % 10);
}

export interface SpecimenOptions {
  /** YYMMDD; the ICAO specimens' own is 120415 (expired). */
  expiry?: string;
  badCheckDigit?: CheckDigitField;
}

const wrong = (d: string): string => String((Number(d) + 1) % 10);

/** The ICAO 9303 specimen MRZ of the given format. With the defaults, exactly the published lines. */
export function specimenMrz(format: MrzFormat, o: SpecimenOptions = {}): string[] {
  const expiry = o.expiry ?? '120415';
  const bad = (field: CheckDigitField, d: string): string => (o.badCheckDigit === field ? wrong(d) : d);
  const birth = '740812';
  const names = 'ERIKSSON<<ANNA<MARIA';
  if (format === 'TD1') {
    const doc = 'D23145890';
    const up = `${doc}${checkDigit(doc)}`.padEnd(25, '<');
    const mid = `${birth}${checkDigit(birth)}F${expiry}${checkDigit(expiry)}UTO`.padEnd(29, '<');
    const composite = checkDigit(up + mid.slice(0, 7) + mid.slice(8, 15) + mid.slice(18, 29));
    const l1 = `I<UTO${doc}${bad('documentNumber', checkDigit(doc))}`.padEnd(30, '<');
    const l2 = `${birth}${bad('birthDate', checkDigit(birth))}F${expiry}${bad('expiryDate', checkDigit(expiry))}UTO`.padEnd(29, '<') + bad('composite', composite);
    return [l1, l2, names.padEnd(30, '<')];
  }
  if (format === 'TD2') {
    const doc = 'D23145890';
    const composite = checkDigit(`${doc}${checkDigit(doc)}${birth}${checkDigit(birth)}${expiry}${checkDigit(expiry)}<<<<<<<`);
    const l2 = `${doc}${bad('documentNumber', checkDigit(doc))}UTO${birth}${bad('birthDate', checkDigit(birth))}F${expiry}${bad('expiryDate', checkDigit(expiry))}<<<<<<<${bad('composite', composite)}`;
    return [`I<UTO${names}`.padEnd(36, '<'), l2];
  }
  const doc = 'L898902C3';
  const personal = 'ZE184226B<<<<<';
  const pcd = checkDigit(personal);
  const composite = checkDigit(`${doc}${checkDigit(doc)}${birth}${checkDigit(birth)}${expiry}${checkDigit(expiry)}${personal}${pcd}`);
  const l2 = `${doc}${bad('documentNumber', checkDigit(doc))}UTO${birth}${bad('birthDate', checkDigit(birth))}F${expiry}${bad('expiryDate', checkDigit(expiry))}${personal}${pcd}${bad('composite', composite)}`;
  return [`P<UTO${names}`.padEnd(44, '<'), l2];
}

/** YYMMDD of a Date (UTC), for MRZ date fields. */
export function mrzDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}
