/** Small statistics for the load run: percentiles and a least-squares slope. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** Slope (y per x) and the residual standard deviation of the least-squares line through the points. */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): { slope: number; residualSd: number } {
  const n = points.length;
  if (n < 3) return { slope: 0, residualSd: 0 };
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const resid = points.map(([x, y]) => y - (my + slope * (x - mx)));
  return { slope, residualSd: Math.sqrt(resid.reduce((a, r) => a + r * r, 0) / (n - 2)) };
}
