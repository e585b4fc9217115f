/**
 * MRZ dates (ICAO 9303 part 3 §4.8): YYMMDD with a two-digit year, so the century is a rule, not data.
 * Pure; the kiosk's date comes in as an argument.
 */

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

/** True when the ISO date exists in the calendar (no 31 April, 29 February only in leap years). */
export function isCalendarDate(isoDate: string): boolean {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Today as the kiosk sees it (local date), ISO. */
export function todayIso(today: Date): string {
  return localIsoDate(today);
}

/** A birth date is never in the future: 74 -> 1974, 05 -> 2005 (in 2026), 30 -> 1930. Not validated. */
export function isoBirthDate(yymmdd: string, today: Date): string | null {
  const p = ymd(yymmdd);
  if (!p) return null;
  const recent = iso(2000 + p[0], p[1], p[2]);
  return recent > localIsoDate(today) ? iso(1900 + p[0], p[1], p[2]) : recent;
}

/** Expiry dates are this century unless that puts them more than 50 years ahead (a 1990s document). Not validated. */
export function isoExpiryDate(yymmdd: string, today: Date): string | null {
  const p = ymd(yymmdd);
  if (!p) return null;
  return iso(2000 + p[0] > today.getFullYear() + 50 ? 1900 + p[0] : 2000 + p[0], p[1], p[2]);
}

/** The birth and expiry dates as ISO dates when they are real calendar dates, else null. */
export function mrzDates(birth: string, expiry: string, today: Date): { birth: string | null; expiry: string | null } {
  const b = isoBirthDate(birth, today);
  const e = isoExpiryDate(expiry, today);
  return { birth: b && isCalendarDate(b) ? b : null, expiry: e && isCalendarDate(e) ? e : null };
}
