/**
 * The virtual printer against a third-party ESC/POS generator: receiptline (npm, "markdown for receipts")
 * turns receipt documents into the byte stream it would send to an Epson-compatible printer. kioskd's
 * decoder must read every command of it (parameters consumed, none printed as text), print exactly the
 * document's text, and draw its QR code and Code128 so that zbar reads them back; a raster image comes out
 * dot for dot.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { recordOracle } from '../faults/report.js';
import { Bitmap } from '../../src/drivers/printer/bitmap.js';
import { decode, pageOfEscT, type CodePageName } from '../../src/drivers/printer/codepages.js';
import { EscPosDecoder, type EscPosCommand } from '../../src/drivers/printer/decoder.js';
import { bitmapToPng } from '../../src/drivers/printer/images.js';
import { printerConfigSchema } from '../../src/drivers/printer/config.js';
import { decodeToPages } from '../../src/drivers/printer/preview.js';
import { hasZbar } from '../helpers/env.js';

const require = createRequire(import.meta.url);
const receiptline = require('receiptline') as { transform(doc: string, printer: Record<string, unknown>): string };
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'kioskd-receiptline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterAll(() =>
  recordOracle('escpos', {
    codec: 'ESC/POS decoder and virtual printer (src/drivers/printer/decoder.ts, page.ts)',
    oracle: 'receiptline 4.0.4 (npm), a third-party ESC/POS generator; zbarimg on the pages',
    cases: '3 documents (styles, table, rules, code page 437 accents, Code128 in sets B and C, QR as graphics), 1 picture',
    result: 'every command consumed, exactly the text, zbar reads the symbols, the picture within its dithering (found: FS/ESC $/GS L parameters printed as text, GS 8 L / GS ( L graphics not drawn, set C read as ASCII); not rendered: print positions (ESC $, ESC \\) and code page 1',
    test: 'test/oracle/escpos-receiptline.test.ts',
  }),
);

const PRINTER = { cpl: 48, encoding: 'cp437', command: 'escpos', upsideDown: false, spacing: false, cutting: true };
const escpos = (doc: string): Uint8Array => Uint8Array.from(Buffer.from(receiptline.transform(doc, PRINTER), 'binary'));

/**
 * Printed text, line by line, as the decoder's text commands give it (code page from ESC t). Text in a
 * code page the virtual printer has no table for comes out as `[page n]` (receiptline draws its rules in
 * page 1, Katakana, whose 0x95 is a line).
 */
