/**
 * The QR codes and Code128 barcodes kioskd prints, read back by an independent decoder: `zbarimg`
 * (Debian's zbar-tools). Every golden receipt (printed through the driver over a PTY and decoded by the
 * virtual printer) and receipts of random data through the same render -> ESC/POS -> virtual printer path,
 * with QR codes sent both as the printer's own symbol (GS ( k) and as a raster image.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { recordOracle } from '../faults/report.js';
import { receiptDocumentSchema, type ReceiptDocumentInput } from '../../src/drivers/printer/api.js';
import { printerConfigSchema } from '../../src/drivers/printer/config.js';
import { previewReceipt } from '../../src/drivers/printer/preview.js';
import { hasZbar } from '../helpers/env.js';
import { receiptFor } from '../fixtures/printer/receipts.js';

const run = promisify(execFile);
const GOLDEN = join(import.meta.dirname, '../golden/printer');
const work = mkdtempSync(join(tmpdir(), 'kioskd-zbar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterAll(() =>
  recordOracle('barcodes', {
    codec: 'Receipt QR codes (GS ( k and raster) and Code128 (GS k), rendered and drawn by the virtual printer',
    oracle: 'zbarimg 0.23 (Debian zbar-tools)',
    cases: '7 golden receipts, 3 receipts rendered now, 60 random QR codes (UTF-8, Arabic, Chinese, up to 300 characters, EC L-H), 60 random Code128s, over-wide symbols',
    result: 'every symbol read back with its data; over-wide symbols shrunk to fit or refused (found: they were printed clipped)',
    test: 'test/oracle/barcodes.test.ts',
  }),
);

async function zbarRun(args: string[]): Promise<Buffer> {
  const { stdout } = await run('zbarimg', ['-q', '--nodbus', ...args], { encoding: 'buffer' }).catch((err: { stdout?: Buffer; code?: number }) => {
    if (err.code === 4) return { stdout: Buffer.alloc(0) }; // no symbol found
    throw err;
  });
  return stdout;
}

/** Every symbol zbar finds in a PNG, as `TYPE:data`, sorted. */
async function zbar(png: string): Promise<string[]> {
  return (await zbarRun([png])).toString('utf8').split('\n').filter((l) => l !== '').sort();
}

/**
 * The bytes of the one symbol in a PNG, as they are (`-Sbinary`): without it zbar guesses a QR code's
 * character set and reads some UTF-8 (`Gebühr`, `罚款`) as Shift-JIS. Binary mode prints the bytes alone,
 * so it is used with one symbol an image.
 */
async function zbarBytes(png: string): Promise<Buffer> {
  return zbarRun(['-Sbinary', png]);
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), s | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const WORDS = ['رسوم', 'مخالفة', '罚款', 'штраф', 'Gebühr', 'ref', 'DXB', '2026', '-', '/', '?', '=', '&'];

function randomText(rnd: () => number, max: number, unicode: boolean): string {
  const n = 1 + Math.floor(rnd() * max);
  let s = '';
  while (s.length < n) s += unicode && rnd() < 0.3 ? (WORDS[Math.floor(rnd() * WORDS.length)] ?? '') : ASCII[Math.floor(rnd() * ASCII.length)];
  return s.slice(0, n).trim() || 'x';
}

describe.skipIf(!hasZbar)('zbar reads what kioskd prints', () => {
  const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.png') && f !== 'bidi.png');

  it.each(goldens)('golden receipt %s: its QR code and its Code128', async (file) => {
    expect(await zbar(join(GOLDEN, file))).toEqual(['CODE-128:DXB-2026-000123', 'QR-Code:https://example.gov/r/DXB-2026-000123']);
  });

  const print = async (name: string, blocks: ReceiptDocumentInput['blocks'], qr: 'native' | 'raster'): Promise<string> => {
    const png = join(work, `${name}.png`);
    writeFileSync(png, (await previewReceipt(receiptDocumentSchema.parse({ blocks }), printerConfigSchema.parse({ qr }))).png);
    return png;
  };

  it.each(['native', 'raster'] as const)('random data, QR as %s: 30 QR codes (UTF-8, Arabic, Chinese, up to 300 characters) and 30 Code128s decode to their data', async (qr) => {
    const rnd = prng(qr === 'native' ? 7 : 8);
    const failures: string[] = [];
    for (let r = 0; r < 30; r++) {
      const data = randomText(rnd, r % 3 === 0 ? 300 : 60, true);
      const ecLevel = (['L', 'M', 'Q', 'H'] as const)[r % 4];
      const png = await print(`${qr}-qr-${r}`, [{ type: 'qr', data, moduleSize: 3 + (r % 4), ecLevel }], qr);
      const got = (await zbarBytes(png)).toString('utf8');
      if (got !== data) failures.push(`QR ${r}: want ${JSON.stringify(data)} got ${JSON.stringify(got)}`);
    }
    for (let r = 0; r < 10; r++) {
      // up to 21 characters: what fits 80 mm paper with its quiet zones at 2 dots a module
      const codes = Array.from({ length: 3 }, () => randomText(rnd, 21, false));
      const png = await print(`${qr}-code128-${r}`, codes.map((data) => ({ type: 'barcode', symbology: 'code128', data, moduleWidth: 2 + (r % 3) })), qr);
      const want = codes.map((d) => `CODE-128:${d}`).sort();
      const got = await zbar(png);
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`Code128 receipt ${r}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('a Code128 or QR code too wide for the paper is printed with smaller modules, or refused, never clipped', async () => {
    const opts = printerConfigSchema.parse({});
    const fits = 'ABCDEFGHIJKLMNOPQRSTU'; // 21 characters: 266 modules with quiet zones, 2 dots each on 576
    expect(await zbar(await print('wide', [{ type: 'barcode', symbology: 'code128', data: fits, moduleWidth: 6 }, { type: 'qr', data: 'x'.repeat(600), moduleSize: 16, ecLevel: 'H' }], 'native'))).toEqual([
      `CODE-128:${fits}`,
      `QR-Code:${'x'.repeat(600)}`,
    ]);
    const tooWide = receiptDocumentSchema.parse({ blocks: [{ type: 'barcode', symbology: 'code128', data: `${fits}V` }] });
    await expect(previewReceipt(tooWide, opts)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID' });
  });

  it('the receipt of every language, rendered now (not only the committed PNGs)', async () => {
    for (const lang of ['en', 'ar', 'zh'] as const) {
      const png = join(work, `now-${lang}.png`);
      writeFileSync(png, (await previewReceipt(receiptDocumentSchema.parse(receiptFor(lang)), printerConfigSchema.parse({}))).png);
      expect(await zbar(png)).toEqual(['CODE-128:DXB-2026-000123', 'QR-Code:https://example.gov/r/DXB-2026-000123']);
    }
  });
});
