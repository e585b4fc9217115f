/**
 * Moving a test's clock instead of sleeping. A {@link ManualClock} moves only here, in small steps, with
 * the event loop turning after each step so that I/O callbacks (an in-memory pipe, a PTY) and promise
 * chains run before time moves on: a reply that arrives "at once" arrives before a timeout armed for later.
 */
import type { ManualClock } from '../../src/core/clock.js';

/** Let the event loop turn `n` times (promise chains, setImmediate, I/O callbacks). */
export async function turns(n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Move `clock` forward by `ms`, `stepMs` at a time, letting the event loop turn after each step. */
export async function elapse(clock: ManualClock, ms: number, stepMs = 5): Promise<void> {
  for (let left = ms; left > 0; left -= stepMs) {
    await clock.advanceAsync(Math.min(stepMs, left));
    await turns();
  }
}

/** Move `clock` on in steps until `cond()` holds; fails after `maxMs` of clock time. */
export async function until(clock: ManualClock, cond: () => boolean, what = 'condition', o: { stepMs?: number; maxMs?: number } = {}): Promise<void> {
  const stepMs = o.stepMs ?? 5;
  const maxMs = o.maxMs ?? 60_000;
  await turns();
  for (let t = 0; !cond(); t += stepMs) {
    if (t > maxMs) throw new Error(`never happened within ${maxMs} ms of clock time: ${what}`);
    await elapse(clock, stepMs, stepMs);
  }
}

/** Move `clock` on in steps until `p` settles, and settle as it does. */
export async function settle<T>(clock: ManualClock, p: Promise<T>, o: { stepMs?: number; maxMs?: number } = {}): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await until(clock, () => done, 'the promise to settle', o);
  return p;
}
