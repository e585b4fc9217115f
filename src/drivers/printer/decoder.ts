/**
 * Streaming ESC/POS parser for the virtual printer and the preview (pure): bytes in, commands out.
 * Keeps an incomplete command in its buffer until the rest arrives. Commands it does not know are
 * skipped by their documented length so one stray byte cannot derail the rest of a receipt.
 */

export type EscPosCommand =
  | { op: 'init' }
  | { op: 'text'; bytes: Uint8Array }
  | { op: 'lf' }
  | { op: 'codePage'; n: number }
  | { op: 'bold'; on: boolean }
  | { op: 'inverse'; on: boolean }
  | { op: 'underline'; n: number }
  | { op: 'size'; width: number; height: number }
  | { op: 'align'; n: number }
  | { op: 'lineSpacing'; dots: number | undefined }
  | { op: 'feed'; lines: number }
  | { op: 'feedDots'; dots: number }
  | { op: 'raster'; widthBytes: number; height: number; scaleX: number; scaleY: number; data: Uint8Array }
  | { op: 'qr'; fn: number; params: Uint8Array }
  /** GS ( L / GS 8 L fn 112: raster graphics stored in the print buffer (printed by graphicsPrint). */
  | { op: 'graphicsStore'; widthBytes: number; height: number; scaleX: number; scaleY: number; data: Uint8Array }
  /** GS ( L / GS 8 L fn 50: print the graphics in the print buffer. */
  | { op: 'graphicsPrint' }
  | { op: 'barcodeHeight'; n: number }
  | { op: 'barcodeWidth'; n: number }
  | { op: 'hri'; n: number }
  | { op: 'barcode'; m: number; data: Uint8Array }
  | { op: 'cut'; partial: boolean; feedDots: number }
  | { op: 'realtimeStatus'; n: number }
  | { op: 'clearBuffers' }
  | { op: 'transmitStatus'; n: number }
  | { op: 'ignored'; bytes: Uint8Array };

/** A decoded command and how many wire bytes it took. */
export interface Decoded {
  readonly cmd: EscPosCommand;
  readonly size: number;
}

type Step = Decoded | 'more';

export class EscPosDecoder {
  private buf: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): Decoded[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const out: Decoded[] = [];
    let o = 0;
    while (o < joined.length) {
      const step = parseOne(joined, o);
      if (step === 'more') break;
      out.push(step);
      o += step.size;
    }
    this.buf = joined.slice(o);
    return out;
  }

  /** Bytes waiting for the rest of a command. */
  get pendingBytes(): number {
    return this.buf.length;
  }
}

const one = (cmd: EscPosCommand, size: number): Decoded => ({ cmd, size });

function parseOne(b: Uint8Array, o: number): Step {
  const c = b[o] as number;
  if (c >= 0x20) {
    let e = o;
    while (e < b.length && (b[e] as number) >= 0x20) e++;
    return one({ op: 'text', bytes: b.slice(o, e) }, e - o);
  }
  if (c === 0x0a) return one({ op: 'lf' }, 1);
  if (c === 0x1b) return parseEsc(b, o);
  if (c === 0x1d) return parseGs(b, o);
  if (c === 0x1c) return parseFs(b, o);
  if (c === 0x10) return parseDle(b, o);
  return one({ op: 'ignored', bytes: b.slice(o, o + 1) }, 1);
}

function need(b: Uint8Array, o: number, n: number): boolean {
  return o + n <= b.length;
}

/**
 * Parameter bytes of the commands this printer does not act on, so that their parameters are consumed
 * and never printed as text (Epson ESC/POS command reference). Found missing by decoding a third-party
 * generator's streams (receiptline: test/oracle/escpos-receiptline.test.ts), which printed `(A`, `S`, `-0`.
 * `nul`: parameters up to a NUL.
 */
const ESC_PARAMS: Readonly<Record<number, number | 'nul'>> = {
  0x20: 1, 0x24: 2, 0x25: 1, 0x3c: 0, 0x3d: 1, 0x3f: 1, 0x44: 'nul', 0x47: 1, 0x4b: 1, 0x4c: 0, 0x4d: 1, 0x52: 1,
  0x53: 0, 0x54: 1, 0x55: 1, 0x56: 1, 0x57: 8, 0x5c: 2, 0x63: 2, 0x65: 1, 0x69: 0, 0x6d: 0, 0x70: 3, 0x72: 1, 0x75: 1,
  0x7b: 1, 0x0c: 0,
};
const FS_PARAMS: Readonly<Record<number, number>> = { 0x21: 1, 0x26: 0, 0x2d: 1, 0x2e: 0, 0x43: 1, 0x53: 2, 0x57: 1, 0x70: 2 };
const GS_PARAMS: Readonly<Record<number, number>> = { 0x24: 2, 0x2f: 1, 0x3a: 0, 0x4c: 2, 0x50: 2, 0x54: 1, 0x57: 2, 0x5c: 2, 0x5e: 3 };

