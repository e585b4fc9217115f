/**
 * Garbage collection during and after renders. A receipt's raster passes through large short-lived
 * buffers (canvas pixels, decoded PNGs, bands): tens of MB that V8 frees only when its external-memory
 * heuristic decides to collect (about +64 MB), so a worst-case preview peaked ~70 MB above the idle
 * daemon, and renders in a row stacked their garbage (test/faults/bounded-work.test.ts). Collecting
 * before and after each render, and whenever array buffers have grown by 8 MB during one, costs a few
 * milliseconds per receipt and keeps the peak near what a receipt really holds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const GROWTH = 8 * 1024 * 1024;
let gc: (() => void) | undefined | null = null;
let baseline = 0;

function load(): (() => void) | undefined {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  return gc;
}

/** A full collection now (after a render). */
export function collectGarbage(): void {
  load()?.();
  baseline = process.memoryUsage().arrayBuffers;
}

/** A collection if array buffers grew by 16 MB since the last one (called between render slices). */
export function collectIfGrown(): void {
  if (process.memoryUsage().arrayBuffers - baseline > GROWTH) collectGarbage();
}
