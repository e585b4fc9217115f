/**
 * Whole numbers as words, the way CLDR's rule-based spell-out (ICU RBNF) writes them, for the
 * languages whose engines read words better than digits. `form` is the grammatical form a counted
 * noun asks for: `numbering` is the bare count (de "eins", es "uno"), `m`/`f`/`n` agree with a
 * masculine, feminine or neuter noun (de "ein Euro", "eine Kopeke"; ru "две копейки").
 * Checked against ICU's spell-out in test/unit/audio/cardinals.test.ts (python3-icu).
 * Range: 0 to 999,999,999,999.
 */
import { ruCardinal, zhCardinal } from './cardinals-ru-zh.js';
import type { Form } from './form.js';

export type { Form } from './form.js';
export const MAX_CARDINAL = 999_999_999_999;

/** Splits n into [billions, millions, thousands, rest] of three digits each. */
export function groups(n: number): [number, number, number, number] {
  return [Math.floor(n / 1e9) % 1000, Math.floor(n / 1e6) % 1000, Math.floor(n / 1e3) % 1000, n % 1000];
}

const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function en99(n: number): string {
  if (n < 20) return EN_UNITS[n]!;
  const u = n % 10;
  return EN_TENS[Math.floor(n / 10)]! + (u ? `-${EN_UNITS[u]!}` : '');
}

function en999(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  return [h ? `${EN_UNITS[h]!} hundred` : '', r ? en99(r) : ''].filter(Boolean).join(' ');
}

export function enCardinal(n: number): string {
  if (n === 0) return 'zero';
  const [b, m, k, r] = groups(n);
  const out: string[] = [];
  if (b) out.push(`${en999(b)} billion`);
  if (m) out.push(`${en999(m)} million`);
  if (k) out.push(`${en999(k)} thousand`);
  if (r) out.push(en999(r));
  return out.join(' ');
}

const DE_UNITS = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf', 'dreizehn', 'vierzehn', 'fünfzehn', 'sechzehn', 'siebzehn', 'achtzehn', 'neunzehn'];
const DE_TENS = ['', '', 'zwanzig', 'dreißig', 'vierzig', 'fünfzig', 'sechzig', 'siebzig', 'achtzig', 'neunzig'];

/** 1..999 in one word; `one` is how a final 1 reads (eins, ein, eine). */
function de999(n: number, one: string): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  let s = h ? `${h === 1 ? 'ein' : DE_UNITS[h]!}hundert` : '';
  if (r === 1) s += one;
  else if (r > 0 && r < 20) s += DE_UNITS[r]!;
  else if (r >= 20) {
    const u = r % 10;
    s += (u ? `${u === 1 ? 'ein' : DE_UNITS[u]!}und` : '') + DE_TENS[Math.floor(r / 10)]!;
  }
  return s;
}

export function deCardinal(n: number, form: Form): string {
  if (n === 0) return 'null';
  const [b, m, k, r] = groups(n);
  const out: string[] = [];
  if (b) out.push(b === 1 ? 'eine Milliarde' : `${de999(b, 'eine')} Milliarden`);
  if (m) out.push(m === 1 ? 'eine Million' : `${de999(m, 'eine')} Millionen`);
  const one = form === 'numbering' ? 'eins' : form === 'f' ? 'eine' : 'ein';
  const low = (k ? `${de999(k, 'ein')}tausend` : '') + (r ? de999(r, one) : '');
  if (low) out.push(low);
  return out.join(' ');
}

const FR_UNITS = ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf'];
const FR_TENS = ['', '', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];

function fr99(n: number, one: string, final: boolean): string {
  if (n === 1) return one;
  if (n < 20) return FR_UNITS[n]!;
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t === 7) return u === 1 ? 'soixante-et-onze' : `soixante-${FR_UNITS[10 + u]!}`;
  if (t === 9) return `quatre-vingt-${FR_UNITS[10 + u]!}`;
  if (t === 8) return u === 0 ? (final ? 'quatre-vingts' : 'quatre-vingt') : `quatre-vingt-${u === 1 ? one : FR_UNITS[u]!}`;
  return FR_TENS[t]! + (u === 0 ? '' : u === 1 ? `-et-${one}` : `-${FR_UNITS[u]!}`);
}