function skipped(b: Uint8Array, o: number, params: number | 'nul'): Step {
  if (params === 'nul') {
    let e = o + 2;
    while (e < b.length && b[e] !== 0) e++;
    if (e >= b.length) return 'more';
    return one({ op: 'ignored', bytes: b.slice(o, e + 1) }, e + 1 - o);
  }
  if (!need(b, o, 2 + params)) return 'more';
  return one({ op: 'ignored', bytes: b.slice(o, o + 2 + params) }, 2 + params);
}

/** FS: Kanji and NV commands; none acted on. FS ( x pL pH carries its length. */
function parseFs(b: Uint8Array, o: number): Step {
  if (!need(b, o, 2)) return 'more';
  const f = b[o + 1] as number;
  if (f === 0x28) {
    if (!need(b, o, 5)) return 'more';
    const len = (b[o + 3] as number) | ((b[o + 4] as number) << 8);
    if (!need(b, o, 5 + len)) return 'more';
    return one({ op: 'ignored', bytes: b.slice(o, o + 5 + len) }, 5 + len);
  }
  return skipped(b, o, FS_PARAMS[f] ?? 0);
}

/** ESC * m nL nH d...: bit image, 1 byte a column (8-dot modes) or 3 (24-dot). */
function parseEscBitImage(b: Uint8Array, o: number): Step {
  if (!need(b, o, 5)) return 'more';
  const m = b[o + 2] as number;
  const len = ((b[o + 3] as number) | ((b[o + 4] as number) << 8)) * (m === 32 || m === 33 ? 3 : 1);
  if (!need(b, o, 5 + len)) return 'more';
  return one({ op: 'ignored', bytes: b.slice(o, o + 5 + len) }, 5 + len);
}

function parseEsc(b: Uint8Array, o: number): Step {
  if (!need(b, o, 2)) return 'more';
  const f = b[o + 1] as number;
  if (f === 0x40) return one({ op: 'init' }, 2);
  if (f === 0x32) return one({ op: 'lineSpacing', dots: undefined }, 2);
  if (f === 0x2a) return parseEscBitImage(b, o);
  const params = ESC_PARAMS[f];
  if (params !== undefined) return skipped(b, o, params);
  if (!need(b, o, 3)) return 'more';
  const n = b[o + 2] as number;
  switch (f) {
    case 0x74: return one({ op: 'codePage', n }, 3);
    case 0x45: return one({ op: 'bold', on: (n & 1) === 1 }, 3);
    case 0x2d: return one({ op: 'underline', n: n & 3 }, 3);
    case 0x61: return one({ op: 'align', n: n % 48 }, 3);
    case 0x33: return one({ op: 'lineSpacing', dots: n }, 3);
    case 0x64: return one({ op: 'feed', lines: n }, 3);
    case 0x4a: return one({ op: 'feedDots', dots: n }, 3);
    case 0x21: return one({ op: 'size', width: n & 0x20 ? 2 : 1, height: n & 0x10 ? 2 : 1 }, 3);
    default: return one({ op: 'ignored', bytes: b.slice(o, o + 3) }, 3);
  }
}

function parseGs(b: Uint8Array, o: number): Step {
  if (!need(b, o, 3)) return 'more';
  const f = b[o + 1] as number;
  const n = b[o + 2] as number;
  switch (f) {
    case 0x21: return one({ op: 'size', width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 }, 3);
    case 0x42: return one({ op: 'inverse', on: (n & 1) === 1 }, 3);
    case 0x68: return one({ op: 'barcodeHeight', n }, 3);
    case 0x77: return one({ op: 'barcodeWidth', n }, 3);
    case 0x48: return one({ op: 'hri', n: n % 48 }, 3);
    case 0x66: return one({ op: 'ignored', bytes: b.slice(o, o + 3) }, 3);
    case 0x72: return one({ op: 'transmitStatus', n: n % 48 }, 3);
    case 0x56: return parseCut(b, o, n);
    case 0x76: return parseRaster(b, o);
    case 0x28: return parseGsParen(b, o);
    case 0x38: return b[o + 2] === 0x4c ? parseGs8L(b, o) : one({ op: 'ignored', bytes: b.slice(o, o + 3) }, 3);
    case 0x6b: return parseBarcode(b, o, n);
    default: {
      const params = GS_PARAMS[f];
      return params === undefined ? one({ op: 'ignored', bytes: b.slice(o, o + 3) }, 3) : skipped(b, o, params);
    }
  }
}

