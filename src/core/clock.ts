/**
 * Time, injected so that tests never depend on the wall clock, and timers that cannot be lost.
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
}

/** The platform's timers, as the system clock uses them (a seam for testing the re-arming). */
export interface PlatformTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  unref(handle: unknown): void;
}

const nodeTimers: PlatformTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
  unref: (h) => (h as NodeJS.Timeout).unref(),
};

/**
 * A deadline timer on top of platform timers that may fire early: re-armed until `monotonic()` has
 * reached the due time. Intervals re-arm themselves from their last due time.
 */
class DeadlineTimer implements Timer {
  private handle: unknown;
  private live = true;
  private unrefd = false;

  constructor(
    private readonly platform: PlatformTimers,
    private readonly mono: () => number,
    private readonly fn: () => void,
    private due: number,
    private readonly period: number | undefined,
  ) {
    this.arm();
  }

  get pending(): boolean {
    return this.live;
  }

  cancel(): void {
    this.live = false;
    if (this.handle !== undefined) this.platform.clear(this.handle);
    this.handle = undefined;
  }

  unref(): Timer {
    this.unrefd = true;
    if (this.handle !== undefined) this.platform.unref(this.handle);
    return this;
  }

  private arm(): void {
    // Node rounds a fractional delay down: ask for whole milliseconds, at least 1 when not yet due
    const wait = this.due - this.mono();
    this.handle = this.platform.set(() => this.check(), wait <= 0 ? 0 : Math.max(1, Math.ceil(wait)));
    if (this.unrefd) this.platform.unref(this.handle);
  }

  private check(): void {
    this.handle = undefined;
    if (!this.live) return;
    const now = this.mono();
    if (now < this.due) {
      this.arm(); // fired early: not lost, armed again for the rest
      return;
    }
    if (this.period === undefined) {
      this.live = false;
    } else {
      this.due += this.period;
      if (this.due <= now) this.due = now + this.period; // fell behind: skip, no burst
      this.arm();
    }
    this.fn();
  }
}

/** A clock on the system's time, with timers on `platform` (Node's by default). */
export function createSystemClock(platform: PlatformTimers = nodeTimers, mono: () => number = () => performance.now()): Clock {
  return {
    now: () => Date.now(),
    monotonic: mono,
    iso: () => new Date().toISOString(),
    setTimeout: (fn, ms) => new DeadlineTimer(platform, mono, fn, mono() + Math.max(0, ms), undefined),
    setInterval: (fn, ms) => new DeadlineTimer(platform, mono, fn, mono() + Math.max(1, ms), Math.max(1, ms)),
    clearTimeout: (t) => t?.cancel(),
    clearInterval: (t) => t?.cancel(),
  };
}

export const systemClock: Clock = createSystemClock();

/** Sleep on `clock` that an AbortSignal cuts short (rejects with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export { ErraticClock, ManualClock } from './test-clocks.js';
