/**
 * Which of the printer's code pages can print a string, and the bytes for it. Pure.
 * A text block goes to the printer as text only when every character (after NFC normalisation) is in
 * one code page; otherwise the renderer rasterises it (Arabic, Chinese, mixed scripts).
 */
import { CODE_PAGES } from './codepage-tables.js';

export type CodePageName = keyof typeof CODE_PAGES;
export const CODE_PAGE_NAMES = Object.keys(CODE_PAGES) as CodePageName[];

const encodeMaps = new Map<CodePageName, Map<string, number>>();
const escTToName = new Map<number, CodePageName>(CODE_PAGE_NAMES.map((n) => [CODE_PAGES[n].escT, n]));

function encodeMap(page: CodePageName): Map<string, number> {
  let map = encodeMaps.get(page);
  if (!map) {
    map = new Map();
    const high = CODE_PAGES[page].high;
    for (let i = 0; i < high.length; i++) {
      const ch = high[i] as string;
      if (ch !== '\ufffd' && !map.has(ch)) map.set(ch, 0x80 + i);
    }
    encodeMaps.set(page, map);
  }
  return map;
}

/** ESC t number of a code page. */
export function escTOf(page: CodePageName): number {
  return CODE_PAGES[page].escT;
}

/** The code page an ESC t number selects, if we know its table. */
export function pageOfEscT(n: number): CodePageName | undefined {
  return escTToName.get(n);
}

/**
 * Characters no printer code page has but whose look a plain one gives exactly (Intl.NumberFormat puts
 * narrow no-break spaces in French amounts): used only when the page lacks the character itself.
 */
const LOOKALIKES: Record<string, string> = { '\u202f': ' ', '\u2009': ' ', '\u2007': ' ', '\u2002': ' ', '\u2003': ' ', '\u2010': '-', '\u2011': '-' };

/** Bytes of `text` in `page`, or undefined if some character is not in it. Tabs/newlines are not allowed. */
export function encode(text: string, page: CodePageName): Uint8Array | undefined {
  const map = encodeMap(page);
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0x20 && cp < 0x7f) out.push(cp);
    else {
      const alike = LOOKALIKES[ch];
      const b = map.get(ch) ?? alike?.codePointAt(0);
      if (b === undefined) return undefined;
      out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** The first page (in the printer's preference order) that can print every string given. */
export function choosePage(texts: readonly string[], pages: readonly CodePageName[]): CodePageName | undefined {
  return pages.find((p) => texts.every((t) => encode(t, p) !== undefined));
}

/** Decode printer bytes (>= 0x20) of a code page back to text; unknown pages print as cp437. */
export function decode(bytes: Uint8Array, page: CodePageName): string {
  const high = CODE_PAGES[page].high;
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : (high[b - 0x80] ?? '\ufffd');
  return s;
}
