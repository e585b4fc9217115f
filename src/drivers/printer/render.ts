/**
 * Receipt document -> ESC/POS bytes, block by block: text the printer's code pages can print goes as
 * text (a few bytes per line); anything else (Arabic, Chinese, right-to-left, images) as GS v 0 raster
 * bands. Returns chunks: boundaries between complete commands, where the driver may insert a real-time
 * status query (never inside raster data).
 */
import { KioskError } from '../../core/errors.js';
import type { Block, ReceiptDocument, RowBlock, TextBlock } from './api.js';
import { Bitmap } from './bitmap.js';
import * as esc from './codec.js';
import { choosePage, encode, escTOf, type CodePageName } from './codepages.js';
import { paperDots, type PrinterConfig } from './config.js';
import { loadFonts, type CanvasModule } from './fonts.js';
import { decodePng, qrBitmap } from './images.js';
import { renderRowRaster, renderTextRaster } from './raster-text.js';
import { physicalAlign, resolveDirection } from './script.js';

export type RenderOptions = Pick<PrinterConfig, 'paperWidthMm' | 'codePages' | 'qr' | 'bandRows' | 'fonts'>;

export interface RenderedJob {
  readonly chunks: Uint8Array[];
  readonly bytes: number;
  /** Blocks sent as raster (the rest went as text or native codes). */
  readonly rasterBlocks: number;
}

const FONT_A_WIDTH = 12;
/** About 2 m of paper at 8 dots/mm: longer is a mistake, and would cost a Pi hundreds of MB to preview. */
export const MAX_RASTER_ROWS = 16_000;

class JobBuilder {
  readonly chunks: Uint8Array[] = [];
  rasterBlocks = 0;
  private rasterRows = 0;
  private page: CodePageName = 'cp437';
  private canvas: CanvasModule | undefined;
  readonly width: number;

  constructor(readonly opts: RenderOptions) {
    this.width = paperDots(opts.paperWidthMm);
    this.chunks.push(esc.init());
  }

  push(...parts: Uint8Array[]): void {
    this.chunks.push(esc.concat(parts));
  }

  selectPage(page: CodePageName): Uint8Array {
    if (page === this.page) return new Uint8Array(0);
    this.page = page;
    return esc.codePage(escTOf(page));
  }

  async fonts(): Promise<CanvasModule> {
    this.canvas ??= await loadFonts(this.opts.fonts);
    return this.canvas;
  }

  raster(bm: Bitmap): void {
    this.rasterBlocks++;
    this.rasterRows += bm.height;
    if (this.rasterRows > MAX_RASTER_ROWS) throw new KioskError('DOCUMENT_INVALID', `the receipt is too long: more than ${MAX_RASTER_ROWS} rows of raster`);
    this.push(esc.align('left'));
    for (const run of rowRuns(bm)) {
      if (run.blank) {
        // blank rows go as ESC J (feed n dots): 3 bytes instead of a paper-wide row of zeros each
        for (let left = run.rows; left > 0; left -= 255) this.chunks.push(Uint8Array.of(0x1b, 0x4a, Math.min(255, left)));
        continue;
      }
      for (let y = run.y; y < run.y + run.rows; y += this.opts.bandRows) {
        const rows = Math.min(this.opts.bandRows, run.y + run.rows - y);
        const { widthBytes, data } = bm.packRows(y, rows);
        this.chunks.push(esc.rasterBand(widthBytes, rows, data));
      }
    }
  }

  columns(size: number): number {
    return Math.floor(this.width / (FONT_A_WIDTH * size));
  }
}

/**
 * Runs of rows, top to bottom: blank runs (fed with ESC J) and ink runs (sent as raster). A blank
 * stretch shorter than 8 rows inside ink stays in the raster: a feed command would not save bytes.
 */
