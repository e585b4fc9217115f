/**
 * What the engine is given: text with numbers, amounts and dates already in words for `lang`, so that
 * espeak-ng and a neural voice say the same thing and no engine guesses at "1,250" (one thousand two
 * hundred fifty, or one point two five?). Structured parts are exact; free text is read conservatively:
 * - an ISO currency code next to a number (AED 150.00, 150,00 EUR) is an amount;
 * - YYYY-MM-DD is a date;
 * - a plain whole number of up to 12 digits without a leading zero is a cardinal; longer ones and ones
 *   with a leading zero (phone, reference and card-slip numbers) are read digit by digit;
 * - Arabic keeps digits for the engine (see dates.ts), Arabic-Indic digits are read as digits.
 */
import { cardinal, MAX_CARDINAL } from './cardinals.js';
import { zhDigits } from './cardinals-ru-zh.js';
import { amountWords, isCurrency, minorPerMajor } from './currency.js';
import { dateWords, parseIsoDate } from './dates.js';
import type { SpeechLang } from './langs.js';

export type SpeechPart =
  | { text: string }
  | { number: number }
  | { amount: { minor: number; currency: string } }
  | { date: string }
  | { digits: string };

const DIGIT_WORDS: Record<Exclude<SpeechLang, 'zh' | 'ar'>, string[]> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  de: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'],
  fr: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
  ru: ['ноль', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'],
};

/** Each digit said on its own, separated so the engine pauses a little. */
export function digitWords(lang: SpeechLang, digits: string): string {
  const ds = digits.replace(/\D/g, '');
  if (lang === 'zh') return zhDigits(ds);
  if (lang === 'ar') return [...ds].join(' ');
  return [...ds].map((d) => DIGIT_WORDS[lang][Number(d)]).join(' ');
}

export function numberWords(lang: SpeechLang, n: number): string {
  if (lang === 'ar') return String(n);
  if (n < 0) return `${{ en: 'minus', de: 'minus', fr: 'moins', es: 'menos', ru: 'минус', zh: '负' }[lang]} ${cardinal(lang, -n)}`;
  return cardinal(lang, n);
}

/** Arabic-Indic and Extended Arabic-Indic digits as ASCII digits. */
function asciiDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (c) => String(c.charCodeAt(0) & 0xf));
}

/** "150.00", "1,250.50", "1 250,50" with `per` minor units per major -> minor units, or undefined. */
function parseMoney(num: string, per: number): number | undefined {
  const decimals = String(per).length - 1;
  const m = decimals > 0 ? new RegExp(`^(.*?)[.,](\\d{${decimals}})$`).exec(num) : null;
  const intPart = (m ? m[1]! : num).replace(/[\s,.'\u00a0\u202f]/g, '');
  if (!/^\d{1,15}$/.test(intPart)) return undefined;
  const minor = Number(intPart) * per + (m ? Number(m[2]) : 0);
  return Number.isSafeInteger(minor) ? minor : undefined;
}

const NUM = String.raw`\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?`;
const AMOUNT_BEFORE = new RegExp(String.raw`\b([A-Z]{3})\s?(${NUM})(?!\d)`, 'g');
const AMOUNT_AFTER = new RegExp(String.raw`(?<![\d.,])(${NUM})\s?([A-Z]{3})\b`, 'g');

/** Free text with its amounts, dates and numbers in words. */
export function normaliseText(lang: SpeechLang, input: string): string {
  let s = asciiDigits(input);
  const amount = (whole: string, code: string, num: string): string => {
    if (!isCurrency(code)) return whole;
    const minor = parseMoney(num, minorPerMajor(code));
    return minor === undefined || minor / minorPerMajor(code) > MAX_CARDINAL ? whole : ` ${amountWords(lang, minor, code)} `;
  };
  s = s.replace(AMOUNT_BEFORE, (w, code: string, num: string) => amount(w, code, num));
  s = s.replace(AMOUNT_AFTER, (w, num: string, code: string) => amount(w, code, num));
  s = s.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (w, d: string) => {
    const p = parseIsoDate(d);
    return p ? ` ${dateWords(lang, p.year, p.month, p.day)} ` : w;
  });
  if (lang !== 'ar') {
    s = s.replace(/\d+/g, (d) => {
      const n = Number(d);
      return ` ${d.length > 12 || (d.length > 1 && d.startsWith('0')) || n > MAX_CARDINAL ? digitWords(lang, d) : cardinal(lang, n)} `;
    });
  }
  return s.replace(/[ \t]+/g, ' ').replace(/ ([,.;:!?،。，])/g, '$1').trim();
}

/** Structured parts joined into one utterance's text. */
export function partsText(lang: SpeechLang, parts: readonly SpeechPart[]): string {
  const out = parts.map((p) => {
    if ('text' in p) return normaliseText(lang, p.text);
    if ('number' in p) return numberWords(lang, p.number);
    if ('amount' in p) return amountWords(lang, p.amount.minor, p.amount.currency);
    if ('digits' in p) return digitWords(lang, p.digits);
    const d = parseIsoDate(p.date);
    if (!d) throw new RangeError(`not a calendar date: ${p.date}`);
    return dateWords(lang, d.year, d.month, d.day);
  });
  return out.join(lang === 'zh' ? '' : ' ').replace(/\s+/g, ' ').trim();
}
