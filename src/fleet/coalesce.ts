/**
 * Per-key rate limit that never loses the last value: the first change of a key goes out at once, later
 * changes within `minIntervalMs` are folded into one trailing send of the latest value. Used for device
 * states on the fleet link, where a receipt's busy/ready flicker is not worth an uplink message.
 */
import type { Clock, Timer } from '../core/clock.js';

export class Coalescer<T> {
  private readonly latest = new Map<string, T>();
  private readonly sentAt = new Map<string, number>();
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly minIntervalMs: number,
    private readonly clock: Pick<Clock, 'monotonic' | 'setTimeout'>,
    private readonly send: (key: string, value: T) => void,
  ) {}

  /** The latest value of every key (sent or pending). */
  values(): ReadonlyMap<string, T> {
    return this.latest;
  }

  push(key: string, value: T): void {
    this.latest.set(key, value);
    if (this.timers.has(key)) return; // the pending send takes the latest value
    const wait = (this.sentAt.get(key) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs - this.clock.monotonic();
    if (wait <= 0) this.flush(key);
    else this.timers.set(key, this.clock.setTimeout(() => this.flush(key), wait).unref());
  }

  private flush(key: string): void {
    this.timers.delete(key);
    this.sentAt.set(key, this.clock.monotonic());
    const value = this.latest.get(key);
    if (value !== undefined) this.send(key, value);
  }

  /** Cancel pending sends (at stop). */
  clear(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
