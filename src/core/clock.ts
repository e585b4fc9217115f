/** Time, injected so that tests never depend on the wall clock. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (may jump when NTP steps the clock). */
  now(): number;
  /** Monotonic milliseconds, for durations and timeouts (never jumps). */
  monotonic(): number;
  /** ISO 8601 of `now()`. */
  iso(): string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  iso: () => new Date().toISOString(),
};

/** A clock whose time moves only when told to; for unit tests. */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
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
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  /** Jump the wall clock only, as NTP does. */
  jump(ms: number): void {
    this.wall += ms;
  }
}

/** Sleep that an AbortSignal cuts short (rejects with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
