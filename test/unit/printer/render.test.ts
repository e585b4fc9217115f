import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { receiptDocumentSchema, printerApi } from '../../../src/drivers/printer/api.js';
import { Bitmap } from '../../../src/drivers/printer/bitmap.js';
import { printerConfigSchema } from '../../../src/drivers/printer/config.js';
import { loadFonts } from '../../../src/drivers/printer/fonts.js';
import { renderTextRaster } from '../../../src/drivers/printer/raster-text.js';
import { renderReceipt, rowRuns, wrapColumns } from '../../../src/drivers/printer/render.js';
import { detectDirection } from '../../../src/drivers/printer/script.js';
import { receiptFor, sevenLanguageReceipt } from '../../fixtures/printer/receipts.js';

const cfg = printerConfigSchema.parse({});
const hex = (chunks: Uint8Array[]): string => chunks.map((c) => Buffer.from(c).toString('hex')).join('');

describe('fonts', () => {
  it('every default receipt font comes from an npm package installed with kioskd, not from the system', async () => {
    for (const [name, path] of Object.entries(cfg.fonts)) {
      expect(existsSync(path), `${name}: ${path}`).toBe(true);
      expect(path, name).toContain('/node_modules/');
    }
    await expect(loadFonts(cfg.fonts)).resolves.toBeDefined();
  });
  it('a missing font is FONT_MISSING, never a silent fallback', async () => {
    const fonts = { ...cfg.fonts, arabic: '/nonexistent/NotoSansArabic-Regular.ttf' };
    await expect(loadFonts(fonts)).rejects.toMatchObject({ code: 'FONT_MISSING', message: expect.stringContaining('devices.printer.fonts.arabic') });
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'text', text: 'الرسوم' }] });
    await expect(renderReceipt(doc, { ...cfg, fonts })).rejects.toMatchObject({ code: 'FONT_MISSING' });
  });
});

describe('text or raster, per block', () => {
  it('sends Western and Cyrillic receipts as code-page text and Arabic/Chinese as raster', async () => {
    const en = await renderReceipt(receiptDocumentSchema.parse(receiptFor('en')), cfg);
    expect(en.rasterBlocks).toBe(0);
    expect(en.bytes).toBeLessThan(1000);
    const ru = await renderReceipt(receiptDocumentSchema.parse(receiptFor('ru')), cfg);
    expect(ru.rasterBlocks).toBe(0);
    expect(hex(ru.chunks)).toContain('1b7411'); // ESC t 17 = CP866
    const ar = await renderReceipt(receiptDocumentSchema.parse(receiptFor('ar')), cfg);
    const zh = await renderReceipt(receiptDocumentSchema.parse(receiptFor('zh')), cfg);
    expect(ar.rasterBlocks).toBe(6); // title, 4 rows, thanks
    expect(zh.rasterBlocks).toBe(6);
    expect(hex(ar.chunks)).toContain('1d7630'); // GS v 0
  });
  it('cuts raster into bands of at most bandRows rows', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse({ blocks: [{ type: 'text', text: 'الرسوم '.repeat(40), size: 3 }] }), { ...cfg, bandRows: 32 });
    const bands = job.chunks.filter((c) => c[0] === 0x1d && c[1] === 0x76);
    expect(bands.length).toBeGreaterThan(3);
    for (const b of bands) expect((b[6] as number) | ((b[7] as number) << 8)).toBeLessThanOrEqual(32);
  });
  it('feeds blank rows (ESC J) instead of sending them as raster, covering every row once', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }), (inkRows) => {
        const bm = new Bitmap(16, inkRows.length);
        inkRows.forEach((ink, y) => ink && bm.set(3, y, 1));
        const runs = rowRuns(bm);
        let y = 0;
        for (const r of runs) {
          expect(r.y).toBe(y);
          y += r.rows;
          if (r.blank) expect(inkRows.slice(r.y, r.y + r.rows).some(Boolean)).toBe(false);
        }
        expect(y).toBe(inkRows.length);
        for (let i = 1; i < runs.length; i++) expect(runs[i]?.blank === false && runs[i - 1]?.blank === false).toBe(false);
      }),
    );
  });
  it('uses the native QR command by default and a raster symbol when configured', async () => {
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'qr', data: 'https://example.gov/r/1' }] });
    expect(hex((await renderReceipt(doc, cfg)).chunks)).toContain('1d286b');
    const raster = await renderReceipt(doc, { ...cfg, qr: 'raster' });
    expect(hex(raster.chunks)).not.toContain('1d286b');
    expect(raster.rasterBlocks).toBe(1);
  });
  it('word-wraps text lines to the paper columns', () => {
    expect(wrapColumns('Renouvellement du permis de conduire', 16)).toEqual(['Renouvellement', 'du permis de', 'conduire']);
    expect(wrapColumns('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });
  it('detects direction from the first strong character', () => {
    expect(detectDirection('123 الرسوم ABC')).toBe('rtl');
    expect(detectDirection('(Fee) الرسوم')).toBe('ltr');
    expect(detectDirection('缴费收据')).toBe('ltr');
  });
  it('renders a 7-language receipt in one document', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse(sevenLanguageReceipt()), cfg);
    expect(job.rasterBlocks).toBe(4); // ar title + row, zh title + row
  });
});

