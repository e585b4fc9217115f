/**
 * Bounded rendering. A receipt's length in dot rows is worked out from the document before anything
 * is drawn — text is broken into lines exactly as the renderer will (code-page text by columns, other
 * text measured with the fonts), images from their PNG header, QR symbols from their module count — and
 * a document longer than MAX_DOCUMENT_ROWS, or whose images hold more than MAX_DOCUMENT_IMAGE_PIXELS,
 * is refused with DOCUMENT_TOO_LARGE. Measuring stops at the
 * block that crosses the limit, so a hostile document costs little. Rendering then runs in slices
 * that give the event loop back (`Slicer`), so a preview never holds up a cash acceptor's poll.
 */
import { KioskError } from '../../core/errors.js';
import type { Block, ReceiptDocument } from './api.js';
import { choosePage } from './codepages.js';
import { paperDots } from './config.js';
import { loadFonts, type CanvasModule } from './fonts.js';
import { pngSize, qrModules } from './images.js';
import { rowRasterLayout, textRasterLayout } from './raster-text.js';
import { wrapColumns, type RenderOptions } from './render.js';
import { resolveDirection } from './script.js';
import { Slicer } from './slicer.js';

/**
 * 1.25 m of paper at 8 dots/mm, text included: far beyond any receipt, and what keeps four worst-case
 * previews under 200 MB RSS on a Pi (test/faults/bounded-work.test.ts). The raster-only guard in
 * render.ts (MAX_RASTER_ROWS, 2 m) stays as a second line.
 */
export const MAX_DOCUMENT_ROWS = 10_000;
/**
 * Source pixels of all a receipt's images together. Decoding a PNG costs ~13 bytes of memory per pixel
 * (pngjs inflates to RGBA, then our 1-byte bitmap): 0.5 MP is a paper-wide image 11 cm long, or a
 * 700 x 700 logo — what receipts carry (logos, QR codes, a signature).
 */
export const MAX_DOCUMENT_IMAGE_PIXELS = 500_000;

const LINE = 30;
const FONT_A_WIDTH = 12;

interface Measure {
  readonly width: number;
  readonly opts: RenderOptions;
  fonts(): Promise<CanvasModule>;
}

async function textRows(m: Measure, block: Extract<Block, { type: 'text' }>): Promise<number> {
  const text = block.text.normalize('NFC');
  const dir = resolveDirection(block.dir, text);
  if (dir === 'ltr' && choosePage([text], m.opts.codePages) !== undefined) {
    return wrapColumns(text, Math.floor(m.width / (FONT_A_WIDTH * block.size))).length * Math.max(LINE, 24 * block.size);
  }
  const layout = textRasterLayout(await m.fonts(), text, { size: block.size, bold: block.bold, dir, lang: block.lang }, m.width);
  return layout.lines.length * layout.lineHeight;
}

async function rowRows(m: Measure, block: Extract<Block, { type: 'row' }>): Promise<number> {
  const key = block.key.normalize('NFC');
  const value = block.value.normalize('NFC');
  const dir = resolveDirection(block.dir, key, value);
  if (dir === 'ltr' && choosePage([key, value], m.opts.codePages) !== undefined) {
    const cols = Math.floor(m.width / FONT_A_WIDTH);
    const keyLines = wrapColumns(key, cols);
    const last = [...(keyLines.at(-1) ?? '')].length;
    return (keyLines.length + (last + 1 + [...value].length <= cols ? 0 : wrapColumns(value, cols).length)) * LINE;
  }
  const layout = rowRasterLayout(await m.fonts(), key, value, { size: 1, bold: block.bold, dir, lang: block.lang }, m.width);
  return layout.rows * layout.lineHeight;
}

/** Dot rows one block takes on the paper (an upper bound where the printer decides, e.g. barcode text). */
export async function blockRows(m: Measure, block: Block): Promise<number> {
  switch (block.type) {
    case 'text': return textRows(m, block);
    case 'row': return rowRows(m, block);
    case 'separator': return LINE;
    case 'qr': return ((await qrModules(new TextEncoder().encode(block.data), block.ecLevel)) + 8) * block.moduleSize;
    case 'barcode': return block.height + (block.hri ? 2 * LINE : LINE);
    case 'image': {
      const { width, height } = pngSize(block.png);
      return width <= m.width ? height : Math.max(1, Math.round((height * m.width) / width));
    }
    case 'feed': return block.lines * LINE;
    case 'cut': return 3 * LINE;
  }
}

/**
 * The receipt's length in dot rows, measured block by block; throws DOCUMENT_TOO_LARGE at the first
 * block that takes it past `limit`, and DOCUMENT_INVALID for a block that cannot be measured.
 */
export async function measureDocument(doc: ReceiptDocument, opts: RenderOptions, limit = MAX_DOCUMENT_ROWS, slicer = new Slicer()): Promise<number> {
  let canvas: CanvasModule | undefined;
  const m: Measure = { width: paperDots(opts.paperWidthMm), opts, fonts: async () => (canvas ??= await loadFonts(opts.fonts)) };
  let rows = doc.cut ? 3 * LINE : 0;
  let pixels = 0;
  for (const [i, block] of doc.blocks.entries()) {
    try {
      if (block.type === 'image') {
        const { width, height } = pngSize(block.png);
        pixels += width * height;
        if (pixels > MAX_DOCUMENT_IMAGE_PIXELS) {
          throw new KioskError('DOCUMENT_TOO_LARGE', `the receipt's images hold more than ${MAX_DOCUMENT_IMAGE_PIXELS} pixels by block ${i}; nothing was rendered`, {
            details: { limit: MAX_DOCUMENT_IMAGE_PIXELS, block: i, what: 'pixels' },
          });
        }
      }
      rows += await blockRows(m, block);
    } catch (err) {
      if (err instanceof KioskError) throw err;
      throw new KioskError('DOCUMENT_INVALID', `block ${i} (${block.type}): ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { block: i } });
    }
    if (rows > limit) {
      throw new KioskError('DOCUMENT_TOO_LARGE', `the receipt is longer than ${limit} dot rows (${Math.round(limit / 80)} cm) by block ${i}; nothing was rendered`, {
        details: { limit, block: i, what: 'rows' },
      });
    }
    await slicer.maybeYield();
  }
  return rows;
}
