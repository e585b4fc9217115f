/** Small statistics for benchmark samples (milliseconds unless stated). */

/** The q-quantile (0..1) of the samples, by nearest rank on a sorted copy. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  const mean = n ? samples.reduce((a, b) => a + b, 0) / n : Number.NaN;
  return { n, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: n ? Math.max(...samples) : Number.NaN, mean };
}

/** A figure for the table: fixed decimals, NaN as a dash. */
export function fmt(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export function ratio(value: number, floor: number): number {
  return floor > 0 ? value / floor : Number.NaN;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
