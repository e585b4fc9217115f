/**
 * The Clock contract: time, injected so that tests never depend on the wall clock, and timers that
 * cannot be lost. Implemented by the system clock (src/core/clock.ts, which everyone imports) and the
 * test clocks (src/core/test-clocks.ts); kept apart from both so that neither imports the other.
 *
 * Every timer a driver, the runtime or a protocol arms goes through a {@link Clock}, so a test can move
 * time instead of sleeping ({@link ManualClock}), or make timers fire early and late
 * ({@link ErraticClock}) to prove that no deadline is lost. The contract of the timer methods:
 *
 * - `setTimeout(fn, ms)` runs `fn` once, when `monotonic()` has advanced by at least `ms` since the call.
 *   Never earlier: Node's own timers can fire a millisecond or two before `performance.now()` says the
 *   time has come, so the system clock re-arms until the deadline has really passed. Possibly later (a
 *   busy event loop). `ms` below 0 counts as 0.
 * - `setInterval(fn, ms)` runs `fn` every `ms`, each run no earlier than its due time; runs that fell
 *   behind (a blocked event loop) are skipped, not run in a burst.
 * - `clearTimeout` / `clearInterval` (or `timer.cancel()`) stop a timer; `undefined`, an already fired or
 *   an already cancelled timer are fine. The two are interchangeable.
 * - A callback that throws: with the system clock an uncaught exception (as with Node's timers); with a
 *   manual clock the throw comes out of `advance()`. Callbacks should not throw.
 * - `timer.unref()` lets the process exit while the timer is pending (Node semantics; no-op elsewhere).
 * - `sleep(ms, signal)` is a promise on `setTimeout`: resolves no earlier than `ms`, rejects with the
 *   signal's reason when it aborts. Code that polls or backs off sleeps on its clock, never on Node's.
 *
 * Wall time (`now`, `iso`) may jump (NTP, a technician); use `monotonic()` for durations and deadlines.
 */

export interface Timer {
  /** Stop the timer; safe to call more than once. */
  cancel(): void;
  /** True until it has fired (a timeout) or been cancelled. */
  readonly pending: boolean;
  /** Do not keep the process alive for this timer. Returns the timer. */
  unref(): Timer;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch (may jump when NTP steps the clock). */
  now(): number;
  /** Monotonic milliseconds, for durations and timeouts (never jumps). */
  monotonic(): number;
  /** ISO 8601 of `now()`. */
  iso(): string;
  /** Run `fn` once, no earlier than `ms` of monotonic time from now (see the file's contract). */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Run `fn` every `ms` of monotonic time, never early, never in a catch-up burst. */
  setInterval(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
  clearInterval(timer: Timer | undefined): void;
  /** Resolve after `ms` of monotonic time; reject with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