/** `final`: nothing follows (quatre-vingts, deux cents); before mille/millions they lose the s. */
function fr999(n: number, one: string, final: boolean): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const hs = h === 0 ? '' : h === 1 ? 'cent' : `${FR_UNITS[h]!} cent${r === 0 && final ? 's' : ''}`;
  return [hs, r ? fr99(r, one, final) : ''].filter(Boolean).join(' ');
}

export function frCardinal(n: number, form: Form): string {
  if (n === 0) return 'zéro';
  const [b, m, k, r] = groups(n);
  const out: string[] = [];
  if (b) out.push(b === 1 ? 'un milliard' : `${fr999(b, 'un', false)} milliards`);
  if (m) out.push(m === 1 ? 'un million' : `${fr999(m, 'un', false)} millions`);
  if (k) out.push(k === 1 ? 'mille' : `${fr999(k, 'un', false)} mille`);
  if (r) out.push(fr999(r, form === 'f' ? 'une' : 'un', true));
  return out.join(' ');
}

const ES_UNITS = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve'];
const ES_VEINTI = ['veinte', '', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve'];
const ES_TENS = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const ES_HUNDREDS = ['', 'ciento', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos', 'setecientos', 'ochocientos', 'novecientos'];

/** `one`: uno (counting), un (before a masculine noun or mil), una (feminine). */
function es99(n: number, one: 'uno' | 'un' | 'una'): string {
  if (n === 1) return one;
  if (n < 20) return ES_UNITS[n]!;
  const u = n % 10;
  if (n < 30) return u === 1 ? { uno: 'veintiuno', un: 'veintiún', una: 'veintiuna' }[one] : ES_VEINTI[u]!;
  return ES_TENS[Math.floor(n / 10)]! + (u ? ` y ${u === 1 ? one : ES_UNITS[u]!}` : '');
}

function es999(n: number, one: 'uno' | 'un' | 'una', feminine: boolean): string {
  if (n === 100) return 'cien';
  const h = Math.floor(n / 100);
  const r = n % 100;
  const hs = h ? (feminine && h > 1 ? ES_HUNDREDS[h]!.replace(/os$/, 'as') : ES_HUNDREDS[h]!) : '';
  return [hs, r ? es99(r, one) : ''].filter(Boolean).join(' ');
}

function esBelowMillion(n: number, one: 'uno' | 'un' | 'una', feminine: boolean): string {
  const k = Math.floor(n / 1000);
  const r = n % 1000;
  const ks = k === 0 ? '' : k === 1 ? 'mil' : `${es999(k, 'un', false)} mil`;
  return [ks, r ? es999(r, one, feminine) : ''].filter(Boolean).join(' ');
}

export function esCardinal(n: number, form: Form): string {
  if (n === 0) return 'cero';
  const millions = Math.floor(n / 1e6);
  const rest = n % 1e6;
  const out: string[] = [];
  if (millions) out.push(millions === 1 ? 'un millón' : `${esBelowMillion(millions, 'un', false)} millones`);
  if (rest) out.push(esBelowMillion(rest, form === 'numbering' ? 'uno' : form === 'f' ? 'una' : 'un', form === 'f'));
  return out.join(' ');
}

export type WordsLang = 'en' | 'de' | 'fr' | 'es' | 'ru' | 'zh';

/** Whole number `n` (0..MAX_CARDINAL) in words. */
export function cardinal(lang: WordsLang, n: number, form: Form = 'numbering'): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_CARDINAL) throw new RangeError(`cannot spell ${n}`);
  switch (lang) {
    case 'en':
      return enCardinal(n);
    case 'de':
      return deCardinal(n, form);
    case 'fr':
      return frCardinal(n, form);
    case 'es':
      return esCardinal(n, form);
    case 'ru':
      return ruCardinal(n, form);
    case 'zh':
      return zhCardinal(n);
  }
}
