import { describe, expect, it } from 'vitest';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';
import { MAX_DOCUMENT_IMAGE_PIXELS, MAX_DOCUMENT_ROWS, measureDocument } from '../../../src/drivers/printer/budget.js';
import { printerConfigSchema } from '../../../src/drivers/printer/config.js';
import { previewReceipt } from '../../../src/drivers/printer/preview.js';
import { receiptFor, sevenLanguageReceipt } from '../../fixtures/printer/receipts.js';
import { hostileDocument, stripedPng, worstAcceptedDocument } from '../../fixtures/printer/worst-case.js';

const cfg = printerConfigSchema.parse({});

describe('receipt budget (measured before rendering)', () => {
  it('measures ordinary receipts at least as long as they print, and close to it', async () => {
    for (const d of [receiptFor('en', { qr: true, barcode: true }), receiptFor('ar', { qr: true }), receiptFor('zh'), sevenLanguageReceipt()]) {
      const doc = receiptDocumentSchema.parse(d);
      const rows = await measureDocument(doc, cfg);
      const { height } = await previewReceipt(doc, cfg);
      expect(rows).toBeGreaterThanOrEqual(height);
      expect(rows).toBeLessThan(height * 1.1 + 40);
    }
  }, 30_000);

  it('refuses a schema-valid 890 KB document at the block that crosses the limit, without rendering', async () => {
    const doc = receiptDocumentSchema.parse(hostileDocument());
    expect(Buffer.byteLength(JSON.stringify(doc))).toBeGreaterThan(850_000);
    expect(Buffer.byteLength(JSON.stringify(doc))).toBeLessThan(1024 * 1024);
    const err = await measureDocument(doc, cfg).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', details: { limit: MAX_DOCUMENT_ROWS } });
    expect((err as { details: { block: number } }).details.block).toBeLessThan(40);
  });

  it('lets the worst accepted document through, and its preview stays within the limit', async () => {
    const doc = receiptDocumentSchema.parse(worstAcceptedDocument());
    const rows = await measureDocument(doc, cfg);
    expect(rows).toBeGreaterThan(MAX_DOCUMENT_ROWS * 0.9);
    expect(rows).toBeLessThanOrEqual(MAX_DOCUMENT_ROWS);
    const { height } = await previewReceipt(doc, cfg);
    expect(height).toBeLessThanOrEqual(rows);
  }, 60_000);

  it("refuses images holding more than the document's pixel allowance, from their headers", async () => {
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'image', png: stripedPng(500) }, { type: 'image', png: stripedPng(400) }] });
    await expect(measureDocument(doc, cfg)).rejects.toMatchObject({ code: 'DOCUMENT_TOO_LARGE', details: { limit: MAX_DOCUMENT_IMAGE_PIXELS, block: 1, what: 'pixels' } });
  });

  it('an image whose header is not a PNG is DOCUMENT_INVALID, not a crash', async () => {
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'image', png: 'A'.repeat(64) }] });
    await expect(measureDocument(doc, cfg)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID', details: { block: 0 } });
  });
});
