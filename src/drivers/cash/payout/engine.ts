/**
 * Payouts, never twice and never lost:
 *
 * 1. The intent (`payout.intent`: what, for which deposit, and every unit's counters before) is journaled
 *    with fsync BEFORE the first payout command.
 * 2. The recycler pays the note part, then the hoppers pay what is left (re-planned, so coins cover a
 *    recycler that came short where they can). What each unit reports is journaled as it reports it; what
 *    it really paid is read from its own counters when it stops (levels, lifetime dispense count).
 * 3. `payout.finished` ends it. A payout whose end is missing (kill -9, power loss, a unit gone silent) is
 *    settled by {@link Payouts.recover} at the next connection from the same counters: what left the
 *    devices is journaled, the rest is reported as owed. It is never sent again.
 */
import type { Clock } from '../../../core/clock.js';
import type { DriverHost } from '../../../core/driver.js';
import { KioskError } from '../../../core/errors.js';
import type { JournalEntry } from '../../../core/journal.js';
import type { Logger } from '../../../core/logger.js';
import type { CashApi } from '../api.js';
import type { HopperUnit } from '../cctalk/hopper-unit.js';
import type { Ledger } from '../ledger.js';
import type { SspEvent } from '../ssp/commands.js';
import type { SspLevel } from '../ssp/payout.js';
import type { NoteRecycler } from '../ssp/recycler.js';
import { strip, type OpenPayout, type PayoutBook } from './book.js';
import { planPayout, planValue, type Plan, type Stock } from './plan.js';
import type { PayoutPurpose, PayoutResult } from './types.js';
import { levelDiff, runHopper, runRecycler, settledCount, type UnitOutcome } from './units.js';

export interface PayoutDeps {
  ledger: Ledger;
  book: PayoutBook;
  recycler: NoteRecycler | undefined;
  hoppers: readonly HopperUnit[];
  log: Logger;
  host: DriverHost<CashApi>;
  clock: Clock;
  pollMs: number;
  poll(): Promise<SspEvent[]>;
  /** Hoppers answering now (a silent hopper is left out of plans). */
  hopperOnline(address: number): boolean;
}

export interface PayoutRequest {
  payoutId: string;
  purpose: PayoutPurpose;
  refersTo: string | null;
  amount: number;
  currency: string;
  transaction?: string | undefined;
}

export class Payouts {
  /** The recycler's levels as last read from it (the device's count is the truth). */
  notes: SspLevel[] = [];
  running: { payoutId: string; purpose: PayoutPurpose; requested: number; paid: number } | undefined;

  constructor(private readonly d: PayoutDeps) {}

  async record(type: string, key: string, data: Record<string, unknown>): Promise<JournalEntry> {
    const entry = await this.d.ledger.record(type, key, data);
    this.d.book.apply(entry);
    return entry;
  }

  async refreshLevels(): Promise<void> {
    if (this.d.recycler) this.notes = await this.d.recycler.levels();
  }

  stock(): Stock[] {
    const notes: Stock[] = this.notes.map((l) => ({ value: l.value, count: l.count, source: 'recycler' }));
    const coins: Stock[] = this.d.hoppers
      .filter((h) => h.value > 0 && this.d.hopperOnline(h.address))
      .map((h) => ({ value: h.value, count: this.d.book.hopperLevel(h.address), source: 'hopper', address: h.address }));
    return [...notes, ...coins];
  }

  plan(amount: number, only?: 'hopper', skip: ReadonlySet<number> = new Set()): Plan {
    return planPayout(amount, this.stock().filter((s) => (!only || s.source === only) && (s.address === undefined || !skip.has(s.address))));
  }

  /** Pay; same payoutId twice answers the recorded outcome. Runs where the validator is polled. */
  async pay(req: PayoutRequest): Promise<PayoutResult> {
    const known = this.d.book.result(req.payoutId);
    if (known) return strip(known);
    if (this.d.book.isOpen(req.payoutId)) throw new KioskError('DEVICE_BUSY', 'this payout is being settled');
    await this.refreshLevels();
    const plan = this.plan(req.amount);
    const before = {
      notes: Object.fromEntries(this.notes.map((l) => [String(l.value), l.count])),
      hoppers: Object.fromEntries(await Promise.all(this.d.hoppers.filter((h) => this.d.hopperOnline(h.address)).map(async (h) => [String(h.address), await h.dispenseCount()] as const))),
    };
    await this.record('payout.intent', req.payoutId, {
      purpose: req.purpose, refersTo: req.refersTo, requested: req.amount, currency: req.currency, plan: plan.lines, before,
      ...(req.transaction ? { transaction: req.transaction } : {}),
    });
    this.running = { payoutId: req.payoutId, purpose: req.purpose, requested: req.amount, paid: 0 };
    this.emit({ ...req, requested: req.amount }, 'started', 0);
    try {
      const open = this.d.book.openPayouts().find((o) => o.payoutId === req.payoutId);
      if (!open) throw new KioskError('INTERNAL', 'payout intent not folded');
      let paid = 0;
      const notes = planValue(plan.lines, 'recycler');
      if (notes > 0 && this.d.recycler) paid += await this.unit(open, 'recycler', undefined, (deps) => runRecycler(this.d.recycler!, notes, req.currency, before.notes, deps));
      // coins pay the rest; a hopper that comes short is left out and the rest planned again
      const failed = new Set<number>();
      for (let lines = this.plan(req.amount - paid, 'hopper').lines; lines.length > 0 && paid < req.amount; lines = this.plan(req.amount - paid, 'hopper', failed).lines) {
        for (const line of lines) {
          const h = this.d.hoppers.find((x) => x.address === line.address);
          const base = before.hoppers[String(line.address)];
          if (!h || base === undefined) {
            failed.add(line.address ?? -1);
            continue;
          }
          const got = await this.unit(open, 'hopper', h.address, (deps) => runHopper(h, line.count, base + coinsPaid(open, h.address), deps));
          paid += got;
          if (got < line.value * line.count) failed.add(h.address);
        }
      }
      return await this.finish(open, false);
    } finally {
      this.running = undefined;
      await this.refreshLevels().catch(() => undefined);
    }
  }

