/**
 * The system clock: deadline timers on platform timers (Node's), re-armed when they fire early, so a
 * timer is never run before its deadline by `monotonic()` (contract: ./clock-contract.ts).
 */
import type { Clock, Timer } from './clock-contract.js';

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
    private readonly onDone: (t: DeadlineTimer) => void,
  ) {
    this.arm();
  }

  get pending(): boolean {
    return this.live;
  }

  /** When it is due, by monotonic time. */
  get dueAt(): number {
    return this.due;
  }

  cancel(): void {
    if (this.live) this.onDone(this);
    this.live = false;
    if (this.handle !== undefined) this.platform.clear(this.handle);
    this.handle = undefined;
  }

  unref(): Timer {
    this.unrefd = true;
    if (this.handle !== undefined) this.platform.unref(this.handle);
    return this;
  }

  /** Arm the platform timer again for what is left (the monotonic source moved). */
  rearm(): void {
    if (!this.live) return;
    if (this.handle !== undefined) this.platform.clear(this.handle);
    this.arm();
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
      this.onDone(this);
    } else {
      this.due += this.period;
      if (this.due <= now) this.due = now + this.period; // fell behind: skip, no burst
      this.arm();
    }
    this.fn();
  }
}

/**
 * A clock on a monotonic source and a wall source, with deadline timers on platform timers. It keeps
 * its pending timers so that a subclass whose time source moves (a test's clock) can re-arm them.
 */
export class PlatformClock implements Clock {
  private readonly live = new Set<DeadlineTimer>();

  constructor(
    private readonly platform: PlatformTimers = nodeTimers,
    private readonly mono: () => number = () => performance.now(),
    private readonly wall: () => number = () => Date.now(),
  ) {}

  now(): number {
    return this.wall();
  }

  monotonic(): number {
    return this.mono();
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.track(fn, Math.max(0, ms), undefined);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.track(fn, Math.max(1, ms), Math.max(1, ms));
  }

  clearTimeout(timer: Timer | undefined): void {
    timer?.cancel();
  }

  clearInterval(timer: Timer | undefined): void {
    timer?.cancel();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleep(ms, signal, this);
  }

  /** Timers still pending. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Re-arm every pending timer, earliest first, against the monotonic time as it reads now. */
  protected rearmAll(): void {
    for (const t of [...this.live].sort((a, b) => a.dueAt - b.dueAt)) t.rearm();
  }

  private track(fn: () => void, delay: number, period: number | undefined): Timer {
    const mono = (): number => this.monotonic();
    const t = new DeadlineTimer(this.platform, mono, fn, mono() + delay, period, (done) => this.live.delete(done));
    this.live.add(t);
    return t;
  }
}

/** A clock on the system's time, with timers on `platform` (Node's by default). */
export function createSystemClock(platform: PlatformTimers = nodeTimers, mono: () => number = () => performance.now()): Clock {
  return new PlatformClock(platform, mono);
}

export const systemClock: Clock = createSystemClock();

/** Sleep on `clock` that an AbortSignal cuts short (rejects with the signal's reason). */
export function sleep(ms: number, signal: AbortSignal | undefined, clock: Pick<Clock, 'setTimeout'>): Promise<void> {
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
