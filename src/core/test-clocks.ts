/**
 * Clocks for tests: {@link ManualClock} moves only when told to and fires the timers that come due;
 * {@link ErraticClock} is one whose timers fire early and late, as platform timers do (and worse), to
 * prove that code comparing against a deadline re-arms instead of losing it; {@link WarpClock} runs in
 * real time (for tests with real I/O) and skips ahead when told to, instead of a test sleeping.
 */
import type { Clock, Timer } from './clock-contract.js';
import { PlatformClock, sleep } from './system-clock.js';

interface Scheduled {
  readonly seq: number;
  /** When the timer is due by the contract. */
  due: number;
  /** When it will actually fire (equal to `due` on a ManualClock). */
  fireAt: number;
  readonly period: number | undefined;
  readonly fn: () => void;
  live: boolean;
}

/** A clock whose time moves only when told to; its timers fire inside {@link advance}. */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
  private seq = 0;
  private readonly timers: Scheduled[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  iso(): string {
    return new Date(this.wall).toISOString();
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, Math.max(0, ms), undefined);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, Math.max(1, ms), Math.max(1, ms));
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

  /** Timers still to fire. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Monotonic time at which the next timer fires, if any. */
  get nextFireAt(): number | undefined {
    return this.next()?.fireAt;
  }

  /**
   * Move both clocks forward by `ms`, firing every timer that comes due on the way, in order, with
   * `monotonic()` reading each one's firing time while it runs (timers armed by a callback fire too if
   * they come due within the step).
   */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (let t = this.next(); t && t.fireAt <= target; t = this.next()) this.fire(t);
    this.moveTo(target);
  }

  /** As {@link advance}, letting promise callbacks and I/O callbacks run after each timer. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (let t = this.next(); t && t.fireAt <= target; t = this.next()) {
      this.fire(t);
      await new Promise((r) => setImmediate(r));
    }
    this.moveTo(target);
    await new Promise((r) => setImmediate(r));
  }

  /** Jump the wall clock only, as NTP does. */
  jump(ms: number): void {
    this.wall += ms;
  }

  /** When a timer due at `due` fires; a ManualClock is exact. */
  protected fireTimeFor(due: number): number {
    return due;
  }

  /** A timer due at `due` fires at `at` (hook for subclasses). */
  protected noteFired(due: number, at: number): void {
    void due;
    void at;
  }

  private schedule(fn: () => void, delay: number, period: number | undefined): Timer {
    const due = this.mono + delay;
    const s: Scheduled = { seq: this.seq++, due, fireAt: this.fireTimeFor(due), period, fn, live: true };
    this.timers.push(s);
    const timer: Timer = {
      cancel: () => {
        if (!s.live) return;
        s.live = false;
        const i = this.timers.indexOf(s);
        if (i >= 0) this.timers.splice(i, 1);
      },
      get pending() {
        return s.live;
      },
      unref: () => timer,
    };
    return timer;
  }

  private next(): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.timers) if (t.live && (!best || t.fireAt < best.fireAt || (t.fireAt === best.fireAt && t.seq < best.seq))) best = t;
    return best;
  }

  private fire(t: Scheduled): void {
    this.moveTo(Math.max(this.mono, t.fireAt));
    this.noteFired(t.due, this.mono);
    if (t.period === undefined) {
      t.live = false;
      const i = this.timers.indexOf(t);
      if (i >= 0) this.timers.splice(i, 1);
    } else {
      t.due += t.period;
      if (t.due <= this.mono) t.due = this.mono + t.period;
      t.fireAt = this.fireTimeFor(t.due);
    }
    t.fn();
  }

  private moveTo(mono: number): void {
    this.wall += mono - this.mono;
    this.mono = mono;
  }
}

/**
 * A manual clock whose timers fire off their due time: each one somewhere between `earlyMs` before and
 * `lateMs` after it (seeded, repeatable). Early firing breaks the Clock contract on purpose: it is what
 * a platform timer does, and code that compares against a deadline must re-arm rather than lose it.
 */
export class ErraticClock extends ManualClock {
  private state: number;
  /** How many timers fired before / after their due time (so a test can show it really tested that). */
  firedEarly = 0;
  firedLate = 0;

  constructor(private readonly o: { earlyMs: number; lateMs: number; seed?: number; start?: number }) {
    super(o.start);
    this.state = (o.seed ?? 1) >>> 0 || 1;
  }

  protected override fireTimeFor(due: number): number {
    // mulberry32: small, seeded, good enough to spread firing times
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    const r = ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
    return Math.max(0, due - this.o.earlyMs + r * (this.o.earlyMs + this.o.lateMs));
  }

  protected override noteFired(due: number, at: number): void {
    if (at < due) this.firedEarly++;
    else if (at > due) this.firedLate++;
  }
}

/**
 * Real time that a test can move forward. Timers run on the system's timers, exactly as in production,
 * so real I/O (PTYs, sockets, a broker) keeps flowing; {@link advance} moves monotonic and wall time
 * forward at once and fires every timer that comes due, so a test skips a protocol timeout, a backoff
 * or a poll interval instead of sleeping through it. {@link jump} moves the wall clock only (NTP).
 */
export class WarpClock extends PlatformClock {
  private readonly skew: { mono: number; wall: number };
  /** Every advance and jump, in order (ms), for a test's report. */
  readonly moves: Array<{ kind: 'advance' | 'jump'; ms: number }> = [];

  constructor() {
    const skew = { mono: 0, wall: 0 };
    super(undefined, () => performance.now() + skew.mono, () => Date.now() + skew.wall);
    this.skew = skew;
  }

  /**
   * Move time forward by `ms`. Resolves once the timers that came due have run (their callbacks; what
   * they start, e.g. a write and its answer, goes on asynchronously as usual).
   */
  async advance(ms: number): Promise<void> {
    if (ms < 0) throw new RangeError('time only moves forward');
    this.skew.mono += ms;
    this.skew.wall += ms;
    this.moves.push({ kind: 'advance', ms });
    this.rearmAll();
    // the timers that came due are armed for the next timers phase, before this one (same delay, FIFO)
    await new Promise((resolve) => setTimeout(resolve, 1));
  }

  /** Jump the wall clock only (either way), as NTP or a technician does; monotonic time runs on. */
  jump(ms: number): void {
    this.skew.wall += ms;
    this.moves.push({ kind: 'jump', ms });
  }
}
