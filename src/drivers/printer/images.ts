/** PNG images and QR symbols as 1-bit bitmaps (pngjs and qrcode are pure JS, loaded on first use). */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { QrEc } from './codec.js';
import { Bitmap } from './bitmap.js';

const MAX_IMAGE_PIXELS = 4_000_000;

/** Width and height from a base64 PNG's header (its first 24 bytes), without decoding the image. */
export function pngSize(base64: string): { width: number; height: number } {
  const head = Buffer.from(base64.slice(0, 32), 'base64');
  if (head.length < 24 || head.readUInt32BE(12) !== 0x49484452) throw new RangeError('not a PNG image');
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** Modules per side of the QR symbol `data` needs (what qrBitmap draws, before scaling). */
export async function qrModules(data: Uint8Array, ec: QrEc): Promise<number> {
  const QRCode = (await import('qrcode')).default;
  return QRCode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: ec }).modules.size;
}

/** Decode a base64 PNG, scale it down (nearest) to at most `maxWidth` dots, threshold to black/white. */
export async function decodePng(base64: string, maxWidth: number): Promise<Bitmap> {
  // IHDR is the first chunk: width and height at bytes 16..23. Refuse before inflating a decompression bomb.
  const { width: iw, height: ih } = pngSize(base64);
  if (iw * ih > MAX_IMAGE_PIXELS) throw new RangeError(`image is ${iw}x${ih}; at most ${MAX_IMAGE_PIXELS} pixels`);
  const { PNG } = await import('pngjs');
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  const src = Bitmap.fromRgba(png.width, png.height, png.data);
  if (png.width <= maxWidth) return src;
  const scale = maxWidth / png.width;
  const h = Math.max(1, Math.round(png.height * scale));
  const out = new Bitmap(maxWidth, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < maxWidth; x++) out.set(x, y, src.get(Math.floor(x / scale), Math.floor(y / scale)));
  }
  return out;
}

/** A QR symbol (auto version, byte mode) drawn `moduleSize` dots per module, without quiet zone. */
export async function qrBitmap(data: Uint8Array, moduleSize: number, ec: QrEc): Promise<Bitmap> {
  const QRCode = (await import('qrcode')).default;
  const qr = QRCode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: ec });
  const n = qr.modules.size;
  const bm = new Bitmap(n * moduleSize, n * moduleSize);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) bm.fillRect(c * moduleSize, r * moduleSize, moduleSize, moduleSize);
  }
  return bm;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (const b of p) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([head.subarray(4), data]), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encode bitmaps, stacked top to bottom, as one black-on-white 1-bit greyscale PNG: 1/8 byte per dot
 * (a 576 x 16,000 receipt is 1.2 MB before compression, not 9 MB as 8-bit grey), no stacked copy of the
 * pages, and zlib deflates on the thread pool, not the event loop.
 */
export async function bitmapToPng(...pages: Bitmap[]): Promise<Buffer> {
  const width = pages[0]?.width ?? 0;
  const height = pages.reduce((n, p) => n + p.height, 0);
  const stride = Math.ceil(width / 8) + 1;
  const raw = Buffer.alloc(stride * height);
  let row = 0;
  for (const page of pages) {
    for (let y = 0; y < page.height; y++, row++) {
      const o = row * stride; // filter byte 0 (none), then the row's bits, MSB first, 1 = white
      for (let x = 0; x < width; x++) if (!page.dots[y * page.width + x]) raw[o + 1 + (x >> 3)] = (raw[o + 1 + (x >> 3)] ?? 0) | (0x80 >> (x & 7));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  const idat = await promisify(deflate)(raw);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
