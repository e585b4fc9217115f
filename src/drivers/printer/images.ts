/** PNG images and QR symbols as 1-bit bitmaps (pngjs and qrcode are pure JS, loaded on first use). */
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

/** Encode a bitmap as a black-on-white PNG; zlib deflates on the thread pool, not the event loop. */
export async function bitmapToPng(bm: Bitmap): Promise<Buffer> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: bm.width, height: bm.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const gray = Buffer.alloc(bm.width * bm.height);
  for (let i = 0; i < gray.length; i++) gray[i] = bm.dots[i] ? 0 : 255;
  png.data = gray;
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const out = png.pack();
    out.on('data', (c: Buffer) => chunks.push(c));
    out.on('end', resolve);
    out.on('error', reject);
  });
  return Buffer.concat(chunks);
}
