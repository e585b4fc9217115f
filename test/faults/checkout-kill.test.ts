/**
 * A small kill loop in `npm test` (issue 16): SIGKILL of the daemon at randomised points of checkouts
 * (cash, card, split); after each restart the journal, the simulators' own records and the outcomes
 * agree. The full loop (100 checkouts, report committed) is `npm run test:checkout-kill`.
 */
import { describe, expect, it } from 'vitest';
import { hasMosquitto } from '../helpers/env.js';
import { runKillLoop } from './checkout-kill-loop.js';

const ITERATIONS = Number(process.env.KIOSKD_CHECKOUT_KILLS ?? 8);
const SEED = Number(process.env.KIOSKD_CHECKOUT_SEED ?? Math.floor(Math.random() * 1e9));

describe.skipIf(!hasMosquitto)('checkout survives kill -9 at random points', () => {
  it(`${ITERATIONS} checkouts, each killed once: nothing charged twice, no credit lost, no receipt twice (seed ${SEED})`, async () => {
    const lines: string[] = [];
    const report = await runKillLoop({ iterations: ITERATIONS, seed: SEED, log: (l) => lines.push(l) });
    expect(report.violations, `seed ${SEED}\n${lines.join('\n')}`).toEqual([]);
    expect(report.runs.every((r) => r.final !== 'unknown'), lines.join('\n')).toBe(true);
    expect(report.totals.stackedByValidator).toBe(report.totals.creditedInJournal);
  }, 600_000);
});
