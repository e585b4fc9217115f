/**
 * Text the printer cannot print from its code pages, drawn with Skia (@napi-rs/canvas): HarfBuzz-style
 * shaping (Arabic joining, lam-alef), the Unicode bidi algorithm for mixed Arabic/Latin/digits, and CJK
 * from Noto Sans CJK with locale-correct glyph forms (ctx.lang). Output is a 1-bit paper-wide Bitmap.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { Bitmap } from './bitmap.js';
import { FAMILY, type CanvasModule } from './fonts.js';
import { hasArabic, hasCjk, type Direction } from './script.js';

export interface RasterTextStyle {
  readonly size: number;
  readonly bold: boolean;
  readonly inverse: boolean;
  readonly dir: Direction;
  readonly align: 'left' | 'center' | 'right';
  readonly lang: string | undefined;
}

const SIDE_MARGIN = 4;

/**
 * Canvases are native (Skia) memory that V8 does not see, freed only when a collection finds them:
 * rendering makes many, so it reuses a few by size instead of leaving one per block to the GC.
 */
const canvases = new Map<string, SKRSContext2D>();
function contextOf(canvas: CanvasModule, width: number, height: number): SKRSContext2D {
  const key = `${width}x${height}`;
  let ctx = canvases.get(key);
  if (!ctx) {
    ctx = canvas.createCanvas(width, height).getContext('2d');
    if (canvases.size >= 8) canvases.delete(canvases.keys().next().value as string);
    canvases.set(key, ctx);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return ctx;
}

function fontPx(text: string, size: number): number {
  // Arabic letters sit small on the Latin body size; a larger size reads like the printer's font A
  return (hasArabic(text) ? 28 : 24) * size;
}

function langOf(text: string, given: string | undefined): string {
  if (given) return given;
  if (hasCjk(text)) return 'zh-Hans';
  if (hasArabic(text)) return 'ar';
  return 'en';
}

function setup(ctx: SKRSContext2D, text: string, style: { size: number; bold: boolean; dir: Direction; lang: string | undefined }): number {
  const px = fontPx(text, style.size);
  ctx.font = `${style.bold ? 'bold ' : ''}${px}px ${FAMILY.sans}, ${FAMILY.arabic}, ${FAMILY.cjk}`;
  ctx.lang = langOf(text, style.lang);
  ctx.direction = style.dir;
  ctx.textBaseline = 'alphabetic';
  return px;
}

/** Word tokens; each CJK character is its own token so lines can break between them. */
function tokens(paragraph: string): string[] {
  return paragraph.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]|\s+|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+/gu) ?? [];
}

/** Greedy line breaking in logical order; the bidi algorithm then orders each line visually. */
export function wrap(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const tok of tokens(paragraph)) {
      const candidate = line + tok;
      if (line.trim() !== '' && ctx.measureText(candidate.trimEnd()).width > maxWidth) {
        lines.push(line.trimEnd());
        line = /^\s+$/.test(tok) ? '' : tok;
      } else line = candidate;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

function toBitmap(canvas: CanvasModule, width: number, height: number, draw: (ctx: SKRSContext2D) => void): Bitmap {
  const c = canvas.createCanvas(width, height);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  draw(ctx);
  return Bitmap.fromRgba(width, height, ctx.getImageData(0, 0, width, height).data);
}

/** How a text block breaks into lines on this paper: measured with the font, nothing drawn. */
export function textRasterLayout(canvas: CanvasModule, text: string, style: Omit<RasterTextStyle, 'align' | 'inverse'>, width: number): { px: number; lines: string[]; lineHeight: number } {
  const measure = contextOf(canvas, 1, 1);
  const px = setup(measure, text, style);
  return { px, lines: wrap(measure, text, width - 2 * SIDE_MARGIN), lineHeight: Math.round(px * 1.45) };
}

/** Lines drawn per canvas: a long text block costs one band's canvas (~1.7 MB), not its whole height in RGBA. */
const BAND_LINES = 4;

/**
 * Draw `lines` lines of `lineHeight` into a paper-wide Bitmap, a band of lines at a time on one reused
 * canvas. Each band is drawn with the line before and after it, and only its own rows are kept, so
 * glyphs reaching into a neighbouring line (Arabic marks, descenders) come out as on one tall canvas.
 */
function bandedBitmap(canvas: CanvasModule, width: number, lineHeight: number, lines: number, drawLine: (ctx: SKRSContext2D, i: number, top: number) => void): Bitmap {
  const out = new Bitmap(width, lineHeight * lines);
  const bandHeight = (BAND_LINES + 2) * lineHeight;
  const ctx = contextOf(canvas, width, bandHeight);
  for (let first = 0; first < lines; first += BAND_LINES) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, bandHeight);
    ctx.fillStyle = '#000';
    for (let i = Math.max(0, first - 1); i < Math.min(lines, first + BAND_LINES + 1); i++) drawLine(ctx, i, (i - first + 1) * lineHeight);
    const rows = Math.min(BAND_LINES, lines - first) * lineHeight;
    out.dots.set(Bitmap.fromRgba(width, rows, ctx.getImageData(0, lineHeight, width, rows).data).dots, first * lineHeight * width);
  }
  return out;
}

