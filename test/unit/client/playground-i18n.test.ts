/** Every word of the playground page exists in the seven languages of the kiosk. */
import { describe, expect, it } from 'vitest';
// Plain JavaScript served to the browser as is; its lookups need no DOM.
// @ts-expect-error -- no declaration file for the static page's module
import { LANGUAGES, MESSAGES, t } from '../../../src/playground/static/i18n.js';

const messages = MESSAGES as Record<string, Record<string, string>>;

describe('playground translations', () => {
  it('has every key in en, ar, es, fr, de, ru and zh, with the same placeholders', () => {
    expect(LANGUAGES).toEqual(['en', 'ar', 'es', 'fr', 'de', 'ru', 'zh']);
    const problems: string[] = [];
    for (const [key, entry] of Object.entries(messages)) {
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
      for (const lang of LANGUAGES as string[]) {
        const text = entry[lang];
        if (!text) problems.push(`${key}: no ${lang}`);
        else if (vars(text) !== vars(entry.en ?? '')) problems.push(`${key}.${lang}: placeholders differ`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('fills placeholders', () => {
    expect((t as (k: string, v: object) => string)('cash.paid', { total: '€25.00' })).toBe('Paid €25.00');
  });
});
