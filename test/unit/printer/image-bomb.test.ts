/** A small PNG that declares a huge size is refused from its header, before anything is inflated. */
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../src/drivers/printer/images.js';

function pngHeader(width: number, height: number): string {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 0, 0, 0, 0], 16); // 8-bit grey
  return Buffer.concat([sig, ihdr, Buffer.alloc(64)]).toString('base64');
}

describe('PNG decompression bomb', () => {
  it('refuses a 12000 x 12000 declaration without decoding it', async () => {
    const before = process.memoryUsage().rss;
    await expect(decodePng(pngHeader(12000, 12000), 576)).rejects.toThrow(/at most 4000000 pixels/);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });
});
