/**
 * The virtual printer's paper: executes decoded ESC/POS commands onto a 1-bit page, the way a TM-T88
 * class printer does (font A 12x24 cells, line spacing 30 dots, ESC a justification per line, GS v 0
 * raster, GS ( k QR, GS k Code128 with HRI). A cut ends a page. Text glyphs come from the registered
 * monospace font, so the simulator and the preview need canvas (loaded by the caller).
 */
import { Bitmap } from './bitmap.js';
import type { QrEc } from './codec.js';
import { code128Modules, code128Values } from './code128.js';
import { decode, pageOfEscT, type CodePageName } from './codepages.js';
import type { EscPosCommand } from './decoder.js';
import { FAMILY, type CanvasModule } from './fonts.js';

const CELL_W = 12;
const CELL_H = 24;
const DEFAULT_SPACING = 30;

interface Cell {
  readonly ch: string;
  readonly bold: boolean;
  readonly w: number;
  readonly h: number;
  readonly inverse: boolean;
  readonly underline: number;
}

interface Modes {
  page: CodePageName;
  bold: boolean;
  inverse: boolean;
  underline: number;
  w: number;
  h: number;
  align: number;
  spacing: number;
  barcodeHeight: number;
  barcodeWidth: number;
  hri: number;
  qrModule: number;
  qrEc: QrEc;
  qrData: Uint8Array;
}

const initialModes = (): Modes => ({
  page: 'cp437', bold: false, inverse: false, underline: 0, w: 1, h: 1, align: 0, spacing: DEFAULT_SPACING,
  barcodeHeight: 162, barcodeWidth: 3, hri: 0, qrModule: 3, qrEc: 'L', qrData: new Uint8Array(0),
});

