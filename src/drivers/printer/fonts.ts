/**
 * Loads @napi-rs/canvas (only when a raster is needed) and registers the receipt fonts explicitly, by
 * path. A missing or unreadable font is FONT_MISSING, never a silent fallback to whatever the system
 * has: a receipt in the wrong font (or tofu) must not reach a citizen.
 */
import { existsSync } from 'node:fs';
import { KioskError } from '../../core/errors.js';
import type { FontPaths } from './config.js';

export type CanvasModule = typeof import('@napi-rs/canvas');

/** Font families as registered; the renderer's font stacks use only these. */
export const FAMILY = { sans: 'KioskSans', arabic: 'KioskArabic', cjk: 'KioskCJK', mono: 'KioskMono' } as const;

const FILES: ReadonlyArray<[keyof FontPaths, string]> = [
  ['latin', FAMILY.sans], ['latinBold', FAMILY.sans],
  ['arabic', FAMILY.arabic], ['arabicBold', FAMILY.arabic],
  ['cjk', FAMILY.cjk], ['cjkBold', FAMILY.cjk],
  ['mono', FAMILY.mono], ['monoBold', FAMILY.mono],
];

let canvasModule: Promise<CanvasModule> | undefined;
const registered = new Map<string, string>();

/** Whether canvas has been imported in this process (text-only receipts never import it). */
export function isCanvasLoaded(): boolean {
  return canvasModule !== undefined;
}

/** Import the canvas module once. */
export function loadCanvas(): Promise<CanvasModule> {
  canvasModule ??= import('@napi-rs/canvas');
  return canvasModule;
}

/**
 * Canvas with every receipt font registered. Throws FONT_MISSING naming the missing file and the
 * config key (the defaults come from npm packages: src/drivers/printer/font-files.ts).
 */
export async function loadFonts(paths: FontPaths): Promise<CanvasModule> {
  const canvas = await loadCanvas();
  for (const [key, family] of FILES) {
    const path = paths[key];
    if (registered.get(`${family}:${key}`) === path) continue;
    if (!existsSync(path)) {
      throw new KioskError(
        'FONT_MISSING',
        `font "${key}" not found at ${path}: run npm ci in kioskd's directory (its fonts come from npm) or set devices.printer.fonts.${key} to a TTF/OTF file`,
        { details: { font: key, path } },
      );
    }
    if (canvas.GlobalFonts.registerFromPath(path, family) === null) {
      throw new KioskError('FONT_MISSING', `font "${key}" at ${path} could not be loaded (not a TTF/OTF font?): set devices.printer.fonts.${key} to one`, { details: { font: key, path } });
    }
    registered.set(`${family}:${key}`, path);
  }
  return canvas;
}