export function rowRuns(bm: Bitmap): Array<{ y: number; rows: number; blank: boolean }> {
  const segs: Array<{ y: number; rows: number; blank: boolean }> = [];
  for (let y = 0; y < bm.height; y++) {
    const blank = !bm.dots.subarray(y * bm.width, (y + 1) * bm.width).includes(1);
    const last = segs[segs.length - 1];
    if (last?.blank === blank) last.rows++;
    else segs.push({ y, rows: 1, blank });
  }
  const runs: Array<{ y: number; rows: number; blank: boolean }> = [];
  segs.forEach((seg, i) => {
    const blank = seg.blank && (seg.rows >= 8 || i === 0 || i === segs.length - 1);
    const last = runs[runs.length - 1];
    if (last && !last.blank && !blank) last.rows += seg.rows;
    else runs.push({ ...seg, blank });
  });
  return runs;
}

/** Word-wrap to a column count (code points), splitting words longer than a line. */
export function wrapColumns(text: string, columns: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    for (const word of paragraph.split(/ +/)) {
      let chars = [...word];
      if (line.length > 0 && line.length + 1 + chars.length > columns) {
        out.push(line.join(''));
        line = [];
      }
      if (line.length > 0) line.push(' ');
      while (line.length + chars.length > columns) {
        const take = columns - line.length;
        out.push([...line, ...chars.slice(0, take)].join(''));
        chars = chars.slice(take);
        line = [];
      }
      line.push(...chars);
    }
    out.push(line.join(''));
  }
  return out;
}

async function textBlock(b: JobBuilder, block: TextBlock): Promise<void> {
  const text = block.text.normalize('NFC');
  const dir = resolveDirection(block.dir, text);
  const align = physicalAlign(block.align, dir);
  const page = dir === 'ltr' ? choosePage([text], b.opts.codePages) : undefined;
  if (page === undefined) {
    const canvas = await b.fonts();
    b.raster(renderTextRaster(canvas, text, { size: block.size, bold: block.bold, inverse: block.inverse, dir, align, lang: block.lang }, b.width));
    return;
  }
  const lines = wrapColumns(text, b.columns(block.size)).map((l) => esc.textLine(encode(l, page) as Uint8Array));
  b.push(b.selectPage(page), esc.align(align), esc.bold(block.bold), esc.size(block.size, block.size), esc.inverse(block.inverse), ...lines);
  b.push(esc.bold(false), esc.size(1, 1), esc.inverse(false));
}

async function rowBlock(b: JobBuilder, block: RowBlock): Promise<void> {
  const key = block.key.normalize('NFC');
  const value = block.value.normalize('NFC');
  const dir = resolveDirection(block.dir, key, value);
  const page = dir === 'ltr' ? choosePage([key, value], b.opts.codePages) : undefined;
  if (page === undefined) {
    const canvas = await b.fonts();
    b.raster(renderRowRaster(canvas, key, value, { size: 1, bold: block.bold, dir, lang: block.lang }, b.width));
    return;
  }
  const cols = b.columns(1);
  const valueLen = [...value].length;
  const keyLines = wrapColumns(key, cols);
  const last = keyLines.pop() ?? '';
  const lines = [...keyLines];
  if ([...last].length + 1 + valueLen <= cols) lines.push(last + ' '.repeat(cols - [...last].length - valueLen) + value);
  else lines.push(last, ...wrapColumns(value, cols).map((v) => ' '.repeat(Math.max(0, cols - [...v].length)) + v));
  b.push(b.selectPage(page), esc.align('left'), esc.bold(block.bold), ...lines.map((l) => esc.textLine(encode(l, page) as Uint8Array)), esc.bold(false));
}

/**
 * The largest module size, at most `wanted`, at which a symbol of `modules` modules and its quiet zones
 * (`quiet` modules each side) fits the paper; a smaller module beats a symbol clipped at the paper's edge,
 * which no scanner reads (zbar found this: test/oracle/barcodes.test.ts). Below 2 dots (0.25 mm at 203
 * dpi) scanners fail too: the document is refused instead.
 */