const QR_EC: Record<number, QrEc> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export class VirtualPaper {
  private strips: Bitmap[] = [];
  /** Graphics stored in the print buffer by GS ( L fn 112, printed by fn 50. */
  private stored: Extract<EscPosCommand, { op: 'graphicsStore' }> | undefined;
  private line: Cell[] = [];
  private m: Modes = initialModes();
  private readonly glyphs = new Map<string, Bitmap>();
  /** Cut pages, oldest first. */
  readonly pages: Bitmap[] = [];

  constructor(
    private readonly canvas: CanvasModule,
    readonly width: number,
    private readonly keepPages = 5,
  ) {}

  /** Apply one command. QR symbols need the qrcode module, hence async. */
  async apply(cmd: EscPosCommand): Promise<void> {
    switch (cmd.op) {
      case 'init': this.m = { ...initialModes(), qrData: this.m.qrData }; return;
      case 'text': return this.addText(decode(cmd.bytes, this.m.page));
      case 'lf': return this.flushLine(true);
      case 'codePage': this.m.page = pageOfEscT(cmd.n) ?? 'cp437'; return;
      case 'bold': this.m.bold = cmd.on; return;
      case 'inverse': this.m.inverse = cmd.on; return;
      case 'underline': this.m.underline = cmd.n; return;
      case 'size': this.m.w = cmd.width; this.m.h = cmd.height; return;
      case 'align': this.m.align = cmd.n; return;
      case 'lineSpacing': this.m.spacing = cmd.dots ?? DEFAULT_SPACING; return;
      case 'feed': this.flushLine(false); this.blank(cmd.lines * this.m.spacing); return;
      case 'feedDots': this.flushLine(false); this.blank(cmd.dots); return;
      case 'raster': return this.raster(cmd);
      case 'graphicsStore': this.stored = cmd; return;
      case 'graphicsPrint':
        if (this.stored) this.raster({ ...this.stored, op: 'raster' });
        this.stored = undefined;
        return;
      case 'qr': return this.qr(cmd.fn, cmd.params);
      case 'barcodeHeight': this.m.barcodeHeight = cmd.n; return;
      case 'barcodeWidth': this.m.barcodeWidth = cmd.n; return;
      case 'hri': this.m.hri = cmd.n; return;
      case 'barcode': return this.barcode(cmd.m, cmd.data);
      case 'cut': this.flushLine(false); this.blank(cmd.feedDots); this.cut(); return;
      case 'realtimeStatus': case 'clearBuffers': case 'transmitStatus': case 'ignored': return;
    }
  }

  /** What has been printed since the last cut (for a preview without a cut). */
  current(): Bitmap {
    return stack(this.width, this.strips);
  }

  cut(): void {
    this.pages.push(stack(this.width, this.strips));
    this.strips = [];
    while (this.pages.length > this.keepPages) this.pages.shift();
  }

  private addText(text: string): void {
    for (const ch of text) {
      const cell: Cell = { ch, bold: this.m.bold, w: this.m.w, h: this.m.h, inverse: this.m.inverse, underline: this.m.underline };
      const used = this.line.reduce((n, c) => n + c.w * CELL_W, 0);
      if (used + cell.w * CELL_W > this.width) this.flushLine(false);
      this.line.push(cell);
    }
  }

  private blank(rows: number): void {
    if (rows > 0) this.strips.push(new Bitmap(this.width, rows));
  }

  private flushLine(emptyFeeds: boolean): void {
    if (this.line.length === 0) {
      if (emptyFeeds) this.blank(this.m.spacing);
      return;
    }
    const cells = this.line;
    this.line = [];
    const textH = Math.max(...cells.map((c) => c.h * CELL_H));
    const lineW = cells.reduce((n, c) => n + c.w * CELL_W, 0);
    const strip = new Bitmap(this.width, textH);
    let x = this.alignOffset(lineW);
    for (const cell of cells) {
      this.drawCell(strip, cell, x, textH - cell.h * CELL_H);
      x += cell.w * CELL_W;
    }
    this.strips.push(strip);
    this.blank(Math.max(0, this.m.spacing - textH));
  }

  /** Font A glyph, drawn once per character; larger sizes replicate dots as the printer does. */
  private glyph(ch: string, bold: boolean): Bitmap {
    const key = `${bold ? 'b' : 'r'}${ch}`;
    let g = this.glyphs.get(key);
    if (!g) {
      const c = this.canvas.createCanvas(CELL_W, CELL_H);
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, CELL_W, CELL_H);
      ctx.fillStyle = '#000';
      ctx.font = `${bold ? 'bold ' : ''}20px ${FAMILY.mono}`;
      ctx.lang = 'en';
      ctx.fillText(ch, 0, 19);
      g = Bitmap.fromRgba(CELL_W, CELL_H, ctx.getImageData(0, 0, CELL_W, CELL_H).data);
      this.glyphs.set(key, g);
    }
    return g;
  }

  private drawCell(strip: Bitmap, cell: Cell, x0: number, y0: number): void {
    const g = this.glyph(cell.ch, cell.bold);
    for (let y = 0; y < CELL_H * cell.h; y++) {
      const gy = Math.floor(y / cell.h);
      const ink = (gx: number): number => (gy >= CELL_H - cell.underline ? 1 : g.get(gx, gy));
      for (let x = 0; x < CELL_W * cell.w; x++) {
        const on = ink(Math.floor(x / cell.w)) === 1;
        if (on !== cell.inverse) strip.set(x0 + x, y0 + y, 1);
      }
    }
  }

  private alignOffset(w: number): number {
    if (this.m.align === 1) return Math.max(0, Math.floor((this.width - w) / 2));
    if (this.m.align === 2) return Math.max(0, this.width - w);
    return 0;
  }

  private raster(cmd: Extract<EscPosCommand, { op: 'raster' }>): void {
    this.flushLine(false);
    let bm = Bitmap.fromPacked(cmd.widthBytes, cmd.height, cmd.data);
    if (cmd.scaleX !== 1 || cmd.scaleY !== 1) bm = scale(bm, cmd.scaleX, cmd.scaleY);
    const strip = new Bitmap(this.width, bm.height);
    strip.blit(bm, this.alignOffset(bm.width), 0);
    this.strips.push(strip);
  }

  private async qr(fn: number, params: Uint8Array): Promise<void> {
    if (fn === 0x43) this.m.qrModule = params[0] ?? 3;
    else if (fn === 0x45) this.m.qrEc = QR_EC[params[0] ?? 48] ?? 'L';
    else if (fn === 0x50) this.m.qrData = params.slice(1);
    else if (fn === 0x51 && this.m.qrData.length > 0) {
      this.flushLine(false);
      const { qrBitmap } = await import('./images.js');
      const symbol = await qrBitmap(this.m.qrData, this.m.qrModule, this.m.qrEc);
      const strip = new Bitmap(this.width, symbol.height);
      strip.blit(symbol, this.alignOffset(symbol.width), 0);
      this.strips.push(strip);
    }
  }

  private barcode(m: number, data: Uint8Array): void {
    if (m !== 73) return; // only Code128 is drawn; other symbologies are accepted and skipped
    this.flushLine(false);
    const { values, text } = code128Values(data);
    const modules = code128Modules(values);
    const mw = this.m.barcodeWidth;
    const total = modules.reduce((a, b) => a + b, 0) * mw;
    const strip = new Bitmap(this.width, this.m.barcodeHeight);
    let x = this.alignOffset(total);
    modules.forEach((w, i) => {
      if (i % 2 === 0) strip.fillRect(x, 0, w * mw, this.m.barcodeHeight);
      x += w * mw;
    });
    this.strips.push(strip);
    if (this.m.hri === 2 || this.m.hri === 3) {
      const saved = { ...this.m };
      Object.assign(this.m, { bold: false, w: 1, h: 1, inverse: false, underline: 0 });
      this.addText(text);
      this.flushLine(false);
      Object.assign(this.m, { bold: saved.bold, w: saved.w, h: saved.h, inverse: saved.inverse, underline: saved.underline });
    }
  }
}

function scale(bm: Bitmap, sx: number, sy: number): Bitmap {
  const out = new Bitmap(bm.width * sx, bm.height * sy);
  for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) out.set(x, y, bm.get(Math.floor(x / sx), Math.floor(y / sy)));
  return out;
}

function stack(width: number, strips: readonly Bitmap[]): Bitmap {
  const height = strips.reduce((n, s) => n + s.height, 0);
  const out = new Bitmap(width, height);
  let y = 0;
  for (const s of strips) {
    out.dots.set(s.width === width ? s.dots : new Bitmap(width, s.height).dots, y * width);
    y += s.height;
  }
  return out;
}
