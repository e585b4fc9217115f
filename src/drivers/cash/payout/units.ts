/**
 * Running one payout unit and learning what really left it. The device's own counters decide, never
 * the events alone: the recycler's stored levels before and after, a hopper's lifetime dispense count
 * before and after. Events only feed the progress shown to the UI (journaled as they come).
 */
import type { Clock } from '../../../core/clock.js';
import { KioskError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { HopperUnit } from '../cctalk/hopper-unit.js';
import type { SspEvent } from '../ssp/commands.js';
import { valueIn, type SspLevel } from '../ssp/payout.js';
import type { NoteRecycler } from '../ssp/recycler.js';

export interface UnitOutcome {
  dispensed: Record<string, number>;
  paid: number;
  fault: string | null;
}

export interface UnitDeps {
  clock: Clock;
  log: Logger;
  pollMs: number;
  /** One validator poll; note events are handled by the caller, all events returned. */
  poll(): Promise<SspEvent[]>;
  /** The unit reported `paid` so far (journal, then event). */
  progress(paid: number): Promise<void>;
}

/** Notes taken out of the store between two level readings, by value. */
export function levelDiff(before: Record<string, number>, after: readonly SspLevel[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of after) {
    const n = (before[String(l.value)] ?? 0) - l.count;
    if (n > 0) out[String(l.value)] = n;
  }
  return out;
}

export const valueOfCounts = (c: Record<string, number>): number => Object.entries(c).reduce((a, [v, n]) => a + Number(v) * n, 0);

/** Pay `amount` from the recycler; resolves when the device says it ended (dispensed, jammed, short...). */
export async function runRecycler(
  recycler: NoteRecycler, amount: number, currency: string, before: Record<string, number>, d: UnitDeps,
): Promise<UnitOutcome> {
  try {
    await recycler.payout(amount, currency);
  } catch (err) {
    if (err instanceof KioskError && err.code === 'CASH_CHANGE_NOT_PAYABLE') {
      d.log.warn({ amount, reason: err.message }, 'recycler refused the payout: coins will pay what they can');
      return { dispensed: {}, paid: 0, fault: null };
    }
    throw err;
  }
  let reported = 0;
  /** What the device said it paid when it stopped (DISPENSED, JAMMED, HALTED, INCOMPLETE PAYOUT). */
  let final: number | undefined;
  let fault: string | null = null;
  // GA138: a note takes a few seconds; the deadline only guards against a device that never ends
  const deadline = d.clock.monotonic() + 30_000 + amount;
  for (let done = false; !done; ) {
    for (const e of await d.poll()) {
      const v = e.payout ? valueIn(e.payout, currency) : 0;
      if (e.name === 'dispensing' && v > reported) {
        reported = v;
        await d.progress(v);
      } else if (e.name === 'dispensed') [done, final] = [true, v];
      else if (e.name === 'payoutJammed') [done, fault, final] = [true, 'CASH_PAYOUT_JAM', v];
      else if (e.name === 'incompletePayout') {
        const inc = e.payout?.incomplete?.find((x) => x.currency === currency);
        [done, fault, final] = [true, 'CASH_PAYOUT_SHORT', inc?.dispensed];
      } else if (e.name === 'halted' || e.name === 'payoutTimeout' || e.name === 'errorDuringPayout') {
        [done, fault, final] = [true, 'CASH_PAYOUT_SHORT', v];
      }
    }
    if (!done && d.clock.monotonic() > deadline) {
      await recycler.halt();
      fault = 'TIMEOUT';
    }
    if (!done) await d.clock.sleep(d.pollMs);
  }
  const dispensed = levelDiff(before, await recycler.levels());
  // a note that left the store but stuck in the path (a jam) was not paid: the device's own figure counts
  if (final !== undefined && final < valueOfCounts(dispensed)) {
    const stuck = withoutStuck(dispensed, valueOfCounts(dispensed) - final);
    d.log.warn({ paid: final, stuck }, 'notes left the store without reaching the customer: a technician clears them');
  }
  const paid = valueOfCounts(dispensed);
  if (paid !== reported && fault === null) d.log.warn({ reported, paid }, 'recycler events and levels disagree: the levels count');
  return { dispensed, paid, fault: paid < amount && fault === null ? 'CASH_PAYOUT_SHORT' : fault };
}

/** Take `value` worth of notes out of `dispensed` (smallest first); returns what was taken out. */
function withoutStuck(dispensed: Record<string, number>, value: number): Record<string, number> {
  const stuck: Record<string, number> = {};
  let left = value;
  for (const v of Object.keys(dispensed).map(Number).sort((a, b) => a - b)) {
    while (left >= v && (dispensed[String(v)] ?? 0) > 0) {
      dispensed[String(v)] = (dispensed[String(v)] ?? 0) - 1;
      if (dispensed[String(v)] === 0) delete dispensed[String(v)];
      stuck[String(v)] = (stuck[String(v)] ?? 0) + 1;
      left -= v;
    }
  }
  return stuck;
}

/** Read a hopper's lifetime count, waiting (bounded) for it to answer and to finish a running dispense. */
export async function settledCount(h: HopperUnit, clock: Clock, waitMs = 15_000): Promise<number | undefined> {
  const end = clock.monotonic() + waitMs;
  while (clock.monotonic() < end) {
    try {
      const s = await h.status();
      if (s.remaining === 0) return await h.dispenseCount();
    } catch {
      // no answer: power cut or unplugged; try again until the deadline
    }
    await clock.sleep(200);
  }
  return undefined;
}

/** Pay `count` coins from one hopper (in chunks of 255). Throws when the hopper cannot be read after. */
export async function runHopper(h: HopperUnit, count: number, before: number, d: UnitDeps): Promise<UnitOutcome> {
  let asked = 0;
  let reported = 0;
  try {
    while (asked < count) {
      const n = Math.min(255, count - asked);
      await h.dispense(n);
      asked += n;
      for (;;) {
        await d.clock.sleep(d.pollMs);
        const s = await h.status();
        const paidNow = asked - n + s.paid;
        if (paidNow > reported) {
          reported = paidNow;
          await d.progress(paidNow * h.value);
        }
        if (s.remaining === 0) break;
      }
      if (reported < asked) break;
    }
  } catch (err) {
    d.log.warn({ address: h.address, message: (err as Error).message }, 'hopper stopped answering mid-dispense: its dispense count decides');
  }
  const after = await settledCount(h, d.clock);
  if (after === undefined) throw new KioskError('CASH_NO_REPLY', `hopper ${h.address} does not answer: the payout is settled at the next start`);
  const coins = Math.max(0, after - before);
  let fault: string | null = null;
  if (coins < count) {
    const t = await h.test().catch(() => undefined);
    fault = t?.jammed ? 'CASH_PAYOUT_JAM' : t?.timedOut ? 'CASH_PAYOUT_EMPTY' : 'CASH_PAYOUT_SHORT';
  }
  return { dispensed: coins > 0 ? { [String(h.value)]: coins } : {}, paid: coins * h.value, fault };
}
