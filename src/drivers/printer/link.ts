/**
 * The conversation with a printer over any ByteStream: real-time status queries (DLE EOT 1-4, answered
 * even mid-job), the in-order GS r 1 completion marker and the clear-buffer acknowledgement. One status
 * query at a time; replies are matched by their shape (see status.ts), not by timing.
 */
import type { Clock, Timer } from '../../core/clock.js';
import { KioskError } from '../../core/errors.js';
import type { ByteStream } from '../../core/transport.js';
import * as esc from './codec.js';
import { decodeStatus, ReplyDecoder, type PaperState, type PrinterStatus } from './status.js';

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

export class PrinterLink {
  private readonly replies = new ReplyDecoder();
  private realtime: Array<Waiter<number>> = [];
  private paper: Array<Waiter<PaperState>> = [];
  private cleared: Array<Waiter<void>> = [];
  private queryLock: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    readonly stream: ByteStream,
    private readonly timeoutMs: number,
    /** Reply timeouts run on it. */
    readonly clock: Clock,
  ) {
    this.unsubscribe = stream.onData((chunk) => this.onData(chunk));
  }

  detach(reason: unknown): void {
    this.unsubscribe();
    for (const w of [...this.realtime, ...this.paper, ...this.cleared]) w.reject(reason);
    this.realtime = [];
    this.paper = [];
    this.cleared = [];
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.stream.write(bytes);
  }

  /**
   * Ask DLE EOT 1..4 and merge the replies. TIMEOUT when the printer does not answer within the reply
   * timeout plus `extraMs` (time the query waits behind job bytes still on a slow wire).
   */
  queryStatus(extraMs = 0): Promise<PrinterStatus> {
    const run = this.queryLock.then(async () => {
      const answers = [1, 2, 3, 4].map(() => this.wait(this.realtime));
      // If the link is detached while the write below is pending, these reject before Promise.all
      // observes them: mark them handled (Promise.all still sees the rejection).
      for (const a of answers) a.catch(() => undefined);
      await this.stream.write(esc.concat([esc.realtimeStatus(1), esc.realtimeStatus(2), esc.realtimeStatus(3), esc.realtimeStatus(4)]));
      const r = await this.withTimeout(Promise.all(answers), 'status query', () => (this.realtime = []), extraMs);
      return decodeStatus(r[0] as number, r[1] as number, r[2] as number, r[3] as number);
    });
    this.queryLock = run.catch(() => undefined);
    return run;
  }

  /** Send GS r 1 after the job: its reply arrives once the printer has processed everything before it. */
  async sendCompletionMarker(): Promise<{ reply: Promise<PaperState> }> {
    const reply = this.wait(this.paper);
    reply.catch(() => undefined); // the caller may stop waiting (job failed); never an unhandled rejection
    await this.stream.write(esc.transmitPaperStatus());
    return { reply };
  }

  /** DLE DC4 8: drop whatever the printer still holds of a failed job, so it never prints later. */
  async clearBuffers(): Promise<void> {
    const ack = this.wait(this.cleared);
    ack.catch(() => undefined); // may reject on detach before withTimeout observes it
    await this.stream.write(esc.clearBuffers());
    await this.withTimeout(ack, 'clear buffers', () => (this.cleared = []));
  }

  /** Forget a pending completion marker (the job failed; a late reply must not confuse the next one). */
  dropCompletionWaiters(): void {
    for (const w of this.paper) w.reject(new KioskError('CANCELLED'));
    this.paper = [];
  }

  private wait<T>(queue: Array<Waiter<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => queue.push({ resolve, reject }));
  }

  private async withTimeout<T>(p: Promise<T>, what: string, onTimeout: () => void, extraMs = 0): Promise<T> {
    let timer: Timer | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => {
        onTimeout();
        reject(new KioskError('TIMEOUT', `the printer did not answer the ${what} within ${Math.round(this.timeoutMs + extraMs)} ms`));
      }, this.timeoutMs + extraMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      timer?.cancel();
    }
  }

  private onData(chunk: Buffer): void {
    for (const r of this.replies.push(chunk)) {
      if (r.kind === 'realtime') this.realtime.shift()?.resolve(r.byte);
      else if (r.kind === 'paper') this.paper.shift()?.resolve(r.paper);
      else this.cleared.shift()?.resolve();
    }
  }
}
