/**
 * Preview: the exact bytes a print would send, decoded by the virtual printer's own decoder and paper
 * model into a PNG. What a UI developer sees is what the simulator prints.
 */
import { Bitmap } from './bitmap.js';
import { EscPosDecoder } from './decoder.js';
import { loadFonts } from './fonts.js';
import { bitmapToPng } from './images.js';
import { VirtualPaper } from './page.js';
import { paperDots } from './config.js';
import type { ReceiptDocument } from './api.js';
import { renderReceipt, type RenderOptions } from './render.js';
import { Slicer } from './slicer.js';

/** Decode an ESC/POS byte stream into the pages it cuts (plus what follows the last cut, if any). */
export async function decodeToPages(bytes: Uint8Array, opts: Pick<RenderOptions, 'paperWidthMm' | 'fonts'>, slicer = new Slicer()): Promise<Bitmap[]> {
  const canvas = await loadFonts(opts.fonts);
  const paper = new VirtualPaper(canvas, paperDots(opts.paperWidthMm), 1000);
  for (const { cmd } of new EscPosDecoder().push(bytes)) {
    await paper.apply(cmd);
    await slicer.maybeYield();
  }
  const rest = paper.current();
  return rest.inkRows() ? [...paper.pages, rest] : [...paper.pages];
}

export interface Preview {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/**
 * Render a document and decode it back into one PNG (pages stacked), in slices (see slicer.ts). The
 * caller measures the document first (budget.ts) and runs one preview or print render at a time.
 */
export async function previewReceipt(doc: ReceiptDocument, opts: RenderOptions, slicer = new Slicer()): Promise<Preview> {
  const job = await renderReceipt(doc, opts, slicer);
  const all = new Uint8Array(job.bytes);
  let o = 0;
  for (const c of job.chunks) {
    all.set(c, o);
    o += c.length;
  }
  const pages = await decodeToPages(all, opts, slicer);
  const width = paperDots(opts.paperWidthMm);
  const height = pages.reduce((n, p) => n + p.height, 0);
  return { png: await bitmapToPng(...(pages.length > 0 ? pages : [new Bitmap(width, 0)])), width, height, bytes: job.bytes };
}