describe('Arabic shaping (fails if the text were drawn as isolated letters)', () => {
  const style = { size: 1, bold: false, inverse: false, dir: 'rtl' as const, align: 'right' as const, lang: 'ar' };
  const inkWidth = (bm: Bitmap): number => {
    let min = bm.width;
    let max = -1;
    for (let y = 0; y < bm.height; y++) for (let x = 0; x < bm.width; x++) if (bm.get(x, y)) { min = Math.min(min, x); max = Math.max(max, x); }
    return max - min + 1;
  };
  it('joins letters: a word differs from the same letters kept apart by ZWNJ', async () => {
    const canvas = await loadFonts(cfg.fonts);
    const joined = renderTextRaster(canvas, 'السلام', style, 576);
    const isolated = renderTextRaster(canvas, [...'السلام'].join('\u200c'), style, 576);
    let diff = 0;
    for (let i = 0; i < joined.dots.length; i++) if (joined.dots[i] !== isolated.dots[i]) diff++;
    expect(diff).toBeGreaterThan(200);
  });
  it('forms the lam-alef ligature, narrower than lam and alef apart', async () => {
    const canvas = await loadFonts(cfg.fonts);
    expect(inkWidth(renderTextRaster(canvas, 'لا', style, 576))).toBeLessThan(inkWidth(renderTextRaster(canvas, 'ل\u200cا', style, 576)));
  });
  it('lays RTL text out from the right edge', async () => {
    const canvas = await loadFonts(cfg.fonts);
    const bm = renderTextRaster(canvas, 'الرسوم', { ...style, align: 'right' }, 576);
    let maxX = 0;
    for (let y = 0; y < bm.height; y++) for (let x = 0; x < bm.width; x++) if (bm.get(x, y)) maxX = Math.max(maxX, x);
    expect(maxX).toBeGreaterThan(560);
  });
});

describe('malformed documents are each a clear error', () => {
  const print = printerApi.commands.print.input;
  const bad = (document: unknown, key = 'valid-key-0001') => print.safeParse({ document, idempotencyKey: key });
  it.each([
    ['no blocks', { blocks: [] }],
    ['unknown block type', { blocks: [{ type: 'marquee', text: 'x' }] }],
    ['empty text', { blocks: [{ type: 'text', text: '' }] }],
    ['control characters', { blocks: [{ type: 'text', text: 'a\u001bE' }] }],
    ['size out of range', { blocks: [{ type: 'text', text: 'a', size: 9 }] }],
    ['unknown key in a block', { blocks: [{ type: 'text', text: 'a', colour: 'red' }] }],
    ['non-ASCII Code128', { blocks: [{ type: 'barcode', symbology: 'code128', data: 'Ωmega' }] }],
    ['not base64 image', { blocks: [{ type: 'image', png: 'this is not base64!!' }] }],
  ])('%s', (_name, document) => {
    const r = bad(document);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path[0]).toBe('document');
  });
  it('rejects a short idempotency key', () => {
    expect(bad({ blocks: [{ type: 'feed' }] }, 'short').success).toBe(false);
  });
  it('an image that is base64 but not a PNG is DOCUMENT_INVALID naming the block', async () => {
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'text', text: 'ok' }, { type: 'image', png: Buffer.from('GIF89a not a png at all').toString('base64') }] });
    await expect(renderReceipt(doc, cfg)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID', details: { block: 1 } });
  });
  it('refuses an image too large to decode, before inflating it', async () => {
    const png = new PNG({ width: 4000, height: 2000 });
    const b64 = PNG.sync.write(png).toString('base64');
    const doc = receiptDocumentSchema.parse({ blocks: [{ type: 'image', png: b64 }] });
    await expect(renderReceipt(doc, cfg)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID', message: expect.stringContaining('4000x2000') });
  });
  it('refuses a receipt longer than the raster limit', async () => {
    const long = 'الرسوم '.repeat(280);
    const doc = receiptDocumentSchema.parse({ blocks: Array.from({ length: 40 }, () => ({ type: 'text', text: long, size: 3 })) });
    await expect(renderReceipt(doc, cfg)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID', message: expect.stringContaining('too long') });
  });
  it('prints a real PNG image as raster, scaled to the paper width', async () => {
    const png = new PNG({ width: 1000, height: 10 });
    png.data.fill(0);
    for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
    const b64 = PNG.sync.write(png).toString('base64');
    const job = await renderReceipt(receiptDocumentSchema.parse({ blocks: [{ type: 'image', png: b64 }] }), cfg);
    const band = job.chunks.find((c) => c[0] === 0x1d && c[1] === 0x76);
    expect(band?.[4]).toBe(72); // 576 dots
    expect(band?.[6]).toBe(6); // 10 rows x 576/1000
  });
});
