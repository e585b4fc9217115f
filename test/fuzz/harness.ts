/**
 * Fuzzing harness: runs a fast-check property for RUNS cases and measures what the reliability table
 * reports — the slowest case (a hang guard, not a performance assertion: the bound is 100x what any
 * case takes), and the heap retained after the run (after a forced GC), which must stay bounded.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { record } from '../faults/report.js';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** A case that takes this long is a hang (the slowest real case takes well under 50 ms). */
export const HANG_MS = 5_000;
/** Retained heap growth over a whole run that counts as a leak. */
export const MAX_HEAP_GROWTH_MB = 64;
/** The fuzz seed, printed with every failure by fast-check; set FUZZ_SEED to replay one. */
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

setFlagsFromString('--expose-gc');
const forceGc = runInNewContext('gc') as () => void;

export function heapMb(): number {
  forceGc();
  forceGc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export interface FuzzStats {
  cases: number;
  maxCaseMs: number;
  heapGrowthMb: number;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Run `body` on RUNS generated values. `body` may throw only the documented error classes in
 * `allowed` (a codec's own "not a frame" error); anything else — a TypeError, a RangeError from a bad
 * index, a stack overflow — fails the property and fast-check shrinks it to a minimal input.
 */
export function fuzz<T>(arb: fc.Arbitrary<T>, body: (value: T) => void, allowed: readonly ErrorClass[] = []): FuzzStats {
  let maxCaseMs = 0;
  const before = heapMb();
  fc.assert(
    fc.property(arb, (value) => {
      const t0 = performance.now();
      try {
        body(value);
      } catch (err) {
        if (!allowed.some((cls) => err instanceof cls)) throw err;
      }
      const ms = performance.now() - t0;
      maxCaseMs = Math.max(maxCaseMs, ms);
      if (ms > HANG_MS) throw new Error(`case took ${ms.toFixed(0)} ms (hang)`);
    }),
    { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  return { cases: RUNS, maxCaseMs, heapGrowthMb: heapMb() - before };
}

/** Async variant (the request router answers asynchronously). */
export async function fuzzAsync<T>(arb: fc.Arbitrary<T>, body: (value: T) => Promise<void>): Promise<FuzzStats> {
  let maxCaseMs = 0;
  const before = heapMb();
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      const t0 = performance.now();
      await body(value);
      const ms = performance.now() - t0;
      maxCaseMs = Math.max(maxCaseMs, ms);
      if (ms > HANG_MS) throw new Error(`case took ${ms.toFixed(0)} ms (hang)`);
    }),
    { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  return { cases: RUNS, maxCaseMs, heapGrowthMb: heapMb() - before };
}

/**
 * A byte stream as a device might send it: valid frames from `frame` mixed with junk, then a few bytes
 * flipped, then cut into chunks at arbitrary points (as a serial port or TCP delivers them).
 */
export function stream(frame: fc.Arbitrary<Uint8Array>, maxPieces = 8): fc.Arbitrary<{ chunks: Uint8Array[]; pristine: boolean }> {
  return fc
    .tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: frame }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }) }), { maxLength: maxPieces }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    )
    .map(([pieces, cuts, flips]) => {
      const bytes = Buffer.concat(pieces);
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      const points = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let from = 0;
      for (const p of [...points, bytes.length]) {
        chunks.push(Uint8Array.from(bytes.subarray(from, p)));
        from = p;
      }
      return { chunks, pristine: flips.length === 0 };
    });
}

/** Plain random chunks (no structure at all). */
export const randomChunks = fc.array(fc.uint8Array({ maxLength: 96 }), { maxLength: 12 });

/**
 * Collects the stats of several fuzz targets (checking each one's heap growth) and writes one row of
 * docs/reliability.md per family of decoders once they have all run.
 */
export function fuzzReport(test: string, behaviour: string, lostOrDuplicated: string): {
  check: (name: string, stats: FuzzStats) => void;
  row: (id: string, what: string, names: string[]) => void;
} {
  const results: Record<string, FuzzStats> = {};
  return {
    check: (name, stats) => {
      const prev = results[name];
      results[name] = prev
        ? { cases: prev.cases + stats.cases, maxCaseMs: Math.max(prev.maxCaseMs, stats.maxCaseMs), heapGrowthMb: Math.max(prev.heapGrowthMb, stats.heapGrowthMb) }
        : stats;
      expect(stats.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
    },
    row: (id, what, names) => {
      const s = names.map((n) => results[n]).filter((x): x is FuzzStats => x !== undefined);
      if (s.length !== names.length) return;
      record({
        id,
        section: 'input',
        what,
        inFlight: `${s.reduce((a, x) => a + x.cases, 0).toLocaleString('en')} cases (${names.length} decoders, >= ${RUNS.toLocaleString('en')} each)`,
        behaviour,
        figure: `slowest case ${Math.max(...s.map((x) => x.maxCaseMs)).toFixed(1)} ms; heap growth ${Math.max(...s.map((x) => x.heapGrowthMb)).toFixed(1)} MB`,
        lostOrDuplicated,
        test,
      });
    },
  };
}
