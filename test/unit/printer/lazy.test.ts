import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';
import { printerConfigSchema } from '../../../src/drivers/printer/config.js';
import { EscPosDecoder } from '../../../src/drivers/printer/decoder.js';
import { isCanvasLoaded } from '../../../src/drivers/printer/fonts.js';
import { renderReceipt } from '../../../src/drivers/printer/render.js';
import { ReplyDecoder } from '../../../src/drivers/printer/status.js';
import { receiptFor } from '../../fixtures/printer/receipts.js';

// This file must not load canvas before the first test: it runs in its own worker.
describe('heavy modules load lazily', () => {
  it('a text-only receipt (English, Russian) never imports @napi-rs/canvas; an Arabic one does', async () => {
    const cfg = printerConfigSchema.parse({});
    await renderReceipt(receiptDocumentSchema.parse(receiptFor('en')), cfg);
    await renderReceipt(receiptDocumentSchema.parse(receiptFor('ru')), cfg);
    expect(isCanvasLoaded()).toBe(false);
    await renderReceipt(receiptDocumentSchema.parse(receiptFor('ar')), cfg);
    expect(isCanvasLoaded()).toBe(true);
  });
});

describe('decoders on arbitrary bytes', () => {
  it('the ESC/POS decoder never throws, accounts for every byte, and does not depend on chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(400), { maxLength: 8 }), (bytes, cuts) => {
        const whole = new EscPosDecoder();
        const all = whole.push(bytes);
        const consumed = all.reduce((n, d) => n + d.size, 0);
        expect(consumed + whole.pendingBytes).toBe(bytes.length);
        const split = new EscPosDecoder();
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let prev = 0;
        let sizes = 0;
        for (const p of [...points, bytes.length]) {
          sizes += split.push(bytes.subarray(prev, p)).filter((d) => d.cmd.op !== 'text').reduce((n, d) => n + d.size, 0);
          prev = p;
        }
        expect(sizes).toBe(all.filter((d) => d.cmd.op !== 'text').reduce((n, d) => n + d.size, 0));
      }),
      { numRuns: 2000 },
    );
  });
  it('the reply decoder never throws on line noise', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 10 }), (chunks) => {
        const d = new ReplyDecoder();
        for (const c of chunks) d.push(c);
      }),
      { numRuns: 2000 },
    );
  });
});
