/**
 * Russian and Mandarin whole numbers as words (CLDR/ICU spell-out style). Russian picks the form of
 * тысяча/миллион/миллиард by CLDR's plural category of the count (Intl.PluralRules: one, few, many);
 * Mandarin groups by 万 and 亿 with 零 for skipped places.
 */
import type { Form } from './form.js';

const RU_UNITS = ['ноль', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять', 'десять', 'одиннадцать', 'двенадцать', 'тринадцать', 'четырнадцать', 'пятнадцать', 'шестнадцать', 'семнадцать', 'восемнадцать', 'девятнадцать'];
const RU_TENS = ['', '', 'двадцать', 'тридцать', 'сорок', 'пятьдесят', 'шестьдесят', 'семьдесят', 'восемьдесят', 'девяносто'];
const RU_HUNDREDS = ['', 'сто', 'двести', 'триста', 'четыреста', 'пятьсот', 'шестьсот', 'семьсот', 'восемьсот', 'девятьсот'];
const RU_ONE_TWO: Record<'m' | 'f' | 'n', [string, string]> = { m: ['один', 'два'], f: ['одна', 'две'], n: ['одно', 'два'] };

const ruPlural = new Intl.PluralRules('ru');

/** The noun form for a count: [one, few, many] as CLDR's plural rules for Russian choose. */
export function ruForm<T>(count: number, forms: readonly [T, T, T]): T {
  const c = ruPlural.select(count);
  return c === 'one' ? forms[0] : c === 'few' ? forms[1] : forms[2];
}

function ru999(n: number, gender: 'm' | 'f' | 'n'): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const out: string[] = [];
  if (h) out.push(RU_HUNDREDS[h]!);
  if (r >= 20) out.push(RU_TENS[Math.floor(r / 10)]!);
  const u = r >= 20 ? r % 10 : r;
  if (u === 1 || u === 2) out.push(RU_ONE_TWO[gender][u - 1]!);
  else if (u) out.push(RU_UNITS[u]!);
  return out.join(' ');
}

const RU_SCALES: Array<{ size: number; gender: 'm' | 'f'; forms: [string, string, string] }> = [
  { size: 1e9, gender: 'm', forms: ['миллиард', 'миллиарда', 'миллиардов'] },
  { size: 1e6, gender: 'm', forms: ['миллион', 'миллиона', 'миллионов'] },
  { size: 1e3, gender: 'f', forms: ['тысяча', 'тысячи', 'тысяч'] },
];

export function ruCardinal(n: number, form: Form): string {
  if (n === 0) return 'ноль';
  const out: string[] = [];
  for (const s of RU_SCALES) {
    const g = Math.floor(n / s.size) % 1000;
    if (g) out.push(`${ru999(g, s.gender)} ${ruForm(g, s.forms)}`);
  }
  const r = n % 1000;
  if (r) out.push(ru999(r, form === 'numbering' ? 'm' : form));
  return out.join(' ');
}

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const ZH_PLACES = ['千', '百', '十', ''];

/** 1..9999; `leading`: nothing precedes, so 10-19 read 十X rather than 一十X. */
function zh4(n: number, leading: boolean): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  let s = '';
  let started = false;
  let gap = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      if (started) gap = true;
      return;
    }
    if (gap) s += '零';
    gap = false;
    s += i === 2 && d === 1 && !started && leading ? '十' : ZH_DIGITS[d]! + ZH_PLACES[i]!;
    started = true;
  });
  return s;
}

export function zhCardinal(n: number): string {
  if (n === 0) return '零';
  const parts: Array<[number, string]> = [
    [Math.floor(n / 1e8), '亿'],
    [Math.floor(n / 1e4) % 1e4, '万'],
    [n % 1e4, ''],
  ];
  let s = '';
  let zero = false;
  for (const [g, unit] of parts) {
    if (g === 0) {
      if (s) zero = true;
      continue;
    }
    if (s && (zero || g < 1000)) s += '零';
    zero = false;
    s += zh4(g, s === '') + unit;
  }
  return s;
}

/** Each digit on its own (years in Mandarin, reference numbers): 2026 -> 二零二六. */
export function zhDigits(digits: string): string {
  return [...digits].map((d) => ZH_DIGITS[Number(d)] ?? '').join('');
}