  /** Run one unit, journal what it paid (and an empty hopper's level), return its value. */
  private async unit(open: OpenPayout, unit: 'recycler' | 'hopper', address: number | undefined, run: (deps: Parameters<typeof runRecycler>[4]) => Promise<UnitOutcome>): Promise<number> {
    const base = open.units.reduce((a, u) => a + u.paid, 0);
    const out = await run({
      clock: this.d.clock, log: this.d.log, pollMs: this.d.pollMs, poll: () => this.d.poll(),
      progress: async (paid) => {
        await this.record('payout.progress', open.payoutId, { unit, ...(address !== undefined ? { address } : {}), paid });
        if (this.running) this.running.paid = base + paid;
        this.emit(open, 'dispensing', base + paid);
      },
    });
    await this.record('payout.unit', open.payoutId, { unit, ...(address !== undefined ? { address } : {}), dispensed: out.dispensed, paid: out.paid, fault: out.fault });
    if (out.fault === 'CASH_PAYOUT_EMPTY' && address !== undefined) {
      await this.record('hopper.corrected', `hopper:${address}`, { level: 0, reason: 'ran empty while paying out' });
    }
    if (out.fault) this.d.host.noteError(out.fault);
    return out.paid;
  }

  private async finish(open: OpenPayout, recovered: boolean): Promise<PayoutResult> {
    const paid = open.units.reduce((a, u) => a + u.paid, 0);
    const lines = open.units.flatMap((u) =>
      Object.entries(u.dispensed).map(([value, count]) => ({ value: Number(value), count, source: u.unit })),
    );
    const fault = open.units.find((u) => u.fault)?.fault ?? (paid < open.requested ? 'CASH_CHANGE_NOT_PAYABLE' : null);
    const status = paid >= open.requested ? 'paid' : paid > 0 ? 'partial' : 'failed';
    await this.record('payout.finished', open.payoutId, { status, paid, remainder: open.requested - paid, dispensed: lines, fault, recovered });
    const result = strip(this.d.book.result(open.payoutId)!);
    this.d.log.info({ payoutId: open.payoutId, purpose: open.purpose, requested: open.requested, paid, status, fault, recovered }, 'payout finished');
    this.emit(open, recovered ? 'recovered' : 'finished', paid, result);
    return result;
  }

  /**
   * Settle payouts a crash or power cut left open, from the counters (the validator must be idle and the
   * recycler's events drained). A payout whose hopper does not answer stays open until it does.
   */
  async recover(): Promise<PayoutResult[]> {
    const out: PayoutResult[] = [];
    for (const open of this.d.book.openPayouts()) {
      if (this.d.recycler && !open.units.some((u) => u.unit === 'recycler') && Object.keys(open.before.notes).length > 0) {
        const dispensed = levelDiff(open.before.notes, await this.d.recycler.levels());
        const paid = Object.entries(dispensed).reduce((a, [v, n]) => a + Number(v) * n, 0);
        await this.record('payout.unit', open.payoutId, { unit: 'recycler', dispensed, paid, fault: null, recovered: true });
      }
      let silent = false;
      for (const [addr, before] of Object.entries(open.before.hoppers)) {
        const h = this.d.hoppers.find((x) => String(x.address) === addr);
        if (!h || open.units.some((u) => u.unit === 'hopper' && String(u.address) === addr)) continue;
        const after = await settledCount(h, this.d.clock, 5000);
        if (after === undefined) {
          silent = true;
          continue;
        }
        const coins = Math.max(0, after - before);
        await this.record('payout.unit', open.payoutId, { unit: 'hopper', address: h.address, dispensed: coins > 0 ? { [String(h.value)]: coins } : {}, paid: coins * h.value, fault: null, recovered: true });
      }
      if (silent) {
        this.d.log.warn({ payoutId: open.payoutId }, 'a hopper of an interrupted payout does not answer: settled when it does');
        continue;
      }
      out.push(await this.finish(open, true));
    }
    await this.refreshLevels();
    return out;
  }

  private emit(p: { payoutId: string; purpose: PayoutPurpose; refersTo: string | null; requested: number; currency: string; transaction?: string | undefined }, phase: 'started' | 'dispensing' | 'finished' | 'recovered', paid: number, result?: PayoutResult): void {
    this.d.host.emit('payout', {
      payoutId: p.payoutId, purpose: p.purpose, refersTo: p.refersTo, phase, requested: p.requested, paid, currency: p.currency,
      ...(result ? { status: result.status, fault: result.fault } : {}), ...(p.transaction ? { transaction: p.transaction } : {}),
    });
  }
}

function coinsPaid(open: OpenPayout, address: number): number {
  return open.units.filter((u) => u.unit === 'hopper' && u.address === address).reduce((a, u) => a + Object.values(u.dispensed).reduce((x, y) => x + y, 0), 0);
}
