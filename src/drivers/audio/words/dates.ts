/**
 * Calendar dates as spoken: ordinals and years in words where the language reads them so (ICU's
 * %spellout-ordinal and %spellout-numbering-year are the reference), month names from the runtime's
 * CLDR data (Intl.DateTimeFormat, in the grammatical case the date needs). Arabic keeps digits: the
 * espeak-ng Arabic voice reads digits with their vowels (see docs/audio.md).
 */
import { cardinal, enCardinal } from './cardinals.js';
import { zhCardinal, zhDigits } from './cardinals-ru-zh.js';
import type { SpeechLang } from './langs.js';

const EN_IRREGULAR: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

export function enOrdinal(n: number): string {
  const words = enCardinal(n);
  const m = /^(.*?)([a-z]+)$/.exec(words)!;
  const last = m[2]!;
  const ord = EN_IRREGULAR[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return m[1]! + ord;
}

/** British/ICU year reading: nineteen ninety-nine, two thousand six, twenty twenty-six, twenty-one hundred. */
export function enYear(y: number): string {
  if (y < 1000 || y > 9999) return enCardinal(y);
  const hi = Math.floor(y / 100);
  const lo = y % 100;
  if (lo === 0) return y % 1000 === 0 ? enCardinal(y) : `${enCardinal(hi)} hundred`;
  if (lo < 10) return hi % 10 === 0 ? enCardinal(y) : `${enCardinal(hi)} oh-${enCardinal(lo)}`;
  return `${enCardinal(hi)} ${enCardinal(lo)}`;
}

const DE_ORDINALS = ['', 'erste', 'zweite', 'dritte', 'vierte', 'fünfte', 'sechste', 'siebte', 'achte', 'neunte'];

export function deOrdinal(n: number): string {
  if (n < 10) return DE_ORDINALS[n]!;
  return n < 20 ? `${cardinal('de', n)}te` : `${cardinal('de', n)}ste`;
}

/** German years: neunzehnhundertneunundneunzig before 2000, the cardinal from 2000 on (as ICU). */
export function deYear(y: number): string {
  if (y >= 1100 && y < 2000) {
    const lo = y % 100;
    return `${cardinal('de', Math.floor(y / 100))}hundert${lo ? cardinal('de', lo) : ''}`;
  }
  return cardinal('de', y);
}

/** French years: dix-neuf-cent quatre-vingt-dix-neuf before 2000 (as ICU), the cardinal after. */
export function frYear(y: number): string {
  if (y >= 1100 && y < 2000) {
    const lo = y % 100;
    return `${cardinal('fr', Math.floor(y / 100))}-${lo ? `cent ${cardinal('fr', lo)}` : 'cents'}`;
  }
  return cardinal('fr', y);
}

const RU_STEMS = ['', 'перв', 'втор', 'трет', 'четвёрт', 'пят', 'шест', 'седьм', 'восьм', 'девят', 'десят', 'одиннадцат', 'двенадцат', 'тринадцат', 'четырнадцат', 'пятнадцат', 'шестнадцат', 'семнадцат', 'восемнадцат', 'девятнадцат'];
const RU_TEN_STEMS = ['', '', 'двадцат', 'тридцат', 'сороков', 'пятидесят', 'шестидесят', 'семидесят', 'восьмидесят', 'девяност'];
const RU_HUNDRED_STEMS = ['', 'сот', 'двухсот', 'трёхсот', 'четырёхсот', 'пятисот', 'шестисот', 'семисот', 'восьмисот', 'девятисот'];
const RU_THOUSAND_STEMS = ['', 'тысячн', 'двухтысячн', 'трёхтысячн', 'четырёхтысячн', 'пятитысячн', 'шеститысячн', 'семитысячн', 'восьмитысячн', 'девятитысячн'];

/**
 * Russian ordinal 1..9999 in one case: only the last word is ordinal (две тысячи двадцать шестого).
 * `neuter`: nominative neuter (the day: двенадцатое); `genitive`: masculine genitive (the year: ...года).
 */
export function ruOrdinal(n: number, form: 'neuter' | 'genitive'): string {
  const end = (stem: string): string => (stem === 'трет' ? (form === 'neuter' ? 'третье' : 'третьего') : stem + (form === 'neuter' ? 'ое' : 'ого'));
  const k = Math.floor(n / 1000);
  const h = Math.floor(n / 100) % 10;
  const r = n % 100;
  if (r === 0 && h === 0) return end(RU_THOUSAND_STEMS[k]!);
  const head = k ? `${cardinal('ru', k * 1000)} ` : '';
  if (r === 0) return head + end(RU_HUNDRED_STEMS[h]!);
  const mid = h ? `${cardinal('ru', h * 100)} ` : '';
  if (r < 20) return head + mid + end(RU_STEMS[r]!);
  const u = r % 10;
  if (u === 0) return head + mid + end(RU_TEN_STEMS[Math.floor(r / 10)]!);
  return `${head}${mid}${cardinal('ru', r - u)} ${end(RU_STEMS[u]!)}`;
}

/** A month's name in `lang`, in the case it takes after a day number (ru: марта). */
function monthName(lang: string, month: number): string {
  const d = new Date(Date.UTC(2001, month - 1, 15));
  const parts = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', timeZone: 'UTC' }).formatToParts(d);
  return parts.find((p) => p.type === 'month')?.value ?? String(month);
}

/** A valid calendar date as words in `lang`. */
export function dateWords(lang: SpeechLang, year: number, month: number, day: number): string {
  const m = monthName(lang, month);
  switch (lang) {
    case 'en':
      return `the ${enOrdinal(day)} of ${m} ${enYear(year)}`;
    case 'de':
      return `der ${deOrdinal(day)} ${m} ${deYear(year)}`;
    case 'fr':
      return `le ${day === 1 ? 'premier' : cardinal('fr', day)} ${m} ${frYear(year)}`;
    case 'es':
      return `${cardinal('es', day)} de ${m} de ${cardinal('es', year)}`;
    case 'ru':
      return `${ruOrdinal(day, 'neuter')} ${m} ${ruOrdinal(year, 'genitive')} года`;
    case 'zh':
      return `${zhDigits(String(year))}年${zhCardinal(month)}月${zhCardinal(day)}日`;
    case 'ar':
      return `${day} ${m} ${year}`;
  }
}

/** Parses YYYY-MM-DD into a real date, or undefined (2026-02-30 is not one). */
export function parseIsoDate(s: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || year < 1000) return undefined;
  return { year, month, day };
}
