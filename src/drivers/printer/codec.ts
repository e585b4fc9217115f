/**
 * ESC/POS codec. Pure: command builders (bytes out) and the decoder of what the printer sends back
 * (real-time status, GS r replies, the clear-buffer acknowledgement). No timers, no state beyond the
 * parse buffer. Command bytes follow the Epson ESC/POS reference (TM-T88 family).
 */

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;

export type Align = 'left' | 'center' | 'right';
const ALIGN_N: Record<Align, number> = { left: 0, center: 1, right: 2 };

/** ESC @: reset modes (not the receive buffer). */
export const init = (): Uint8Array => Uint8Array.of(ESC, 0x40);
/** ESC t n: select character code table. */
export const codePage = (n: number): Uint8Array => Uint8Array.of(ESC, 0x74, n);
/** ESC E n: emphasised (bold). */
export const bold = (on: boolean): Uint8Array => Uint8Array.of(ESC, 0x45, on ? 1 : 0);
/** GS B n: white/black reverse. */
export const inverse = (on: boolean): Uint8Array => Uint8Array.of(GS, 0x42, on ? 1 : 0);
/** ESC a n: justification, effective at the start of a line. */
export const align = (a: Align): Uint8Array => Uint8Array.of(ESC, 0x61, ALIGN_N[a]);
/** ESC d n: print and feed n lines. */
export const feedLines = (n: number): Uint8Array => Uint8Array.of(ESC, 0x64, clamp(n, 0, 255));
/** GS V 66 n: feed n dots then partial cut (65: full cut). */
export const cut = (partial: boolean, feedDots = 0): Uint8Array => Uint8Array.of(GS, 0x56, partial ? 66 : 65, clamp(feedDots, 0, 255));

/** GS ! n: character size, 1..8 times in each direction. */
export function size(width: number, height: number): Uint8Array {
  return Uint8Array.of(GS, 0x21, ((clamp(width, 1, 8) - 1) << 4) | (clamp(height, 1, 8) - 1));
}

/** Text bytes (already encoded in the selected code page) followed by LF. */
export function textLine(encoded: Uint8Array): Uint8Array {
  return concat([encoded, Uint8Array.of(0x0a)]);
}

/**
 * GS v 0 m xL xH yL yH d...: one raster band. `data` is rows of `widthBytes` bytes, MSB = leftmost dot,
 * 1 = black. Callers cut tall images into bands so real-time queries can go between them.
 */
export function rasterBand(widthBytes: number, height: number, data: Uint8Array): Uint8Array {
  if (data.length !== widthBytes * height) throw new RangeError('raster data size does not match width x height');
  const head = Uint8Array.of(GS, 0x76, 0x30, 0, widthBytes & 0xff, widthBytes >> 8, height & 0xff, height >> 8);
  return concat([head, data]);
}

export type QrEc = 'L' | 'M' | 'Q' | 'H';
const QR_EC_N: Record<QrEc, number> = { L: 48, M: 49, Q: 50, H: 51 };

/** GS ( k, QR model 2: select model, module size, error correction, store data, print. */
export function qr(data: Uint8Array, moduleSize: number, ec: QrEc): Uint8Array {
  const len = data.length + 3;
  return concat([
    Uint8Array.of(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0),
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, clamp(moduleSize, 1, 16)),
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, QR_EC_N[ec]),
    Uint8Array.of(GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, 0x50, 0x30),
    data,
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30),
  ]);
}

/**
 * Code128 via GS k m=73 (function B). Data is printable ASCII sent in code set B ("{B" prefix);
 * HRI below in font A. GS h height, GS w module width.
 */
export function code128(ascii: string, opts: { height: number; moduleWidth: number; hri: boolean }): Uint8Array {
  const payload = [0x7b, 0x42];
  for (const ch of ascii) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c > 0x7e) throw new RangeError('Code128 data must be printable ASCII');
    payload.push(c);
    if (c === 0x7b) payload.push(0x7b); // a literal "{" is sent as "{{"
  }
  if (payload.length > 255) throw new RangeError('Code128 data too long');
  return concat([
    Uint8Array.of(GS, 0x68, clamp(opts.height, 1, 255)),
    Uint8Array.of(GS, 0x77, clamp(opts.moduleWidth, 2, 6)),
    Uint8Array.of(GS, 0x48, opts.hri ? 2 : 0),
    Uint8Array.of(GS, 0x66, 0),
    Uint8Array.of(GS, 0x6b, 73, payload.length, ...payload),
  ]);
}

/** DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper sensors). */
export const realtimeStatus = (n: 1 | 2 | 3 | 4): Uint8Array => Uint8Array.of(DLE, 0x04, n);
/** GS r 1: paper sensor status, processed in order with print data: its reply marks "all printed". */
export const transmitPaperStatus = (): Uint8Array => Uint8Array.of(GS, 0x72, 1);
/** DLE DC4 fn=8: clear the receive and print buffers (real-time); the printer answers 37 25 00. */
export const clearBuffers = (): Uint8Array => Uint8Array.of(DLE, 0x14, 8, 1, 3, 20, 1, 6, 2, 8);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(n)));
}
