/** A printed receipt (the printer's own document model) as speech, and spoken on the simulated card. */
import { describe, expect, it } from 'vitest';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';
import { receiptSpeech } from '../../../src/drivers/audio/receipt.js';
import { hasEspeak } from '../../helpers/env.js';
import { audioHarness } from './harness.js';

const doc = receiptDocumentSchema.parse({
  blocks: [
    { type: 'text', text: 'Dubai Police — fine payment', align: 'center', size: 2 },
    { type: 'separator' },
    { type: 'row', key: 'Fine', value: 'AED 1,250.00' },
    { type: 'row', key: 'Paid on', value: '2026-03-12' },
    { type: 'row', key: 'Reference', value: '00731442' },
    { type: 'qr', data: 'DXB-2026-000123' },
    { type: 'barcode', symbology: 'code128', data: 'DXB000123' },
    { type: 'text', text: 'شكرا لكم', lang: 'ar' },
    { type: 'cut' },
  ],
});

describe('receipts as speech', () => {
  it('reads text and rows in order with amounts, dates and references in words; skips codes and rules', () => {
    expect(receiptSpeech(doc, 'en')).toEqual([
      {
        lang: 'en',
        blocks: 4,
        text: 'Dubai Police — fine payment. Fine, one thousand two hundred fifty dirhams. Paid on, the twelfth of March twenty twenty-six. Reference, zero zero seven three one four four two',
      },
      { lang: 'ar', blocks: 1, text: 'شكرا لكم' },
    ]);
  });

  it('reads a receipt in Russian with the Russian forms', () => {
    const ru = receiptDocumentSchema.parse({ blocks: [{ type: 'row', key: 'Сумма', value: '1 250,00 AED' }, { type: 'row', key: 'Дата', value: '2026-03-12' }] });
    expect(receiptSpeech(ru, 'ru')[0]!.text).toBe('Сумма, одна тысяча двести пятьдесят дирхамов. Дата, двенадцатое марта две тысячи двадцать шестого года');
  });
});

describe.skipIf(!hasEspeak)('speakReceipt on the simulated card', () => {
  it('queues one utterance per language run; repeat says the last run again', async () => {
    const h = await audioHarness({}, { pace: 'instant' });
    const r = await h.driver.commands.speakReceipt({ document: doc, lang: 'en', interrupt: false }, h.ctx);
    expect(r.blocks).toBe(5);
    await h.until(() => h.events.filter((e) => e.event === 'ended').length === 2, 'both runs spoken');
    expect(h.events.filter((e) => e.event === 'started').map((e) => e.payload.lang)).toEqual(['en', 'ar']);
    expect(r.durationMs).toBeGreaterThan(5000);
  });
});
