/**
 * ZVT master/slave exchange: the ECR sends a command, the terminal acknowledges it (80 00) or refuses it
 * (84 xx), then becomes master and sends its messages (04 FF, 06 D1, 04 0F ...) which the ECR
 * acknowledges one by one, until a completion (06 0F) or an abort (06 1E) ends the command.
 */
import { KioskError } from '../../../core/errors.js';
import type { Apdu } from './apdu.js';
import type { ZvtLink } from './link.js';
import { build06, CMD, is } from './messages.js';

/** The terminal refused the command outright (84 xx): nothing was started. */
/** The terminal answered 84 xx instead of 80 00: refused before anything started (nothing charged). */
export class ZvtRefused extends KioskError {
  constructor(readonly resultCode: number) {
    // 9C: the terminal is busy (still finishing another dialogue); retry later.
    super(resultCode === 0x9c ? 'DEVICE_BUSY' : 'PROTOCOL_ERROR', `terminal refused the command (84 ${resultCode.toString(16).padStart(2, '0')})`);
  }
}

export interface TransactOptions {
  readonly ackMs: number;
  readonly idleMs: number;
  readonly signal: AbortSignal;
}

export class ZvtSession {
  private inbox: Apdu[] = [];
  private waiter: (() => void) | undefined;
  private closedWith: Error | undefined;

  constructor(private readonly link: ZvtLink) {
    link.onApdu((apdu) => {
      this.inbox.push(apdu);
      this.waiter?.();
    });
  }

  /** The link went away: every pending and later wait rejects with IO_ERROR. */
  fail(err: Error): void {
    this.closedWith = err;
    this.waiter?.();
  }

  reset(): void {
    this.closedWith = undefined;
    this.inbox = [];
  }

  private async next(timeoutMs: number, signal: AbortSignal): Promise<Apdu> {
    for (;;) {
      const apdu = this.inbox.shift();
      if (apdu) return apdu;
      if (this.closedWith) throw new KioskError('IO_ERROR', `the terminal link closed: ${this.closedWith.message}`);
      if (signal.aborted) throw new KioskError('SHUTTING_DOWN');
      const woke = await new Promise<boolean>((resolve) => {
        const timer = this.link.clock.setTimeout(() => resolve(false), timeoutMs);
        const onAbort = (): void => {
          timer.cancel();
          resolve(true);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiter = () => {
          timer.cancel();
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        };
      });
      this.waiter = undefined;
      if (!woke) throw new KioskError('TIMEOUT', 'the terminal went silent');
    }
  }

  /**
   * Run one command. `handle` sees each terminal message (already acknowledged) and returns true when it
   * ended the command. Rejects with ZvtRefused, TIMEOUT or IO_ERROR.
   */
  async transact(command: Uint8Array, handle: (apdu: Apdu) => boolean, opts: TransactOptions): Promise<void> {
    this.inbox = [];
    await this.link.send(command);
    const first = await this.next(opts.ackMs, opts.signal);
    if (first.cls === 0x84) throw new ZvtRefused(first.ins);
    if (!is(first, CMD.ack)) throw new KioskError('PROTOCOL_ERROR', 'the terminal did not acknowledge the command');
    for (;;) {
      const apdu = await this.next(opts.idleMs, opts.signal);
      // a late 80 00 answers our own abort (06 B0) sent during the command
      if (is(apdu, CMD.ack) || apdu.cls === 0x84) continue;
      await this.link.send(build06.ack());
      if (handle(apdu)) return;
    }
  }

  /** Send without waiting for anything (06 B0 while the terminal is master). */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    await this.link.send(bytes);
  }
}
