/** The change planner against brute force: the smallest remainder that cannot be paid, exact lines within stock. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPayout, type Stock } from '../../../src/drivers/cash/payout/plan.js';

/** Every payable sum up to `amount` by enumerating counts (small stocks only). */
function bruteBest(amount: number, stock: readonly Stock[]): number {
  let best = 0;
  const walk = (i: number, sum: number): void => {
    if (sum > amount) return;
    best = Math.max(best, sum);
    const s = stock[i];
    if (!s) return;
    for (let n = 0; n <= s.count; n++) walk(i + 1, sum + n * s.value);
  };
  walk(0, 0);
  return best;
}

const stockArb = fc.array(
  fc.record({ value: fc.constantFrom(10, 20, 50, 100, 200, 500, 1000, 2000, 30, 70), count: fc.nat(4), source: fc.constantFrom<'recycler' | 'hopper'>('recycler', 'hopper') }),
  { maxLength: 5 },
);

describe('planPayout', () => {
  it('pays as much as brute force finds, with lines inside the stock that sum to what it says', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6000 }), stockArb, (amount, stock) => {
      const plan = planPayout(amount, stock);
      expect(plan.payable).toBe(bruteBest(amount, stock));
      expect(plan.payable + plan.remainder).toBe(amount);
      expect(plan.lines.reduce((a, l) => a + l.value * l.count, 0)).toBe(plan.payable);
      for (const l of plan.lines) {
        const have = stock.filter((s) => s.value === l.value && s.source === l.source).reduce((a, s) => a + s.count, 0);
        expect(l.count).toBeLessThanOrEqual(have);
      }
    }), { numRuns: 2000 });
  });

  it('prefers large denominations: 700 from notes of 500 and coins of 100/200 is one note and one coin', () => {
    const plan = planPayout(700, [{ value: 500, count: 3, source: 'recycler' }, { value: 100, count: 9, source: 'hopper', address: 3 }, { value: 200, count: 9, source: 'hopper', address: 4 }]);
    expect(plan.lines).toEqual([{ value: 500, count: 1, source: 'recycler' }, { value: 200, count: 1, source: 'hopper', address: 4 }]);
  });

  it('nothing in stock: nothing payable', () => {
    expect(planPayout(500, [])).toEqual({ amount: 500, payable: 0, remainder: 500, lines: [] });
  });
});
