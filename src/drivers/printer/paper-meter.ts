/**
 * Paper used by a job: how far the bytes sent move the paper, in dot rows, as a TM-T88 class printer
 * feeds it (the rules {@link VirtualPaper} prints by: font A 24-dot cells, line spacing 30 dots by
 * default, a text line takes max(spacing, its tallest cell), raster and symbols their height, ESC d
 * lines x spacing, ESC J and the cut's feed their dots). Pure apart from the QR symbol's size, which
 * comes from the same qrcode module the printer's native QR stands in for.
 */
import { EscPosDecoder, type EscPosCommand } from './decoder.js';
import type { QrEc } from './codec.js';

const CELL_W = 12;
const CELL_H = 24;
const DEFAULT_SPACING = 30;
/** 203 dpi heads: 8 dot rows a millimetre (paperDots in config.ts). */
export const DOT_ROWS_PER_MM = 8;
const QR_EC: Record<number, QrEc> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

interface Meter {
  rows: number;
  spacing: number;
  w: number;
  h: number;
  /** Cells on the current line: their widths and heights (dots). */
  line: Array<{ w: number; h: number }>;
  barcodeHeight: number;
  hri: number;
  qrModule: number;
  qrEc: QrEc;
  qrData: Uint8Array;
  stored: number;
}

/** Dot rows of paper the job's bytes feed on a printer `widthDots` wide. */
export async function paperRows(chunks: readonly Uint8Array[], widthDots: number): Promise<number> {
  const decoder = new EscPosDecoder();
  const m: Meter = { rows: 0, spacing: DEFAULT_SPACING, w: 1, h: 1, line: [], barcodeHeight: 162, hri: 0, qrModule: 3, qrEc: 'L', qrData: new Uint8Array(0), stored: 0 };
  for (const chunk of chunks) for (const { cmd } of decoder.push(chunk)) await apply(m, cmd, widthDots);
  flush(m, false);
  return m.rows;
}

/** Millimetres of paper for `rows` dot rows, to a tenth. */
export const rowsToMm = (rows: number): number => Math.round((rows / DOT_ROWS_PER_MM) * 10) / 10;

async function apply(m: Meter, cmd: EscPosCommand, width: number): Promise<void> {
  switch (cmd.op) {
    case 'init': Object.assign(m, { spacing: DEFAULT_SPACING, w: 1, h: 1, barcodeHeight: 162, hri: 0, qrModule: 3, qrEc: 'L' }); return;
    case 'text': return text(m, cmd.bytes.length, width); // ESC t code pages: one byte a character
    case 'lf': return flush(m, true);
    case 'size': m.w = cmd.width; m.h = cmd.height; return;
    case 'lineSpacing': m.spacing = cmd.dots ?? DEFAULT_SPACING; return;
    case 'feed': flush(m, false); m.rows += cmd.lines * m.spacing; return;
    case 'feedDots': flush(m, false); m.rows += cmd.dots; return;
    case 'raster': flush(m, false); m.rows += cmd.height * cmd.scaleY; return;
    case 'graphicsStore': m.stored = cmd.height * cmd.scaleY; return;
    case 'graphicsPrint': flush(m, false); m.rows += m.stored; m.stored = 0; return;
    case 'barcodeHeight': m.barcodeHeight = cmd.n; return;
    case 'hri': m.hri = cmd.n; return;
    case 'barcode':
      if (cmd.m !== 73) return; // the virtual printer draws only Code128, and so counts only it
      flush(m, false);
      m.rows += m.barcodeHeight + (m.hri === 2 || m.hri === 3 ? Math.max(m.spacing, CELL_H) : 0);
      return;
    case 'qr': return qr(m, cmd.fn, cmd.params);
    case 'cut': flush(m, false); m.rows += cmd.feedDots; return;
    // nothing else moves the paper
    case 'align': case 'barcodeWidth': case 'bold': case 'codePage': case 'inverse': case 'underline':
    case 'realtimeStatus': case 'clearBuffers': case 'transmitStatus': case 'ignored':
      return;
  }
}

function text(m: Meter, chars: number, width: number): void {
  for (let i = 0; i < chars; i++) {
    const used = m.line.reduce((n, c) => n + c.w, 0);
    if (used + m.w * CELL_W > width) flush(m, false);
    m.line.push({ w: m.w * CELL_W, h: m.h * CELL_H });
  }
}

function flush(m: Meter, emptyFeeds: boolean): void {
  if (m.line.length === 0) {
    if (emptyFeeds) m.rows += m.spacing;
    return;
  }
  const textH = Math.max(...m.line.map((c) => c.h));
  m.line = [];
  m.rows += Math.max(textH, m.spacing);
}

async function qr(m: Meter, fn: number, params: Uint8Array): Promise<void> {
  if (fn === 0x43) m.qrModule = params[0] ?? 3;
  else if (fn === 0x45) m.qrEc = QR_EC[params[0] ?? 48] ?? 'L';
  else if (fn === 0x50) m.qrData = params.slice(1);
  else if (fn === 0x51 && m.qrData.length > 0) {
    flush(m, false);
    const QRCode = (await import('qrcode')).default;
    m.rows += QRCode.create([{ data: m.qrData, mode: 'byte' }], { errorCorrectionLevel: m.qrEc }).modules.size * m.qrModule;
  }
}
