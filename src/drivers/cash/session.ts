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
    /** Overpaying cash is taken when its change can be paid, and the change paid at the end. */
    readonly giveChange = false,
    /** An unpaid end (cancel, timeout, fault) pays back what was taken; `cancel {repay}` may change it. */
    public repay = false,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  end(status: EndStatus, now: number): void {
    if (this.ending) return;
    this.ending = status;
    this.endingSince = now;
  }

  /** Answer the accept. Without a payout (`payout` null) everything owed back is a voucher. */
  finish(total: number, status: EndStatus, pending: boolean, back: { refundable: boolean; payout: AcceptOutput['payout'] } = { refundable: false, payout: null }): AcceptOutput {
    const change = Math.max(0, total - this.amountDue);
    const owed = status === 'paid' ? change : total;
    const paidOut = back.payout?.paid ?? 0;
    const voucherAmount = Math.max(0, owed - paidOut);
    const out: AcceptOutput = {
      sessionId: this.id,
      status,
      amountDue: this.amountDue,
      total,
      change,
      currency: this.currency,
      refundable: back.refundable,
      paidOut,
      voucherAmount,
      voucher: voucherAmount > 0 || pending,
      pending,
      payout: back.payout,
    };
    this.resolveDone(out);
    return out;
  }
}
