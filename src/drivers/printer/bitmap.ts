/** A 1-bit image (1 = black), the unit the renderer and the virtual printer exchange. Pure. */

export class Bitmap {
  /** One byte per dot (0/1): simple and fast enough for receipts (576 x a few thousand). */
  readonly dots: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    dots?: Uint8Array,
  ) {
    this.dots = dots ?? new Uint8Array(width * height);
  }

  get(x: number, y: number): number {
    return x < 0 || y < 0 || x >= this.width || y >= this.height ? 0 : (this.dots[y * this.width + x] as number);
  }

  set(x: number, y: number, v: number): void {
    if (x >= 0 && y >= 0 && x < this.width && y < this.height) this.dots[y * this.width + x] = v;
  }

  fillRect(x: number, y: number, w: number, h: number, v = 1): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      this.dots.fill(v, yy * this.width + Math.max(0, x), yy * this.width + Math.min(this.width, x + w));
    }
  }

  /** Copy `src` with its top-left at (x, y); `or` keeps existing black dots. */
  blit(src: Bitmap, x: number, y: number): void {
    for (let yy = 0; yy < src.height; yy++) {
      for (let xx = 0; xx < src.width; xx++) if (src.get(xx, yy)) this.set(x + xx, y + yy, 1);
    }
  }

  /** Rows of packed bytes, MSB first (ESC/POS raster order). */
  packRows(y0: number, rows: number): { widthBytes: number; data: Uint8Array } {
    const widthBytes = Math.ceil(this.width / 8);
    const data = new Uint8Array(widthBytes * rows);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < this.width; x++) {
        if (this.get(x, y0 + y)) {
          const i = y * widthBytes + (x >> 3);
          data[i] = (data[i] as number) | (0x80 >> (x & 7));
        }
      }
    }
    return { widthBytes, data };
  }

  /** Rows that hold at least one black dot: [first, last], or undefined for a blank image. */
  inkRows(): [number, number] | undefined {
    let first = -1;
    let last = -1;
    for (let y = 0; y < this.height; y++) {
      const row = this.dots.subarray(y * this.width, (y + 1) * this.width);
      if (row.includes(1)) {
        if (first < 0) first = y;
        last = y;
      }
    }
    return first < 0 ? undefined : [first, last];
  }

  static fromPacked(widthBytes: number, height: number, data: Uint8Array): Bitmap {
    const bm = new Bitmap(widthBytes * 8, height);
    for (let i = 0; i < widthBytes * height; i++) {
      const byte = data[i] as number;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) bm.dots[i * 8 + bit] = 1;
    }
    return bm;
  }

  /** Threshold RGBA pixels (alpha over white) to dots. */
  static fromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray, threshold = 128): Bitmap {
    const bm = new Bitmap(width, height);
    for (let i = 0; i < width * height; i++) {
      const a = (rgba[i * 4 + 3] as number) / 255;
      const lum = 0.299 * (rgba[i * 4] as number) + 0.587 * (rgba[i * 4 + 1] as number) + 0.114 * (rgba[i * 4 + 2] as number);
      const onWhite = lum * a + 255 * (1 - a);
      if (onWhite < threshold) bm.dots[i] = 1;
    }
    return bm;
  }
}
