/** PNG images and QR symbols as 1-bit bitmaps (pngjs and qrcode are pure JS, loaded on first use). */
import type { QrEc } from './codec.js';
import { Bitmap } from './bitmap.js';

const MAX_IMAGE_PIXELS = 4_000_000;

/** Decode a base64 PNG, scale it down (nearest) to at most `maxWidth` dots, threshold to black/white. */
export async function decodePng(base64: string, maxWidth: number): Promise<Bitmap> {
  const bytes = Buffer.from(base64, 'base64');
  // IHDR is the first chunk: width and height at bytes 16..23. Refuse before inflating a decompression bomb.
  if (bytes.length < 24 || bytes.readUInt32BE(12) !== 0x49484452) throw new RangeError('not a PNG image');
  const [iw, ih] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  if (iw * ih > MAX_IMAGE_PIXELS) throw new RangeError(`image is ${iw}x${ih}; at most ${MAX_IMAGE_PIXELS} pixels`);
  const { PNG } = await import('pngjs');
  const png = PNG.sync.read(bytes);
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

/** Encode a bitmap as a black-on-white PNG. */
export async function bitmapToPng(bm: Bitmap): Promise<Buffer> {
  const { PNG } = await import('pngjs');
  const png = new PNG({ width: bm.width, height: bm.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const gray = Buffer.alloc(bm.width * bm.height);
  for (let i = 0; i < gray.length; i++) gray[i] = bm.dots[i] ? 0 : 255;
  png.data = gray;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
