/**
 * Time, injected: the {@link Clock} contract (src/core/clock-contract.ts, with its timer semantics), the
 * system clock on Node's timers, `sleep`, and the test clocks ({@link ManualClock}, {@link ErraticClock}).
 */
import type { Clock, Timer } from './clock-contract.js';

export type { Clock, Timer } from './clock-contract.js';

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
