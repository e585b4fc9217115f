/**
 * The running `accept` session, from the validator loop's side: opening the acceptors for it, noticing
 * its end (amount reached, cancel, timeout, fault, a validator gone silent), paying change or repay,
 * journaling the end and answering the accept. All of it runs in the validator loop, so the acceptors,
 * the recycler and the session never move concurrently.
 */
import type { DriverDeps } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import type { CashApi } from './api.js';
import type { CashConfig } from './config.js';
import { summary, type Ledger } from './ledger.js';
import type { CashPayout } from './payout/cash-payout.js';
import type { PayoutResult } from './payout/types.js';
import { Session } from './session.js';
import type { CashState } from './state.js';
import type { NoteValidator } from './validator.js';

/** How long an ending session waits for a note still on its way to the cashbox. */
const IN_TRANSIT_WAIT_MS = 30_000;
/** How long a session survives a validator that does not answer. */
const OFFLINE_GRACE_MS = 5_000;
/** A float session (technician refill) takes any number of notes. */
const FLOAT_DUE = 2_000_000_000;

export interface SessionDeps {
  config: CashConfig;
  deps: DriverDeps<CashApi>;
  state: CashState;
  ledger(): Ledger;
  validator(): NoteValidator;
  payout(): CashPayout | undefined;
  connected(): boolean;
  coinsConnected(): boolean;
  publish(): void;
  /** End the validator loop's idle wait, so a new session's first poll is not delayed. */
  wake(): void;
}

export class SessionControl {
  session: Session | undefined;
  deviceEnabled = false;
  private offlineSince: number | undefined;

  constructor(private readonly d: SessionDeps) {}

  async accept(input: { amountDue: number; currency: string; timeoutMs: number; giveChange?: boolean | undefined; repay?: boolean | undefined }, transaction: string | undefined, float = false) {
    const ledger = this.d.ledger();
    if (ledger.unavailable) throw new KioskError('JOURNAL_UNAVAILABLE');
    if (this.session) throw new KioskError('DEVICE_BUSY', 'a cash session is already running');
    if (!this.d.connected()) throw new KioskError('DEVICE_UNAVAILABLE', 'the note validator is not connected');
    const faults = this.d.state.faults();
    if (faults.length > 0) throw new KioskError('DEVICE_UNAVAILABLE', `cash device in fault (${faults.join(', ')})`, { details: { fault: faults[0] } });
    const deviceCurrency = this.d.validator().setup?.currency;
    if (input.currency !== deviceCurrency) throw new KioskError('CASH_CURRENCY_MISMATCH', `the validator takes ${deviceCurrency ?? 'no currency'}, not ${input.currency}`);
    const p = this.d.config.payout;
    const fitted = this.d.payout()?.fitted === true && !float;
    // Accessible mode gives the person more time (DriverDeps.timeoutScale), fixed when the session opens.
    const scale = float ? 1 : Math.max(1, this.d.deps.timeoutScale?.() ?? 1);
    const timeoutMs = Math.round(input.timeoutMs * scale);
    const s = new Session(input.amountDue, input.currency, this.d.deps.clock.monotonic() + timeoutMs, transaction, fitted && (input.giveChange ?? p.giveChange), fitted && (input.repay ?? p.repay));
    // The transaction names the session for whoever asked (a checkout finds its cash step by it after a restart).
    await ledger.record('session.opened', s.id, { amountDue: input.amountDue, currency: input.currency, ...(float ? { kind: 'float' } : {}), ...(transaction ? { transaction } : {}) });
    this.session = s;
    this.d.wake();
    this.d.deps.log.info({ sessionId: s.id, amountDue: input.amountDue, currency: input.currency, timeoutMs, ...(scale > 1 ? { timeoutScale: scale } : {}), giveChange: s.giveChange, repay: s.repay, float }, 'cash session opened');
    return s.done;
  }

  /** Technician refill: notes for `timeoutMs` go to the recycler (routed values) as float, not as a payment. */
  async acceptFloat(timeoutMs: number, transaction: string | undefined): Promise<Record<string, number>> {
    const currency = this.d.validator().setup?.currency ?? 'XXX';
    const out = await this.accept({ amountDue: FLOAT_DUE, currency, timeoutMs }, transaction, true);
    const notes: Record<string, number> = {};
    for (const e of this.d.deps.journal?.list({ key: out.sessionId, type: 'note.credited' }) ?? []) {
      const v = String(e.data.value);
      notes[v] = (notes[v] ?? 0) + 1;
    }
    return notes;
  }

  cancel(repay: boolean | undefined): Session | undefined {
    const s = this.session;
    if (!s) return undefined;
    if (repay !== undefined) s.repay = repay && this.d.payout()?.fitted === true && s.amountDue !== FLOAT_DUE;
    if (!s.ending) s.end('cancelled', this.d.deps.clock.monotonic());
    return s;
  }

