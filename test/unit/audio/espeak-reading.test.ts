/**
 * How espeak-ng itself reads what kioskd gives it, from its own phoneme trace (`espeak-ng -x`): an
 * independent check that every word of a sentence is read by the sentence's language. espeak-ng marks
 * each switch to another language's rules as "(en)" etc. Debian's espeak-ng 1.51 reads hanzi it has no
 * entry for as English letters and tone digits; tone-numbered pinyin with cmn-latn-pinyin has no switch.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VOICES } from '../../../src/drivers/audio/config.js';
import { cleanText, toPinyin } from '../../../src/drivers/audio/synth.js';
import type { SpeechLang } from '../../../src/drivers/audio/words/langs.js';
import { partsText } from '../../../src/drivers/audio/words/verbalise.js';
import { hasEspeak } from '../../helpers/env.js';

function phonemes(voice: string, text: string): string {
  return spawnSync('espeak-ng', ['-q', '-x', '-b', '1', '-v', voice], { input: text, encoding: 'utf8' }).stdout;
}

const SENTENCES: Record<Exclude<SpeechLang, 'zh'>, { parts: Parameters<typeof partsText>[1] }> = {
  en: { parts: [{ text: 'You paid' }, { amount: { minor: 125050, currency: 'AED' } }, { text: 'on' }, { date: '2026-03-12' }] },
  de: { parts: [{ text: 'Sie haben' }, { amount: { minor: 125050, currency: 'AED' } }, { text: 'bezahlt, am' }, { date: '2026-03-12' }] },
  fr: { parts: [{ text: 'Vous avez payé' }, { amount: { minor: 125050, currency: 'AED' } }, { text: 'le' }, { date: '2026-03-12' }] },
  es: { parts: [{ text: 'Ha pagado' }, { amount: { minor: 125050, currency: 'AED' } }, { text: 'el' }, { date: '2026-03-12' }] },
  ru: { parts: [{ text: 'Вы оплатили' }, { amount: { minor: 125050, currency: 'AED' } }, { date: '2026-03-12' }] },
  ar: { parts: [{ text: 'لقد دفعت' }, { amount: { minor: 125050, currency: 'AED' } }, { text: 'بتاريخ' }, { date: '2026-03-12' }] },
};

describe.skipIf(!hasEspeak)('espeak-ng reads each sentence in its own language', () => {
  it.each(Object.entries(SENTENCES))('%s: no switch to another language in the phoneme trace', (lang, { parts }) => {
    const text = cleanText(partsText(lang as SpeechLang, parts));
    const trace = phonemes(DEFAULT_VOICES[lang as SpeechLang].engine === 'espeak-ng' ? (DEFAULT_VOICES[lang as SpeechLang] as { voice: string }).voice : lang, text);
    expect(trace.trim().length).toBeGreaterThan(20);
    expect(trace).not.toMatch(/\([a-z]{2,3}(-[a-z0-9]+)?\)/);
  });

  it('Arabic: the diacritised accusative noun after a number is read with its tanween (-an)', () => {
    expect(phonemes('ar', partsText('ar', [{ amount: { minor: 15000, currency: 'AED' } }]))).toMatch(/d'iRham,an/);
  });

  it('zh: raw hanzi switch to English in espeak-ng 1.51; the pinyin kioskd sends does not', async () => {
    const text = partsText('zh', [{ text: '欢迎使用自助服务终端。您支付了' }, { amount: { minor: 15050, currency: 'AED' } }, { date: '2026-03-12' }]);
    expect(text).toBe('欢迎使用自助服务终端。您支付了一百五十点五迪拉姆二零二六年三月十二日');
    expect(phonemes('cmn', text)).toMatch(/\(en\)/);
    const trace = phonemes('cmn-latn-pinyin', await toPinyin(text));
    expect(trace).not.toMatch(/\([a-z]{2,3}\)/);
    expect(trace).toMatch(/X'ua55n/); // 欢 huan1: high level tone 55
  });
});
