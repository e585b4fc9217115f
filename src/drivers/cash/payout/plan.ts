/**
 * Which denominations pay an amount, pure: bounded change-making over what the recycler and the
 * hoppers hold. Finds the largest payable part of the amount (so `remainder` is the smallest that cannot
 * be paid), preferring large denominations, in O(amount / gcd x denominations).
 */

export interface Stock {
  value: number;
  count: number;
  source: 'recycler' | 'hopper';
  /** The hopper's bus address (hoppers only). */
  address?: number;
}

export interface PlanLine {
  value: number;
  count: number;
  source: 'recycler' | 'hopper';
  address?: number;
}

export interface Plan {
  amount: number;
  payable: number;
  remainder: number;
  lines: PlanLine[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Bigger than any kiosk payout, in steps of the smallest unit: refuse rather than spend seconds. */
const MAX_STEPS = 2_000_000;

export function planPayout(amount: number, stock: readonly Stock[]): Plan {
  const usable = stock.filter((s) => s.count > 0 && s.value > 0 && s.value <= amount).sort((a, b) => b.value - a.value);
  const unit = usable.reduce((g, s) => gcd(g, s.value), 0);
  if (unit === 0 || amount <= 0) return { amount, payable: 0, remainder: amount, lines: [] };
  const steps = Math.floor(amount / unit);
  if (steps > MAX_STEPS) throw new RangeError('amount too large to plan');
  const reach = new Uint8Array(steps + 1);
  reach[0] = 1;
  // used[d][s]: how many of denomination d make step s, first way found (larger denominations first)
  const used: Uint32Array[] = [];
  for (const s of usable) {
    const step = s.value / unit;
    const u = new Uint32Array(steps + 1);
    for (let x = step; x <= steps; x++) {
      if (reach[x] || !reach[x - step]) continue;
      const n = (u[x - step] ?? 0) + 1;
      if (n > s.count) continue;
      reach[x] = 1;
      u[x] = n;
    }
    used.push(u);
  }
  let best = steps;
  while (best > 0 && !reach[best]) best--;
  const lines: PlanLine[] = [];
  let x = best;
  for (let d = usable.length - 1; d >= 0 && x > 0; d--) {
    const s = usable[d];
    const n = used[d]?.[x] ?? 0;
    if (!s || n === 0) continue;
    lines.unshift({ value: s.value, count: n, source: s.source, ...(s.address !== undefined ? { address: s.address } : {}) });
    x -= (n * s.value) / unit;
  }
  const payable = best * unit;
  return { amount, payable, remainder: amount - payable, lines: merge(lines) };
}

function merge(lines: PlanLine[]): PlanLine[] {
  const out: PlanLine[] = [];
  for (const l of lines) {
    const same = out.find((o) => o.value === l.value && o.source === l.source && o.address === l.address);
    if (same) same.count += l.count;
    else out.push({ ...l });
  }
  return out.sort((a, b) => b.value - a.value);
}

export function planValue(lines: readonly PlanLine[], source?: 'recycler' | 'hopper'): number {
  return lines.filter((l) => !source || l.source === source).reduce((a, l) => a + l.value * l.count, 0);
}