  /** Enable for a new session, notice its end, disable and answer it. Runs in the validator loop. */
  async apply(): Promise<void> {
    const validator = this.d.validator();
    const ledger = this.d.ledger();
    const s = this.session;
    const now = this.d.deps.clock.monotonic();
    if (s && !s.ending) {
      if (ledger.totalOf(s.id) >= s.amountDue) s.end('paid', now);
      else if (this.d.state.faults().length > 0) s.end('fault', now);
      else if (now >= s.deadline) s.end(s.amountDue === FLOAT_DUE ? 'paid' : 'timeout', now);
    }
    if (s && !s.ending) {
      if (!this.deviceEnabled) {
        // with change, any note may be offered: the escrow decides whether its change can be paid
        const fit = (validator.setup?.channels ?? []).filter((c) => c.currency === s.currency && (s.giveChange || c.value <= s.amountDue + this.d.config.maxOverpay));
        await validator.setInhibits(fit.map((c) => c.channel));
        await validator.enable();
        this.deviceEnabled = true;
        s.notesOpen = true;
        if (s.announced) this.d.publish();
        else this.announce(s);
      }
      return;
    }
    if (this.deviceEnabled) {
      await validator.disable();
      this.deviceEnabled = false;
      this.d.publish();
    }
    if (!s) return;
    const inTransit = ledger.inFlight !== undefined;
    if (inTransit && s.ending !== 'fault' && now - s.endingSince < IN_TRANSIT_WAIT_MS) return;
    await this.close(s, inTransit);
  }

  /**
   * Pay change or repay (journaled before the session's end: a crash in between leaves the session
   * interrupted and the payout settled from the counters), journal the end, answer the accept.
   */
  async close(s: Session, inTransit: boolean, payBack = true): Promise<void> {
    const ledger = this.d.ledger();
    const status = s.ending ?? 'cancelled';
    const payout = this.d.payout();
    let result: PayoutResult | null = null;
    if (payBack && payout && !inTransit && !ledger.unavailable) {
      result = await payout.payBack(s, status, ledger.totalOf(s.id)).catch((err: unknown) => {
        this.d.deps.log.error({ sessionId: s.id, message: (err as Error).message }, 'change/repay not paid: owed as a voucher');
        return null;
      });
    }
    const total = ledger.totalOf(s.id);
    // notes stored during the session changed the recycler's levels
    if (payBack && payout) await payout.payouts.refreshLevels().catch(() => undefined);
    try {
      await ledger.record('session.closed', s.id, { status, total, ...(result ? { payoutId: result.payoutId, paidOut: result.paid } : {}) });
    } finally {
      this.session = undefined;
      s.finish(total, status, inTransit, { refundable: s.giveChange || s.repay, payout: result });
    }
    this.d.deps.log.info({ sessionId: s.id, status, total, amountDue: s.amountDue, paidOut: result?.paid ?? 0 }, 'cash session closed');
    this.d.publish();
  }

  /**
   * The validator does not answer. A short blip (a power cut, a reset) keeps the session: the note in
   * transit is settled when the validator is back. A longer silence, a cancel or the deadline ends it
   * (no payout then: the recycler is on the silent device).
   */
  async whileOffline(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const now = this.d.deps.clock.monotonic();
    this.offlineSince ??= now;
    if (!s.ending && (now >= s.deadline || now - this.offlineSince >= OFFLINE_GRACE_MS)) s.end(now >= s.deadline ? 'timeout' : 'fault', now);
    if (s.ending) await this.close(s, this.d.ledger().inFlight !== undefined, false).catch(() => undefined);
  }

  /** Sessions a dead process left open are interrupted (left to settle); all unsettled ones are announced. */
  async recoverInterrupted(): Promise<void> {
    const ledger = this.d.ledger();
    for (const s of ledger.openSessions()) {
      await ledger.record('session.closed', s.sessionId, { status: 'interrupted', total: s.total });
      this.d.deps.log.warn({ sessionId: s.sessionId, total: s.total }, 'cash session interrupted by a restart: left to settle');
    }
    for (const s of ledger.unsettled()) this.d.deps.host.emit('recovered', summary(s));
  }

  online(): void {
    this.offlineSince = undefined;
  }

  /** The journal cannot be written: the session is answered `fault` with what the journal knows. */
  abandon(): void {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.finish(this.d.ledger().totalOf(s.id), 'fault', true);
  }

  /** `busy` means "insert cash now": published once every fitted acceptor is open for the session. */
  announce(s: Session): void {
    if (s.announced || !s.notesOpen || (this.d.coinsConnected() && !s.coinsOpen)) return;
    s.announced = true;
    this.d.publish();
  }
}
