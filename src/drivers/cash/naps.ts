/**
 * The waits between two polls of the cash loops. Idle (no session, nothing moving) the loops poll at the
 * slow interval, since nothing a customer does can change a disabled validator or an inhibited coin
 * acceptor; `wake()` ends every pending wait at once, so a new session's first poll (which enables the
 * acceptors) or a queued job is not delayed.
 */
import type { Clock } from '../../core/clock.js';

export class Naps {
  private readonly wakers = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  /** Wait `ms`, or until woken; rejects with the signal's reason when aborted. */
  nap(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        timer.cancel();
        this.wakers.delete(done);
        signal.removeEventListener('abort', aborted);
      };
      const done = (): void => {
        cleanup();
        resolve();
      };
      const aborted = (): void => {
        cleanup();
        reject(signal.reason as Error);
      };
      if (signal.aborted) return reject(signal.reason as Error);
      const timer = this.clock.setTimeout(done, ms);
      this.wakers.add(done);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
