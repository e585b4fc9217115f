/**
 * The payout side of the cash device: the recycler on the validator's link, the hoppers on their bus,
 * the payout book folded from the journal, and what the driver asks of them (change and repay at the
 * end of a session, refunds, refill, empty). Payouts run where the validator is polled (`inLoop`), one
 * at a time; a payout cut short by a lost link is settled by recovery when the link is back, and the
 * request that asked for it is answered then.
 */
import type { Clock } from '../../../core/clock.js';
import type { DriverHost } from '../../../core/driver.js';
import { KioskError } from '../../../core/errors.js';
import type { Journal } from '../../../core/journal.js';
import type { Logger } from '../../../core/logger.js';
import type { CashApi } from '../api.js';
import type { HopperUnit } from '../cctalk/hopper-unit.js';
import type { CashConfig } from '../config.js';
import { STREAM, type Ledger } from '../ledger.js';
import type { Session } from '../session.js';
import type { SspEvent } from '../ssp/commands.js';
import type { NoteRecycler } from '../ssp/recycler.js';
import { PayoutBook } from './book.js';
import { Payouts, type PayoutRequest } from './engine.js';
import type { LevelsDetail, PayoutDetail, PayoutResult } from './types.js';

export interface CashPayoutDeps {
  config: CashConfig;
  log: Logger;
  host: DriverHost<CashApi>;
  clock: Clock;
  ledger: Ledger;
  journal: Journal;
  recycler: NoteRecycler | undefined;
  hoppers: HopperUnit[];
  /** One validator poll; note events go to the note flow, every event comes back. */
  poll(): Promise<SspEvent[]>;
  currency(): string | undefined;
  /** The payout state changed (a jam came or went): republish the device state. */
  changed(): void;
}

export class CashPayout {
  readonly book = new PayoutBook();
  readonly payouts: Payouts;
  readonly online = new Set<number>();
  /** A unit jammed while paying out; cleared when the device no longer reports it. */
  jammed = false;
  private readonly waiters = new Map<string, ((r: PayoutResult) => void)[]>();

  constructor(private readonly d: CashPayoutDeps) {
    for (const e of d.journal.list({ stream: STREAM })) this.book.apply(e);
    this.payouts = new Payouts({
      ledger: d.ledger, book: this.book, recycler: d.recycler, hoppers: d.hoppers, log: d.log, host: d.host, clock: d.clock,
      pollMs: d.config.validator.pollIntervalMs, poll: () => this.poll(), hopperOnline: (a) => this.online.has(a),
    });
  }

  get fitted(): boolean {
    return this.d.recycler !== undefined || this.d.hoppers.length > 0;
  }

  get hoppers(): readonly HopperUnit[] {
    return this.d.hoppers;
  }

  private async poll(): Promise<SspEvent[]> {
    const events = await this.d.poll();
    this.observe(events);
    return events;
  }

  /** Every validator poll passes here: a recycler jam lasts as long as the device reports it. */
  observe(events: readonly SspEvent[]): void {
    const jam = events.some((e) => e.name === 'payoutJammed');
    if (jam !== this.jammed && this.d.recycler) {
      this.jammed = jam;
      if (jam) this.d.host.noteError('CASH_PAYOUT_JAM');
      this.d.changed();
    }
  }

  async connectHoppers(): Promise<void> {
    for (const h of this.d.hoppers) {
      try {
        await h.connect();
        this.online.add(h.address);
      } catch (err) {
        this.online.delete(h.address);
        this.d.log.warn({ address: h.address, message: (err as Error).message }, 'coin hopper not answering: coins are not paid from it');
      }
    }
  }

  /**
   * After the validator (re)connected and drained: route denominations, settle payouts a crash left
   * open, answer whoever waited for them. Runs in the validator loop.
   */
  async onValidatorReady(currency: string): Promise<void> {
    if (this.d.recycler) {
      const recycle = new Set(this.d.config.payout.recycle);
      const values = this.payouts.notes.length > 0 ? this.payouts.notes.map((l) => l.value) : (await this.d.recycler.levels()).map((l) => l.value);
      await this.d.recycler.setup(currency, values.map((value) => ({ value, route: recycle.has(value) ? 'payout' : 'cashbox' })));
    }
    if (this.d.hoppers.some((h) => !this.online.has(h.address))) await this.connectHoppers();
    for (const r of await this.payouts.recover()) {
      this.d.log.warn({ payoutId: r.payoutId, paid: r.paid, requested: r.requested }, 'interrupted payout settled from the device counters');
      for (const w of this.waiters.get(r.payoutId) ?? []) w(r);
      this.waiters.delete(r.payoutId);
    }
  }

