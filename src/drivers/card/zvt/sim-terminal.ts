/**
 * A simulated ZVT payment terminal (the PT side), scripted per sale. It speaks the real protocol over a
 * real ByteStream (a TCP connection or a PTY), so the driver under test runs exactly its kiosk code.
 * An operation belongs to the connection it arrived on: if the ECR goes away mid-sale, the terminal
 * still finishes (and books) the transaction, as a real one does, but sends nothing to a newer link.
 */
import type { Clock, Timer } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { ByteStream } from '../../../transports/byte-stream.js';
import type { Apdu } from './apdu.js';
import { bcdToNumber } from './bcd.js';
import { BMP, bmpValue } from './bmp.js';
import { ZvtLink, type LinkMode } from './link.js';
import { CMD, fieldsOf, is } from './messages.js';
import {
  simAbort, simAck, simCompletion, simIntermediate, simNak, simPrintLine, simReceiptLines, simStatusInfo, simTextBlock,
} from './sim-messages.js';
import type { SimStore, SimTransaction } from './sim-store.js';

export type SimScript =
  | { readonly outcome: 'approve'; readonly hostDelayMs: number; readonly holdAt?: 'card' | 'completion' }
  | { readonly outcome: 'decline'; readonly resultCode: number; readonly hostDelayMs: number }
  | { readonly outcome: 'cancel' }
  | { readonly outcome: 'silent' }
  | { readonly outcome: 'power-loss'; readonly charged: boolean; readonly offMs: number }
  /** A faulty terminal: books and reports other figures, or answers with its previous transaction. */
  | { readonly outcome: 'misreport'; readonly amount?: number | undefined; readonly currency?: number | undefined; readonly previousTransaction: boolean };

interface Connection {
  readonly stream: ByteStream;
  readonly link: ZvtLink;
  alive: boolean;
  ackWaiter: (() => void) | undefined;
  /**
   * The ECR stopped acknowledging our frames (cable pulled): like a real terminal, give up the rest of
   * this dialogue instead of queueing every remaining message behind three repeats each.
   */
  gaveUp: boolean;
}

export class ZvtSimTerminal {
  private readonly scripts: SimScript[] = [];
  private conn: Connection | undefined;
  private busy = false;
  private abortRequested = false;
  private opSeq = 0;
  private releaseHold: (() => void) | undefined;
  private releasePending = false;
  silent = false;
  powered = true;
  private powerTimer: Timer | undefined;

  constructor(
    private readonly store: SimStore,
    private readonly mode: LinkMode,
    private readonly log: Logger,
    /** Host delays, acknowledgement timeouts and power cuts run on it. */
    private readonly clock: Clock,
    private readonly ackMs = 2000,
  ) {}

  /** A (new) ECR link. While powered off, the link is closed at once. */
  attach(stream: ByteStream): void {
    if (!this.powered) {
      stream.close().catch(() => undefined);
      return;
    }
    const link = new ZvtLink(stream, this.mode, this.log, this.ackMs, this.clock);
    const conn: Connection = { stream, link, alive: true, ackWaiter: undefined, gaveUp: false };
    link.attach();
    link.onApdu((apdu) => this.receive(conn, apdu));
    stream.onClose(() => {
      conn.alive = false;
      conn.ackWaiter?.();
    });
    this.conn = conn;
  }

  queue(script: SimScript): void {
    this.scripts.push(script);
  }

  /** A sale is held (at the card or before completion) waiting for `release`. */
  get holding(): boolean {
    return this.releaseHold !== undefined;
  }

  /** Let a held sale go on. */
  release(): boolean {
    if (this.releaseHold) {
      this.releaseHold();
      return true;
    }
    this.releasePending = true;
    return false;
  }

  powerOn(): void {
    this.powerTimer?.cancel();
    this.powered = true;
    this.silent = false;
  }

