import { describe, expect, it } from 'vitest';
import { createSystemClock, ErraticClock, ManualClock, sleep, systemClock, type PlatformTimers } from '../../../src/core/clock.js';

/** Platform timers under the test's control: it decides when each one fires, early or not. */
class ScriptedPlatform implements PlatformTimers {
  now = 0;
  readonly armed: Array<{ fn: () => void; at: number; live: boolean; unref: boolean }> = [];
  set(fn: () => void, ms: number): unknown {
    const t = { fn, at: this.now + ms, live: true, unref: false };
    this.armed.push(t);
    return t;
  }
  clear(h: unknown): void {
    (h as { live: boolean }).live = false;
  }
  unref(h: unknown): void {
    (h as { unref: boolean }).unref = true;
  }
  /** Fire the oldest live platform timer at `at` (which may be before the time it was armed for). */
  fireNext(at: number): void {
    const t = this.armed.find((x) => x.live);
    if (!t) throw new Error('no platform timer armed');
    t.live = false;
    this.now = at;
    t.fn();
  }
  get live(): number {
    return this.armed.filter((t) => t.live).length;
  }
}

describe('system clock timers', () => {
  it('a platform timer that fires early is re-armed: the callback runs only once the deadline has passed', () => {
    const p = new ScriptedPlatform();
    const clock = createSystemClock(p, () => p.now);
    let ran = 0;
    const t = clock.setTimeout(() => ran++, 300);
    expect(p.armed[0]?.at).toBe(300);
    p.fireNext(299.2); // Node can be this early against performance.now()
    expect(ran).toBe(0);
    expect(p.live).toBe(1);
    expect(p.armed[1]?.at).toBe(300.2); // the rest, rounded up to a whole millisecond
    p.fireNext(300);
    expect(ran).toBe(1);
    expect(t.pending).toBe(false);
    expect(p.live).toBe(0);
  });

  it('an interval runs on its due times, never early, and skips instead of bursting after a stall', () => {
    const p = new ScriptedPlatform();
    const clock = createSystemClock(p, () => p.now);
    const at: number[] = [];
    const t = clock.setInterval(() => at.push(p.now), 100);
    p.fireNext(99);
    p.fireNext(100);
    p.fireNext(200);
    p.fireNext(750); // the event loop was blocked: one run, then on from there
    p.fireNext(850);
    expect(at).toEqual([100, 200, 750, 850]);
    clock.clearInterval(t);
    expect(p.live).toBe(0);
    expect(t.pending).toBe(false);
  });

  it('cancel, clear of undefined and of a fired timer, and unref', () => {
    const p = new ScriptedPlatform();
    const clock = createSystemClock(p, () => p.now);
    let ran = false;
    const t = clock.setTimeout(() => (ran = true), 10).unref();
    expect(p.armed[0]?.unref).toBe(true);
    clock.clearTimeout(t);
    clock.clearTimeout(t);
    clock.clearTimeout(undefined);
    expect(p.live).toBe(0);
    expect(ran).toBe(false);
    const u = clock.setTimeout(() => undefined, 0);
    p.fireNext(0);
    expect(() => clock.clearInterval(u)).not.toThrow();
  });

  it('with real Node timers, 300 short timeouts never run before monotonic() reaches their deadline', async () => {
    const early: number[] = [];
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => new Promise<void>((resolve) => {
        const due = systemClock.monotonic() + (i % 7) + 0.5;
        systemClock.setTimeout(() => {
          if (systemClock.monotonic() < due) early.push(due - systemClock.monotonic());
          resolve();
        }, due - systemClock.monotonic());
      })),
    );
    expect(early).toEqual([]);
  });

  it('sleep runs on the given clock and an abort cuts it short', async () => {
    const clock = new ManualClock();
    let done = false;
    const s = sleep(1000, undefined, clock).then(() => (done = true));
    await clock.advanceAsync(999);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    await s;
    expect(done).toBe(true);
    const ac = new AbortController();
    const cut = sleep(1000, ac.signal, clock);
    ac.abort(new Error('stop'));
    await expect(cut).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('manual clock', () => {
  it('advance fires due timers in order with monotonic() at each one, including timers armed on the way', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.monotonic()}`), 200);
    clock.setTimeout(() => {
      seen.push(`a@${clock.monotonic()}`);
      clock.setTimeout(() => seen.push(`c@${clock.monotonic()}`), 50);
    }, 100);
    clock.setTimeout(() => seen.push('late'), 1000);
    clock.advance(300);
    expect(seen).toEqual(['a@100', 'c@150', 'b@200']);
    expect(clock.monotonic()).toBe(300);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1) + 300);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextFireAt).toBe(1000);
  });

  it('intervals repeat until cleared; zero-delay timers fire on advance(0)', () => {
    const clock = new ManualClock();
    let n = 0;
    const t = clock.setInterval(() => n++, 10);
    clock.advance(35);
    expect(n).toBe(3);
    clock.clearInterval(t);
    clock.advance(100);
    expect(n).toBe(3);
    let zero = false;
    clock.setTimeout(() => (zero = true), 0);
    clock.advance(0);
    expect(zero).toBe(true);
  });

  it('jump moves the wall clock only', () => {
    const clock = new ManualClock(0);
    clock.jump(3_600_000);
    expect(clock.now()).toBe(3_600_000);
    expect(clock.monotonic()).toBe(0);
  });
});

describe('erratic clock', () => {
  it('fires timers early and late, within the bounds, repeatably for a seed', () => {
    const run = (seed: number): number[] => {
      const clock = new ErraticClock({ earlyMs: 5, lateMs: 40, seed });
      const offsets: number[] = [];
      for (let i = 0; i < 200; i++) {
        const due = clock.monotonic() + 100;
        clock.setTimeout(() => offsets.push(clock.monotonic() - due), 100);
        clock.advance(200);
      }
      expect(clock.firedEarly + clock.firedLate).toBe(200);
      return offsets;
    };
    const offsets = run(7);
    expect(offsets.some((o) => o < 0)).toBe(true);
    expect(offsets.some((o) => o > 0)).toBe(true);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(-5);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(40);
    expect(run(7)).toEqual(offsets);
  });
});
