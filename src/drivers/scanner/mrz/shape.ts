/**
 * MRZ by shape, never by filler: which lines are MRZ lines, which format a group of lines is, and how
 * many lines to wait for. Pure.
 *
 * The rule (docs/scanner.md, "MRZ or barcode"): a line is an MRZ line when it uses only A-Z, 0-9 and `<`
 * (or has one or two misread characters and otherwise fits a template of its exact width) and either
 *   1. fits a line template of a known format character class by character class (the first line of
 *      TD1, TD2, TD3, MRV-A, MRV-B, the French identity card of 1988-2021, the Swiss or French driving
 *      licence; or the second line of an ICAO layout, whose dates and check digits are digits), or
 *   2. is within two characters of an MRZ line width (30, 36, 44) and contains the filler `<` or starts
 *      like a first line (document code A, C, I, P or V, a letter or `<`, then three letters or `<`): a
 *      reader that dropped, doubled or misread a character.
 * A line that arrives while a document still expects lines and is within two characters of the expected
 * width (with at most a few unreadable characters) is that document's next line. Everything else is a
 * barcode. A filler `<` is never required: an Emirates ID's first line has none.
 */
import { ICAO_LAYOUTS, type IcaoFormat } from './icao.js';

export type MrzFormat = IcaoFormat | 'FR-ID' | 'CH-DL' | 'FR-DL';

/** Line widths of each format, line by line. */
export const FORMAT_WIDTHS: Readonly<Record<MrzFormat, readonly number[]>> = {
  TD1: [30, 30, 30], TD2: [36, 36], TD3: [44, 44], 'MRV-A': [44, 44], 'MRV-B': [36, 36],
  'FR-ID': [36, 36], 'CH-DL': [9, 30, 30], 'FR-DL': [30],
};

/** First lines, most specific first (the French identity card before TD2, a visa before TD2/TD3). */
const FIRST_LINES: ReadonlyArray<readonly [MrzFormat, RegExp]> = [
  ['FR-DL', /^[ABD][0-9]FRA[A-Z0-9<]{9}[0-9<]{7}[A-Z<]{8}[0-9<]$/],
  ['TD1', /^[ACI][A-Z<][A-Z<]{3}[A-Z0-9<]{9}[0-9<][A-Z0-9<]{15}$/],
  ['FR-ID', /^IDFRA[A-Z<]{25}[A-Z0-9<]{6}$/],
  ['MRV-B', /^V[A-Z<][A-Z<]{3}[A-Z<]{31}$/],
  ['TD2', /^[ACI][A-Z<][A-Z<]{3}[A-Z<]{31}$/],
  ['MRV-A', /^V[A-Z<][A-Z<]{3}[A-Z<]{39}$/],
  ['TD3', /^P[A-Z<][A-Z<]{3}[A-Z<]{39}$/],
  ['CH-DL', /^[A-Z0-9]{3}[0-9]{3}[DFIR]<<$/],
];

/** Second lines of the ICAO layouts: dates, sex and check digits in their places. */
const SECOND_LINES: ReadonlyArray<readonly [number, RegExp]> = [
  [30, /^[0-9<]{7}[A-Z<][0-9<]{7}[A-Z<]{3}[A-Z0-9<]{11}[0-9<]$/],
  [36, /^[A-Z0-9<]{9}[0-9<][A-Z<]{3}[0-9<]{7}[A-Z<][0-9<]{7}[A-Z0-9<]{8}$/],
  [44, /^[A-Z0-9<]{9}[0-9<][A-Z<]{3}[0-9<]{7}[A-Z<][0-9<]{7}[A-Z0-9<]{16}$/],
];

const FR_ID_SECOND = /^[0-9]{4}[A-Z0-9<]{8}[0-9<][A-Z<]{14}[0-9<]{7}[A-Z<][0-9<]$/;

const MRZ_CHARS = /^[A-Z0-9<]+$/;
const FIRST_LINE_START = /^[ACIPV][A-Z<][A-Z<]{3}/;
const WIDTHS = [30, 36, 44] as const;

export type LineClass =
  /** The first line of a known format: wait for `lines` lines. */
  | { readonly kind: 'first'; readonly format: MrzFormat; readonly lines: number; readonly widths: readonly number[] }
  /** Could be an MRZ line (a later line, or a misread one): wait for `lines` lines of about `widths`. */
  | { readonly kind: 'mrz'; readonly lines: number; readonly widths: readonly number[] }
  | { readonly kind: 'barcode' };

export function classifyLine(text: string): LineClass {
  if (!MRZ_CHARS.test(text)) return misread(text);
  for (const [format, re] of FIRST_LINES) {
    if (re.test(text)) return { kind: 'first', format, lines: FORMAT_WIDTHS[format].length, widths: FORMAT_WIDTHS[format] };
  }
  const width = WIDTHS.find((w) => Math.abs(text.length - w) <= 2);
  if (width === undefined) return { kind: 'barcode' };
  const second = SECOND_LINES.some(([w, re]) => w === text.length && re.test(text));
  if (!second && !text.includes('<') && !FIRST_LINE_START.test(text)) return { kind: 'barcode' };
  const lines = width === 30 ? 3 : 2;
  return { kind: 'mrz', lines, widths: Array.from({ length: lines }, () => width) };
}

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'];

/**
 * A line with one or two characters outside the MRZ set (a misread: lowercase, `?`, `*`): an MRZ line if,
 * read as some MRZ character there, it fits a template of its exact width.
 */
function misread(text: string): LineClass {
  const bad = [...text].flatMap((ch, i) => (/[A-Z0-9<]/.test(ch) ? [] : [i]));
  if (bad.length > 2 || !WIDTHS.some((w) => w === text.length)) return { kind: 'barcode' };
  const candidates = bad.reduce<string[]>((acc, i) => acc.flatMap((t) => ALPHABET.map((c) => t.slice(0, i) + c + t.slice(i + 1))), [text]);
  for (const candidate of candidates) {
    const cls = classifyLine(candidate);
    if (cls.kind === 'first' || SECOND_LINES.some(([w, re]) => w === candidate.length && re.test(candidate))) return cls;
  }
  return { kind: 'barcode' };
}

/** Whether `text` can be the next line (expected width `width`) of a document being read. */
export function fitsNextLine(text: string, width: number): boolean {
  if (Math.abs(text.length - width) > 2) return false;
  let unreadable = 0;
  for (const ch of text) if (!/[A-Z0-9<]/.test(ch)) unreadable++;
  return unreadable <= 2;
}

/** The format of a complete group of lines, by line count, widths and document code; null if none fits. */
export function formatOfLines(lines: readonly string[]): MrzFormat | null {
  const widths = lines.map((l) => l.length).join(',');
  const first = lines[0] ?? '';
  if (widths === '30,30,30') return 'TD1';
  if (widths === '9,30,30') return 'CH-DL';
  if (widths === '30') return 'FR-DL';
  if (widths === '36,36') {
    if (first.startsWith('V')) return 'MRV-B';
    // the French card of 1988-2021: IDFRA (or digits, the issuing office, where TD2 has name fillers),
    // and a second line of issue date, office, number, given names, birth date, sex
    const french = first.startsWith('IDFRA') || /[0-9]/.test(first.slice(30, 35));
    return french && FR_ID_SECOND.test(lines[1] ?? '') ? 'FR-ID' : 'TD2';
  }
  if (widths === '44,44') return first.startsWith('V') ? 'MRV-A' : 'TD3';
  return null;
}

export function isIcao(format: MrzFormat): format is IcaoFormat {
  return format in ICAO_LAYOUTS;
}
