/** Compare a rendered receipt with a golden image, dot by dot (the printer is 1 bit: red channel). */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Anti-aliased glyph edges may move by a dot between Skia builds; a wrong shaping changes thousands. */
export const MAX_DIFF_RATIO = 0.002;

export function compareToGolden(actual: Buffer, goldenPath: string): { diff: number; total: number; sizeMatch: boolean } {
  const a = PNG.sync.read(actual);
  const g = PNG.sync.read(readFileSync(goldenPath));
  if (a.width !== g.width || a.height !== g.height) return { diff: Infinity, total: a.width * a.height, sizeMatch: false };
  let diff = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data[i] !== g.data[i]) diff++;
  return { diff, total: a.width * a.height, sizeMatch: true };
}
