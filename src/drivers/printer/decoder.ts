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
  if (c === 0x10) return parseDle(b, o);
  return one({ op: 'ignored', bytes: b.slice(o, o + 1) }, 1);
}

function need(b: Uint8Array, o: number, n: number): boolean {
  return o + n <= b.length;
}

function parseEsc(b: Uint8Array, o: number): Step {
  if (!need(b, o, 2)) return 'more';
  const f = b[o + 1] as number;
  if (f === 0x40) return one({ op: 'init' }, 2);
  if (f === 0x32) return one({ op: 'lineSpacing', dots: undefined }, 2);
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
    case 0x6b: return parseBarcode(b, o, n);
    default: return one({ op: 'ignored', bytes: b.slice(o, o + 3) }, 3);
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
  return one({ op: 'ignored', bytes: b.slice(o, o + 5 + len) }, 5 + len);
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
