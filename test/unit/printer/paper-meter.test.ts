/**
 * Paper used per job: the meter counts the dot rows a job's bytes feed; the virtual printer that the
 * simulator prints with (decodeToPages: the bytes drawn onto paper) must come out exactly as tall, for
 * every kind of block, and a hand-counted job must give the spec's numbers (ESC d n feeds n x 30 dots).
 */
import { describe, expect, it } from 'vitest';
import { receiptDocumentSchema, type ReceiptDocumentInput } from '../../../src/drivers/printer/api.js';
import { printerConfigSchema } from '../../../src/drivers/printer/config.js';
import { paperRows, rowsToMm } from '../../../src/drivers/printer/paper-meter.js';
import { decodeToPages } from '../../../src/drivers/printer/preview.js';
import { renderReceipt } from '../../../src/drivers/printer/render.js';
import { receiptFor, sevenLanguageReceipt } from '../../fixtures/printer/receipts.js';

const cfg = printerConfigSchema.parse({});

async function measured(input: ReceiptDocumentInput, qr: 'native' | 'raster' = 'native'): Promise<{ meter: number; printed: number }> {
  const job = await renderReceipt(receiptDocumentSchema.parse(input), { ...cfg, qr });
  const bytes = Buffer.concat(job.chunks);
  const pages = await decodeToPages(bytes, cfg);
  return { meter: await paperRows(job.chunks, 576), printed: pages.reduce((n, p) => n + p.height, 0) };
}

describe('paper used by a print job', () => {
  it('a hand-counted job: 10 lines fed and a cut (3 more lines) = 13 x 30 dots = 390 rows = 48.75 mm', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse({ blocks: [{ type: 'feed', lines: 10 }, { type: 'cut' }], cut: false }), cfg);
    expect(await paperRows(job.chunks, 576)).toBe(390);
    expect(rowsToMm(390)).toBe(48.8);
    // ESC J n feeds n dots; GS V 66 n feeds n dots before the cut; double height text takes 48 rows.
    expect(await paperRows([Uint8Array.of(0x1b, 0x4a, 100, 0x1d, 0x56, 66, 20)], 576)).toBe(120);
    expect(await paperRows([Uint8Array.of(0x1d, 0x21, 0x01, 0x41, 0x0a)], 576)).toBe(48);
  });

  it.each([
    ['en', receiptFor('en', { qr: true, barcode: true })],
    ['ru', receiptFor('ru', { qr: true })],
    ['ar (raster text)', receiptFor('ar', { barcode: true })],
    ['zh', receiptFor('zh')],
    ['seven languages', sevenLanguageReceipt()],
  ] as const)('equals the height the virtual printer prints: %s', async (_, doc) => {
    for (const qr of ['native', 'raster'] as const) {
      const { meter, printed } = await measured({ ...doc, cut: true }, qr);
      expect(printed).toBeGreaterThan(100);
      expect(meter).toBe(printed);
    }
  });

  it('a long line wraps at the paper width as the printer wraps it', async () => {
    const { meter, printed } = await measured({ blocks: [{ type: 'text', text: 'x'.repeat(120) }, { type: 'text', text: 'big', size: 2 }], cut: true });
    expect(meter).toBe(printed);
  });
});