/** A text block as a paper-wide bitmap. */
export function renderTextRaster(canvas: CanvasModule, text: string, style: RasterTextStyle, width: number): Bitmap {
  const { px, lines, lineHeight } = textRasterLayout(canvas, text, style, width);
  const x = style.align === 'left' ? SIDE_MARGIN : style.align === 'right' ? width - SIDE_MARGIN : width / 2;
  let ready: SKRSContext2D | undefined;
  return bandedBitmap(canvas, width, lineHeight, lines.length, (ctx, i, top) => {
    if (ready !== ctx) {
      setup(ctx, text, style);
      ctx.textAlign = style.align;
      ready = ctx;
    }
    const line = lines[i] ?? '';
    const baseline = top + Math.round(px * 1.08);
    if (style.inverse) {
      const w = ctx.measureText(line).width + 8;
      const left = style.align === 'left' ? x - 4 : style.align === 'right' ? x - w + 4 : x - w / 2;
      ctx.fillRect(Math.floor(left), top, Math.ceil(w), lineHeight);
      ctx.fillStyle = '#fff';
    }
    ctx.fillText(line, x, baseline);
    ctx.fillStyle = '#000';
  });
}

/** How a key/value row breaks into lines (see renderRowRaster): measured, nothing drawn. */
export function rowRasterLayout(
  canvas: CanvasModule, key: string, value: string, style: Omit<RasterTextStyle, 'align' | 'inverse'>, width: number,
): { px: number; keyLines: string[]; lineHeight: number; rows: number } {
  const measure = contextOf(canvas, 1, 1);
  const px = setup(measure, `${key} ${value}`, style);
  const inner = width - 2 * SIDE_MARGIN;
  const keyLines = wrap(measure, key, inner);
  const valueWidth = measure.measureText(value).width;
  const lastKeyWidth = measure.measureText(keyLines[keyLines.length - 1] ?? '').width;
  const sameLine = lastKeyWidth + valueWidth + px <= inner;
  return { px, keyLines, lineHeight: Math.round(px * 1.45), rows: keyLines.length + (sameLine ? 0 : 1) };
}

/**
 * A key/value row: key at the start side, value at the end side (mirrored for RTL); when they do not
 * fit on one line the value goes on its own line at the end side.
 */
export function renderRowRaster(canvas: CanvasModule, key: string, value: string, style: Omit<RasterTextStyle, 'align' | 'inverse'>, width: number): Bitmap {
  const both = `${key} ${value}`;
  const { px, keyLines, lineHeight, rows } = rowRasterLayout(canvas, key, value, style, width);
  const start = style.dir === 'rtl' ? 'right' : 'left';
  const end = style.dir === 'rtl' ? 'left' : 'right';
  const xOf = (side: 'left' | 'right'): number => (side === 'left' ? SIDE_MARGIN : width - SIDE_MARGIN);
  return toBitmap(canvas, width, lineHeight * rows, (ctx) => {
    setup(ctx, both, style);
    const base = (i: number): number => i * lineHeight + Math.round(px * 1.08);
    ctx.textAlign = start;
    keyLines.forEach((line, i) => ctx.fillText(line, xOf(start), base(i)));
    ctx.textAlign = end;
    ctx.fillText(value, xOf(end), base(rows - 1));
  });
}