function parseCut(b: Uint8Array, o: number, m: number): Step {
  if (m === 0 || m === 1 || m === 48 || m === 49) return one({ op: 'cut', partial: m % 48 === 1, feedDots: 0 }, 3);
  if (!need(b, o, 4)) return 'more';
  return one({ op: 'cut', partial: m === 66 || m === 98 || m === 104, feedDots: b[o + 3] as number }, 4);
}

function parseRaster(b: Uint8Array, o: number): Step {
  if (!need(b, o, 8)) return 'more';
  const m = (b[o + 3] as number) % 48;
  const widthBytes = (b[o + 4] as number) | ((b[o + 5] as number) << 8);
  const height = (b[o + 6] as number) | ((b[o + 7] as number) << 8);
  const len = widthBytes * height;
  if (!need(b, o, 8 + len)) return 'more';
  const data = b.slice(o + 8, o + 8 + len);
  return one({ op: 'raster', widthBytes, height, scaleX: m & 1 ? 2 : 1, scaleY: m & 2 ? 2 : 1, data }, 8 + len);
}

function parseGsParen(b: Uint8Array, o: number): Step {
  if (!need(b, o, 5)) return 'more';
  const fn = b[o + 2] as number;
  const len = (b[o + 3] as number) | ((b[o + 4] as number) << 8);
  if (!need(b, o, 5 + len)) return 'more';
  const params = b.slice(o + 5, o + 5 + len);
  if (fn === 0x6b && params[0] === 0x31) return one({ op: 'qr', fn: params[1] as number, params: params.slice(2) }, 5 + len);
  if (fn === 0x4c) return one(graphics(params) ?? { op: 'ignored', bytes: b.slice(o, o + 5 + len) }, 5 + len);
  return one({ op: 'ignored', bytes: b.slice(o, o + 5 + len) }, 5 + len);
}

/** GS 8 L p1 p2 p3 p4 m fn ...: GS ( L with a four-byte length (large graphics). */
function parseGs8L(b: Uint8Array, o: number): Step {
  if (!need(b, o, 7)) return 'more';
  const len = (b[o + 3] as number) + (b[o + 4] as number) * 0x100 + (b[o + 5] as number) * 0x10000 + (b[o + 6] as number) * 0x1000000;
  if (!need(b, o, 7 + len)) return 'more';
  return one(graphics(b.slice(o + 7, o + 7 + len)) ?? { op: 'ignored', bytes: b.slice(o, o + 7 + len) }, 7 + len);
}

/**
 * The graphics functions of GS ( L (m = 48): fn 112 stores raster graphics (a = 48 monochrome, bx, by
 * scale, c = 49 first colour, width and height in dots, rows of packed dots), fn 50 prints them. Others
 * (NV graphics, colour planes) are not acted on.
 */
function graphics(p: Uint8Array): EscPosCommand | undefined {
  const fn = p[1];
  if (fn === 50) return { op: 'graphicsPrint' };
  if (fn !== 112 || p.length < 10 || p[2] !== 48 || p[5] !== 49) return undefined;
  const width = (p[6] as number) | ((p[7] as number) << 8);
  const height = (p[8] as number) | ((p[9] as number) << 8);
  const widthBytes = Math.ceil(width / 8);
  const data = p.slice(10, 10 + widthBytes * height);
  if (data.length < widthBytes * height) return undefined;
  return { op: 'graphicsStore', widthBytes, height, scaleX: p[3] === 2 ? 2 : 1, scaleY: p[4] === 2 ? 2 : 1, data };
}

function parseBarcode(b: Uint8Array, o: number, m: number): Step {
  if (m <= 6) {
    // function A: NUL-terminated
    let e = o + 3;
    while (e < b.length && b[e] !== 0) e++;
    if (e >= b.length) return 'more';
    return one({ op: 'barcode', m, data: b.slice(o + 3, e) }, e + 1 - o);
  }
  if (!need(b, o, 4)) return 'more';
  const len = b[o + 3] as number;
  if (!need(b, o, 4 + len)) return 'more';
  return one({ op: 'barcode', m, data: b.slice(o + 4, o + 4 + len) }, 4 + len);
}

function parseDle(b: Uint8Array, o: number): Step {
  if (!need(b, o, 3)) return 'more';
  const f = b[o + 1] as number;
  if (f === 0x04) return one({ op: 'realtimeStatus', n: b[o + 2] as number }, 3);
  if (f === 0x14) {
    const fn = b[o + 2] as number;
    if (fn === 8) {
      if (!need(b, o, 10)) return 'more';
      return one({ op: 'clearBuffers' }, 10);
    }
    if (!need(b, o, 5)) return 'more';
    return one({ op: 'ignored', bytes: b.slice(o, o + 5) }, 5);
  }
  return one({ op: 'ignored', bytes: b.slice(o, o + 2) }, 2);
}