function fitModule(what: string, modules: number, quiet: number, wanted: number, width: number): number {
  for (let m = wanted; m >= 2; m--) if ((modules + 2 * quiet) * m <= width) return m;
  throw new KioskError('DOCUMENT_INVALID', `${what} is ${modules} modules wide: with its quiet zones it does not fit ${width} dots even at 2 dots a module`);
}

async function qrBlock(b: JobBuilder, input: Extract<Block, { type: 'qr' }>): Promise<void> {
  const data = new TextEncoder().encode(input.data);
  const QRCode = (await import('qrcode')).default;
  const size = QRCode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: input.ecLevel }).modules.size;
  // ISO/IEC 18004: a quiet zone of 4 modules
  const block = { ...input, moduleSize: fitModule('the QR code', size, 4, input.moduleSize, b.width) };
  const align = physicalAlign(block.align, 'ltr');
  // a quiet zone above and below: the printer draws the symbol without one
  const quiet = Uint8Array.of(0x1b, 0x4a, 4 * block.moduleSize);
  if (b.opts.qr === 'native') {
    b.push(quiet, esc.align(align), esc.qr(data, block.moduleSize, block.ecLevel), quiet);
    return;
  }
  const symbol = await qrBitmap(data, block.moduleSize, block.ecLevel);
  const bm = new Bitmap(b.width, symbol.height);
  bm.blit(symbol, align === 'left' ? 0 : align === 'right' ? b.width - symbol.width : Math.floor((b.width - symbol.width) / 2), 0);
  b.push(quiet);
  b.raster(bm);
  b.push(quiet);
}

async function imageBlock(b: JobBuilder, block: Extract<Block, { type: 'image' }>): Promise<void> {
  const img = await decodePng(block.png, b.width);
  const align = physicalAlign(block.align, 'ltr');
  const bm = new Bitmap(b.width, img.height);
  bm.blit(img, align === 'left' ? 0 : align === 'right' ? b.width - img.width : Math.floor((b.width - img.width) / 2), 0);
  b.raster(bm);
}

async function addBlock(b: JobBuilder, block: Block): Promise<void> {
  switch (block.type) {
    case 'text': return textBlock(b, block);
    case 'row': return rowBlock(b, block);
    case 'separator':
      b.push(esc.align('left'), esc.textLine(new TextEncoder().encode((block.style === 'double' ? '=' : '-').repeat(b.columns(1)))));
      return;
    case 'qr': return qrBlock(b, block);
    case 'barcode': {
      // code set B: start, one symbol a character, check symbol (11 modules each), stop (13); quiet zones of 10 (ISO/IEC 15417)
      const moduleWidth = fitModule(`the Code128 of ${block.data.length} characters`, 11 * (block.data.length + 2) + 13, 10, block.moduleWidth, b.width);
      b.push(esc.align(physicalAlign(block.align, 'ltr')), esc.code128(block.data, { ...block, moduleWidth }), esc.align('left'));
      return;
    }
    case 'image': return imageBlock(b, block);
    case 'feed':
      b.push(esc.feedLines(block.lines));
      return;
    case 'cut':
      b.push(esc.feedLines(3), esc.cut(block.partial));
      return;
  }
}

/** Render a validated document for a printer configured with `opts`. */
export async function renderReceipt(doc: ReceiptDocument, opts: RenderOptions): Promise<RenderedJob> {
  const b = new JobBuilder(opts);
  for (const [i, block] of doc.blocks.entries()) {
    try {
      await addBlock(b, block);
    } catch (err) {
      if (err instanceof KioskError) throw err;
      throw new KioskError('DOCUMENT_INVALID', `block ${i} (${block.type}): ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { block: i } });
    }
  }
  if (doc.cut && doc.blocks[doc.blocks.length - 1]?.type !== 'cut') b.push(esc.feedLines(3), esc.cut(true));
  let bytes = 0;
  for (const c of b.chunks) bytes += c.length;
  return { chunks: b.chunks.filter((c) => c.length > 0), bytes, rasterBlocks: b.rasterBlocks };
}