  powerOff(offMs: number): void {
    this.powered = false;
    this.busy = false;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      conn.alive = false;
      conn.stream.close().catch(() => undefined);
    }
    this.powerTimer?.cancel();
    if (offMs > 0) this.powerTimer = this.clock.setTimeout(() => this.powerOn(), offMs);
  }

  stop(): void {
    this.powerTimer?.cancel();
    this.releaseHold?.();
  }

  private receive(conn: Connection, apdu: Apdu): void {
    if (this.silent || !this.powered) return;
    if (is(apdu, CMD.ack)) {
      conn.ackWaiter?.();
      return;
    }
    if (this.busy) {
      if (is(apdu, CMD.abortFromEcr)) {
        this.abortRequested = true;
        this.releaseHold?.();
        void this.raw(conn, simAck());
      } else {
        void this.raw(conn, simNak(0x9c));
      }
      return;
    }
    conn.gaveUp = false; // a new command: the ECR is listening again
    this.busy = true;
    this.abortRequested = false;
    const id = ++this.opSeq;
    this.run(conn, apdu)
      .catch((err: unknown) => this.log.warn({ err }, 'zvt simulator operation failed'))
      .finally(() => {
        if (this.opSeq === id) this.busy = false;
      });
  }

  private async raw(conn: Connection, bytes: Uint8Array): Promise<void> {
    if (!conn.alive) return;
    await conn.link.send(bytes).catch(() => {
      conn.gaveUp = true;
    });
  }

  /**
   * Send a PT message and wait (bounded) for the ECR's 80 00. The `final` message (06 0F, 06 1E) ends
   * the operation: the terminal takes the next command even while that acknowledgement is on its way.
   */
  private async emit(conn: Connection, bytes: Uint8Array, final = false): Promise<void> {
    if (final) this.busy = false;
    if (!conn.alive || conn.gaveUp || this.silent || !this.powered) return;
    const acked = new Promise<boolean>((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), this.ackMs);
      conn.ackWaiter = () => {
        timer.cancel();
        resolve(true);
      };
    });
    await this.raw(conn, bytes);
    // No 80 00 in time: the ECR is gone or is a new session that knows nothing of this dialogue.
    if (!(await acked) && !final) conn.gaveUp = true;
    conn.ackWaiter = undefined;
  }

  private async run(conn: Connection, apdu: Apdu): Promise<void> {
    const f = fieldsOf(apdu);
    const amount = (): number => bcdToNumber(bmpValue(f, BMP.amount) ?? new Uint8Array()) ?? 0;
    const currency = (): number => bcdToNumber(bmpValue(f, BMP.currency) ?? new Uint8Array()) ?? 978;
    if (is(apdu, CMD.authorisation) || is(apdu, CMD.refund)) {
      const kind = is(apdu, CMD.refund) ? 'refund' : 'sale';
      this.store.logReceived({ command: kind, amount: amount(), currency: currency(), receiptNo: undefined });
      await this.raw(conn, simAck());
      await this.payment(conn, kind, amount(), currency());
    } else if (is(apdu, CMD.reversal)) {
      const receiptNo = bcdToNumber(bmpValue(f, BMP.receiptNo) ?? new Uint8Array());
      this.store.logReceived({ command: 'reversal', amount: undefined, currency: undefined, receiptNo });
      await this.raw(conn, simAck());
      await this.reversal(conn, receiptNo);
    } else if (is(apdu, CMD.repeatReceipt)) {
      await this.raw(conn, simAck());
      const last = this.store.last;
      if (!last) return this.emit(conn, simAbort(0x83), true);
      await this.finish(conn, last, true);
    } else if (is(apdu, CMD.endOfDay)) {
      await this.raw(conn, simAck());
      const totals = this.store.totals();
      const tx = this.store.book({ kind: 'end-of-day', amount: Math.max(0, totals.amount), currency: 784, resultCode: 0, authCode: '' });
      await this.finish(conn, tx, false);
    } else if (is(apdu, CMD.registration) || is(apdu, CMD.statusEnquiry)) {
      await this.raw(conn, simAck());
      await this.emit(conn, simCompletion(is(apdu, CMD.statusEnquiry) ? 'status' : 'registration'), true);
    } else if (is(apdu, CMD.abortFromEcr)) {
      await this.raw(conn, simAck());
    } else {
      await this.raw(conn, simNak(0x83));
    }
  }

  private async hold(): Promise<void> {
    if (this.releasePending) {
      this.releasePending = false;
      return;
    }
    await new Promise<void>((resolve) => (this.releaseHold = resolve));
    this.releaseHold = undefined;
  }

  private async payment(conn: Connection, kind: 'sale' | 'refund', amount: number, currency: number): Promise<void> {
    await this.emit(conn, simIntermediate(0x0a, 'Insert / tap card'));
    const script = this.scripts.shift() ?? { outcome: 'approve', hostDelayMs: 0 };
    if (script.outcome === 'silent') {
      this.silent = true;
      return;
    }
    if (script.outcome === 'approve' && script.holdAt === 'card') await this.hold();
    if (this.abortRequested || script.outcome === 'cancel') {
      await this.emit(conn, simAbort(0x6c), true);
      return;
    }
    await this.emit(conn, simIntermediate(0x04, 'Authorising'));
    if ('hostDelayMs' in script && script.hostDelayMs > 0) await this.clock.sleep(script.hostDelayMs);
    if (script.outcome === 'power-loss') {
      if (script.charged) this.store.book({ kind, amount, currency, resultCode: 0, authCode: authCode() });
      this.powerOff(script.offMs);
      return;
    }
    const previous = script.outcome === 'misreport' && script.previousTransaction ? this.store.last : undefined;
    if (previous) {
      await this.finishWith(conn, previous);
      return;
    }
    const resultCode = script.outcome === 'decline' ? script.resultCode : 0;
    const booked = script.outcome === 'misreport' ? { amount: script.amount ?? amount, currency: script.currency ?? currency } : { amount, currency };
    const tx = this.store.book({ kind, ...booked, resultCode, authCode: resultCode === 0 ? authCode() : '' });
    await this.emit(conn, simStatusInfo(tx, new Date(this.clock.now())));
    for (const line of simReceiptLines(tx, false)) await this.emit(conn, simPrintLine(line));
    if (resultCode !== 0) {
      await this.emit(conn, simAbort(resultCode), true);
      return;
    }
    if (script.outcome === 'approve' && script.holdAt === 'completion') await this.hold();
    await this.emit(conn, simCompletion('payment'), true);
  }

  /** Report an existing transaction as the result of this one (a terminal bug) and complete. */
  private async finishWith(conn: Connection, tx: SimTransaction): Promise<void> {
    await this.emit(conn, simStatusInfo(tx, new Date(this.clock.now())));
    for (const line of simReceiptLines(tx, false)) await this.emit(conn, simPrintLine(line));
    await this.emit(conn, simCompletion('payment'), true);
  }

  private async reversal(conn: Connection, receiptNo: number | undefined): Promise<void> {
    const original = receiptNo === undefined ? undefined : this.store.byReceipt(receiptNo);
    if (!original || original.resultCode !== 0) return this.emit(conn, simAbort(0xb5), true);
    if (original.reversed) return this.emit(conn, simAbort(0xb4), true);
    this.store.markReversed(original);
    const tx = this.store.book({ kind: 'reversal', amount: original.amount, currency: original.currency, resultCode: 0, authCode: authCode() });
    await this.finish(conn, tx, false);
  }

  private async finish(conn: Connection, tx: SimTransaction, copy: boolean): Promise<void> {
    await this.emit(conn, simStatusInfo(tx, new Date(this.clock.now())));
    // administrative receipts come as one text block (06 D3), payment receipts as print lines (06 D1)
    await this.emit(conn, simTextBlock(simReceiptLines(tx, copy)));
    await this.emit(conn, tx.resultCode === 0 || copy ? simCompletion('payment') : simAbort(tx.resultCode), true);
  }
}

function authCode(): string {
  return String(Math.floor(100000 + Math.random() * 899999));
}
