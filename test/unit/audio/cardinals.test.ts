/**
 * Number words against ICU's CLDR spell-out (an implementation we did not write): every number to
 * 1,100, every power-of-ten edge, and 3,000 seeded random numbers up to 999,999,999,999, in each
 * grammatical form, for en, de, fr, es, ru and zh. Two deliberate differences in zh: 〇 is written 零
 * (same sound, líng), and a 万 group of 1-999 after 亿 takes 零 (一亿零一百万, 八亿零一十六万, as school
 * grammar has it; ICU writes 一亿一百万, 八亿十六万 there, yet puts 零 before a short last group).
 */
import { describe, expect, it } from 'vitest';
import { cardinal, MAX_CARDINAL, type Form, type WordsLang } from '../../../src/drivers/audio/words/cardinals.js';
import { zhDigits } from '../../../src/drivers/audio/words/cardinals-ru-zh.js';
import { hasPyIcu, icuSpell } from '../../helpers/icu.js';

const RULESETS: Record<WordsLang, Array<[Form, string]>> = {
  en: [['numbering', '%spellout-numbering']],
  de: [['numbering', '%spellout-numbering'], ['m', '%spellout-cardinal-masculine'], ['f', '%spellout-cardinal-feminine'], ['n', '%spellout-cardinal-neuter']],
  fr: [['numbering', '%spellout-numbering'], ['m', '%spellout-cardinal-masculine'], ['f', '%spellout-cardinal-feminine']],
  es: [['numbering', '%spellout-numbering'], ['m', '%spellout-cardinal-masculine'], ['f', '%spellout-cardinal-feminine']],
  ru: [['numbering', '%spellout-numbering'], ['m', '%spellout-cardinal-masculine'], ['f', '%spellout-cardinal-feminine'], ['n', '%spellout-cardinal-neuter']],
  zh: [['numbering', '%spellout-cardinal']],
};

function sample(): number[] {
  const out = new Set<number>();
  for (let n = 0; n <= 1100; n++) out.add(n);
  for (let p = 3; p <= 11; p++) {
    const base = 10 ** p;
    for (const d of [1, 2, 3, 5, 8, 10, 11, 20, 21, 80, 81, 100, 101, 200, 999]) for (const k of [0, 1, 10, 21, 100, 1000]) if (d * base + k <= MAX_CARDINAL) out.add(d * base + k);
  }
  let seed = 19;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 3000; i++) out.add(Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 12))) % (MAX_CARDINAL + 1));
  return [...out];
}

describe.skipIf(!hasPyIcu)('cardinal numbers agree with ICU spell-out', () => {
  const numbers = sample();
  for (const [lang, sets] of Object.entries(RULESETS) as Array<[WordsLang, Array<[Form, string]>]>) {
    it(`${lang}: ${sets.length} form(s) x ${numbers.length} numbers`, () => {
      const requests = sets.flatMap(([, rs]) => numbers.map((n) => [lang, rs, n] as [string, string, number]));
      const icu = icuSpell(requests);
      const ours = sets.flatMap(([form]) => numbers.map((n) => cardinal(lang, n, form)));
      const norm = (s: string): string => (lang === 'zh' ? s.replace(/〇/g, '零') : s);
      const zhAfterYi = (s: string): string => (lang === 'zh' ? s.replace(/亿零(?:一(?=十))?(?=[^万亿]*万)/, '亿') : s);
      const diffs = requests.flatMap((r, i) => (norm(icu[i]!) === zhAfterYi(ours[i]!) ? [] : [`${r[1]} ${r[2]}: icu "${icu[i]}" ours "${ours[i]}"`]));
      expect(diffs.slice(0, 10)).toEqual([]);
    });
  }

  it('zh years are read digit by digit, as ICU does', () => {
    const years = [1999, 2000, 2006, 2026, 2100];
    const icu = icuSpell(years.map((y) => ['zh', '%spellout-numbering-year', y]));
    expect(years.map((y) => zhDigits(String(y)))).toEqual(icu.map((s) => s.replace(/〇/g, '零')));
  });
});

describe('cardinal range', () => {
  it('refuses what it cannot spell', () => {
    expect(() => cardinal('en', -1)).toThrow(RangeError);
    expect(() => cardinal('en', 1.5)).toThrow(RangeError);
    expect(() => cardinal('en', MAX_CARDINAL + 1)).toThrow(RangeError);
  });
});