  route(value: number): 'payout' | 'cashbox' | undefined {
    if (!this.d.recycler) return undefined;
    return this.d.config.payout.recycle.includes(value) ? 'payout' : 'cashbox';
  }

  /** Can `change` be paid exactly now, for this session? */
  changePayable(s: Session, change: number): boolean {
    return s.giveChange && this.fitted && !this.jammed && change > 0 && this.payouts.plan(change).remainder === 0;
  }

  /** Pay, and if the link is lost midway, wait for recovery to tell what left the devices. */
  async pay(req: PayoutRequest): Promise<PayoutResult> {
    try {
      return await this.payouts.pay(req);
    } catch (err) {
      if (!this.book.isOpen(req.payoutId)) throw err;
      this.d.log.warn({ payoutId: req.payoutId, message: (err as Error).message }, 'payout interrupted: settled from the counters when the device is back');
      return this.settled(req.payoutId);
    }
  }

  /** The outcome of a payout being settled (resolves when recovery ends it). */
  settled(payoutId: string): Promise<PayoutResult> {
    return new Promise((resolve) => this.waiters.set(payoutId, [...(this.waiters.get(payoutId) ?? []), resolve]));
  }

  /** The driver stops: nobody waits for a recovery that happens in the next process. */
  abandon(): void {
    for (const [payoutId, list] of this.waiters) {
      const r = this.book.result(payoutId);
      for (const w of list) {
        w(r ?? {
          payoutId, purpose: 'refund', refersTo: null, currency: this.d.currency() ?? 'XXX', requested: 0, paid: 0, remainder: 0,
          status: 'unknown', dispensed: [], fault: 'DEVICE_UNAVAILABLE', recovered: false,
        });
      }
    }
    this.waiters.clear();
  }

  /** Change or repay at the end of a session (in the validator loop); null when nothing is owed or payable. */
  async payBack(s: Session, status: string, total: number): Promise<PayoutResult | null> {
    const change = status === 'paid' ? total - s.amountDue : 0;
    const repay = status !== 'paid' && s.repay ? total : 0;
    const amount = change > 0 && s.giveChange ? change : repay;
    if (amount <= 0 || !this.fitted) return null;
    const purpose = change > 0 ? 'change' : 'repay';
    return this.pay({ payoutId: `${purpose}:${s.id}`, purpose, refersTo: s.id, amount, currency: s.currency, transaction: s.transaction });
  }

  levels(): LevelsDetail {
    const nearEmpty = this.d.config.payout.nearEmpty;
    const notes = this.payouts.notes.map((l) => ({ value: l.value, count: l.count, route: this.route(l.value) ?? 'cashbox' }));
    const coins = this.d.hoppers.map((h) => ({ value: h.value, count: this.book.hopperLevel(h.address), hopper: h.address }));
    const payable = [...notes.filter((n) => n.route === 'payout'), ...coins];
    const total = [...notes, ...coins].reduce((a, x) => a + x.value * x.count, 0);
    const offline = (this.d.recycler === undefined || this.payouts.notes.length === 0) && this.online.size === 0;
    const state = offline ? 'offline' : this.jammed ? 'jammed' : total === 0 ? 'empty' : payable.some((x) => x.count <= nearEmpty) ? 'near-empty' : 'ok';
    return {
      currency: this.d.currency() ?? null, state, notes, coins, total,
      nearEmpty: payable.filter((x) => x.count <= nearEmpty && x.count > 0).map((x) => x.value),
      empty: payable.filter((x) => x.count === 0).map((x) => x.value),
    };
  }

  detail(): PayoutDetail | null {
    if (!this.fitted) return null;
    return { ...this.levels(), running: this.payouts.running ? { ...this.payouts.running } : null, unresolved: this.book.unresolved() };
  }

  async emptyRecycler(smart: boolean): Promise<void> {
    if (!this.d.recycler) return;
    await this.d.recycler.empty(smart);
  }

  requireFitted(): void {
    if (!this.fitted) throw new KioskError('CASH_PAYOUT_UNAVAILABLE');
  }
}
