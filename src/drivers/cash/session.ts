/** One running `accept`: what is due, how it ends, and the promise its request waits on. */
import { randomBytes } from 'node:crypto';
import type { CommandOutput } from '../../core/driver.js';
import type { CashApi } from './api.js';

export type AcceptOutput = CommandOutput<CashApi, 'accept'>;
export type EndStatus = AcceptOutput['status'];

export class Session {
  readonly id = `cash-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  /** Set when the session must end (amount reached, cancel, timeout, fault); the poll loop closes it. */
  ending: EndStatus | undefined;
  /** Monotonic time the end was asked for (bounds the wait for a note still in transit). */
  endingSince = 0;
  /** Acceptors opened for this session; the state turns `busy` once all fitted ones are. */
  notesOpen = false;
  coinsOpen = false;
  announced = false;
  readonly done: Promise<AcceptOutput>;
  private resolveDone!: (out: AcceptOutput) => void;

  constructor(
    readonly amountDue: number,
    readonly currency: string,
    /** Monotonic deadline. */
    readonly deadline: number,
    readonly transaction: string | undefined,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  end(status: EndStatus, now: number): void {
    if (this.ending) return;
    this.ending = status;
    this.endingSince = now;
  }

  finish(total: number, status: EndStatus, pending: boolean): AcceptOutput {
    const out: AcceptOutput = {
      sessionId: this.id,
      status,
      amountDue: this.amountDue,
      total,
      change: Math.max(0, total - this.amountDue),
      currency: this.currency,
      refundable: false,
      voucher: (status !== 'paid' && total > 0) || total > this.amountDue || pending,
      pending,
    };
    this.resolveDone(out);
    return out;
  }
}