function printedLines(cmds: readonly EscPosCommand[]): string[] {
  const lines: string[] = [];
  let line = '';
  let page: CodePageName | number = 'cp437';
  for (const c of cmds) {
    if (c.op === 'codePage') page = pageOfEscT(c.n) ?? c.n;
    else if (c.op === 'text') line += typeof page === 'number' ? (line.endsWith(`[page ${page}]`) ? '' : `[page ${page}]`) : decode(c.bytes, page);
    // ESC $ / ESC \ (absolute / relative print position): receiptline's table columns. The virtual
    // printer does not move the print position (it draws the cells next to each other): a tab here.
    else if (c.op === 'ignored' && c.bytes[0] === 0x1b && (c.bytes[1] === 0x24 || c.bytes[1] === 0x5c) && line.trim() !== '') line += '\t';
    else if (c.op === 'lf' || c.op === 'cut') {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  // receiptline draws rules with box-drawing characters; they are not the document's text
  return lines.map((l) => l.replace(/[─-╿]/g, '').replace(/\s*\t\s*/g, '\t').trim()).filter((l) => l !== '');
}

async function zbar(png: Buffer): Promise<string[]> {
  const path = join(work, `page-${Math.random().toString(36).slice(2)}.png`);
  writeFileSync(path, png);
  let stdout = '';
  try {
    stdout = (await run('zbarimg', ['-q', '--nodbus', path])).stdout;
  } catch (err) {
    if ((err as { code?: number }).code !== 4) throw err; // 4: no symbol found
  }
  return stdout.split('\n').filter(Boolean).sort();
}

const DOCS: ReadonlyArray<{ name: string; doc: string; text: string[]; symbols?: string[] }> = [
  {
    name: 'a fee receipt: title, table, rule, Code128, QR',
    doc: '^^^RECEIPT\n\n|Fee | AED 150.00|\n|Service | Fine payment|\n-\nCafé crème, Straße\n{code:DXB-2026-000123; option:code128,2,72,hri}\n{code:https://example.gov/r/DXB-2026-000123; option:qrcode,5,M}\n=\n',
    text: ['RECEIPT', 'Fee\tAED 150.00', 'Service\tFine payment', '[page 1]', 'Café crème, Straße'],
    symbols: ['CODE-128:DXB-2026-000123', 'QR-Code:https://example.gov/r/DXB-2026-000123'],
  },
  {
    name: 'styles: bold, underline, inverted, wide and tall text, alignment',
    doc: '"Bold" _Underlined_ `Inverted`\n^Wide\n^^Tall\n^^^Both\n|Left\n|Centered|\nRight|\n',
    text: ['Bold Underlined Inverted', 'Wide', 'Tall', 'Both', 'Left', 'Centered', 'Right'],
  },
  {
    name: 'a numeric Code128 (code set C) and a long QR code',
    doc: `{code:20260113000123456789; option:code128,2,60,hri}\n{code:${'DXB-2026-'.repeat(20)}; option:qrcode,4,L}\n`,
    text: [],
    symbols: ['CODE-128:20260113000123456789', `QR-Code:${'DXB-2026-'.repeat(20)}`],
  },
];

describe('ESC/POS from a third-party generator (receiptline 4) decoded by the virtual printer', () => {
  it.each(DOCS)('$name: every command understood, exactly the document\'s text', ({ doc, text }) => {
    const bytes = escpos(doc);
    const decoder = new EscPosDecoder();
    const decoded = decoder.push(bytes);
    expect(decoder.pendingBytes).toBe(0);
    const cmds = decoded.map((d) => d.cmd);
    // a parameter byte read as a command would show up as a stray control byte or text
    expect(cmds.filter((c) => c.op === 'ignored' && c.bytes.length === 1)).toEqual([]);
    expect(printedLines(cmds).join(' | ')).toBe(text.join(' | '));
  });

  it.each(DOCS.filter((d) => d.symbols))('$name: zbar reads the Code128 and QR code the virtual printer drew', async ({ doc, symbols }) => {
    if (!hasZbar) return;
    const pages = await decodeToPages(escpos(doc), printerConfigSchema.parse({}));
    const height = pages.reduce((n, p) => n + p.height, 0);
    const page = new Bitmap(pages[0]?.width ?? 576, height);
    let y = 0;
    for (const p of pages) {
      page.dots.set(p.dots, y * page.width);
      y += p.height;
    }
    expect(await zbar(await bitmapToPng(page))).toEqual(symbols);
  });

  it('an image: the raster the virtual printer gets is the picture, dot for dot', () => {
    const png = new PNG({ width: 64, height: 40 });
    const black = (x: number, y: number): boolean => (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0;
    for (let yy = 0; yy < 40; yy++) {
      for (let xx = 0; xx < 64; xx++) {
        const i = (yy * 64 + xx) * 4;
        const v = black(xx, yy) ? 0 : 255;
        png.data[i] = v;
        png.data[i + 1] = v;
        png.data[i + 2] = v;
        png.data[i + 3] = 255;
      }
    }
    const b64 = PNG.sync.write(png).toString('base64');
    const cmds = new EscPosDecoder().push(escpos(`{image:${b64}}\n`)).map((d) => d.cmd);
    // receiptline sends pictures as GS 8 L / GS ( L graphics (fn 112, then fn 50 to print)
    const rasters = cmds.filter((c): c is Extract<EscPosCommand, { op: 'graphicsStore' }> => c.op === 'graphicsStore');
    expect(cmds.filter((c) => c.op === 'graphicsPrint').length).toBe(rasters.length);
    expect(rasters.length).toBeGreaterThan(0);
    // the bands stacked: find the picture in them (receiptline centres it on the 576-dot line)
    const width = (rasters[0]?.widthBytes ?? 0) * 8;
    const rows = rasters.reduce((n, r) => n + r.height, 0);
    const dot = (x: number, y: number): boolean => {
      let yy = y;
      for (const r of rasters) {
        if (yy < r.height) return (((r.data[yy * r.widthBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1) === 1;
        yy -= r.height;
      }
      return false;
    };
    let left = -1;
    for (let x = 0; x < width && left < 0; x++) for (let yy = 0; yy < rows; yy++) if (dot(x, yy)) { left = x; break; }
    let top = -1;
    for (let yy = 0; yy < rows && top < 0; yy++) for (let x = 0; x < width; x++) if (dot(x, yy)) { top = yy; break; }
    let wrong = 0;
    for (let yy = 0; yy < 40; yy++) for (let xx = 0; xx < 64; xx++) if (dot(left + xx, top + yy) !== black(xx, yy)) wrong++;
    // receiptline error-diffuses every picture (a few isolated dots flip even in pure black and white);
    // a wrong width, stride or bit order would flip about half of them
    expect(wrong / (64 * 40)).toBeLessThan(0.05);
    expect(rasters[0]).toMatchObject({ widthBytes: 8, height: 40 });
  });
});
