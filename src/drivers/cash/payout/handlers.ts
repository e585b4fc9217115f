/**
 * The payout commands of `device/cash`: can-pay-out, dispense (refunds tied to their deposit, never
 * twice for one idempotency key), levels, and the technician's refill, empty and settle-payout, each
 * journaled and logged as an audit line.
 */
import type { Clock } from '../../../core/clock.js';
import type { CommandContext, CommandInput, CommandOutput } from '../../../core/driver.js';
import { KioskError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { CashApi } from '../api.js';
import type { Ledger } from '../ledger.js';
import type { Session } from '../session.js';
import { levelDiff, settledCount, valueOfCounts } from './units.js';
import type { CashPayout } from './cash-payout.js';
import { strip } from './book.js';

export interface HandlerDeps {
  payout: CashPayout;
  ledger: Ledger;
  log: Logger;
  clock: Clock;
  session(): Session | undefined;
  currency(): string | undefined;
  connected(): boolean;
  /** Run in the validator loop (where payouts happen), one at a time. */
  inLoop<T>(fn: () => Promise<T>): Promise<T>;
  /** Poll the validator until the recycler reports one of these events (in the loop). */
  pollUntil(names: readonly string[], timeoutMs: number): Promise<void>;
  /** Take notes into the recycler as float for `timeoutMs` (a session that is not a payment). */
  acceptFloat(timeoutMs: number, transaction: string | undefined): Promise<Record<string, number>>;
  publish(): void;
}

type Out<K extends keyof CashApi['commands']> = CommandOutput<CashApi, K>;
type In<K extends keyof CashApi['commands']> = CommandInput<CashApi, K>;

export function payoutHandlers(d: HandlerDeps) {
  const requireCurrency = (currency: string): void => {
    const device = d.currency();
    if (currency !== device) throw new KioskError('CASH_CURRENCY_MISMATCH', `the cash device pays ${device ?? 'no currency'}, not ${currency}`);
  };
  const idle = (): void => {
    if (d.session()) throw new KioskError('DEVICE_BUSY', 'a cash session is running');
    if (!d.connected()) throw new KioskError('CASH_PAYOUT_UNAVAILABLE', 'the validator is not connected');
  };
  return {
    'can-pay-out': async (input: In<'can-pay-out'>): Promise<Out<'can-pay-out'>> => {
      requireCurrency(input.currency);
      const plan = d.payout.fitted && !d.payout.jammed ? d.payout.payouts.plan(input.amount) : { payable: 0, remainder: input.amount, lines: [] };
      return { amount: input.amount, currency: input.currency, payable: plan.payable, remainder: plan.remainder, plan: plan.lines.map(({ value, count, source }) => ({ value, count, source })) };
    },

    dispense: async (input: In<'dispense'>, ctx: CommandContext): Promise<Out<'dispense'>> => {
      d.payout.requireFitted();
      const payoutId = `dispense:${input.idempotencyKey}`;
      const known = d.payout.book.result(payoutId);
      if (known) {
        if (known.requested !== input.amount || known.currency !== input.currency || known.refersTo !== (input.sessionId ?? null)) throw new KioskError('CASH_IDEMPOTENCY_MISMATCH');
        return { ...strip(known), replayed: true };
      }
      if (d.payout.book.isOpen(payoutId)) return { ...(await d.payout.settled(payoutId)), replayed: true };
      if (d.ledger.unavailable) throw new KioskError('JOURNAL_UNAVAILABLE');
      requireCurrency(input.currency);
      if (input.sessionId === undefined) {
        if (ctx.role === 'ui') throw new KioskError('CASH_REFUND_NO_DEPOSIT');
      } else {
        const deposit = d.ledger.session(input.sessionId);
        if (!deposit) throw new KioskError('CASH_REFUND_NO_DEPOSIT', `no cash session ${input.sessionId} in this journal`);
        const left = deposit.total - d.payout.book.paidBack(input.sessionId);
        if (deposit.currency !== input.currency || input.amount > left) {
          throw new KioskError('CASH_REFUND_EXCEEDS_DEPOSIT', undefined, { details: { left: Math.max(0, left) } });
        }
      }
      idle();
      const plan = d.payout.payouts.plan(input.amount);
      if (plan.remainder > 0 && !input.allowPartial) {
        throw new KioskError('CASH_CHANGE_NOT_PAYABLE', undefined, { details: { payable: plan.payable, remainder: plan.remainder } });
      }
      d.log.info({ payoutId, amount: input.amount, reason: input.reason, reference: input.reference, sessionId: input.sessionId, requester: ctx.requester, role: ctx.role }, 'cash refund asked');
      const result = await d.inLoop(() =>
        d.payout.pay({ payoutId, purpose: 'refund', refersTo: input.sessionId ?? null, amount: input.amount, currency: input.currency, transaction: ctx.transaction }),
      );
      d.publish();
      return { ...result, replayed: false };
    },

    levels: async (): Promise<Out<'levels'>> => {
      if (d.connected()) await d.inLoop(() => d.payout.payouts.refreshLevels());
      return d.payout.levels();
    },

    refill: async (input: In<'refill'>, ctx: CommandContext): Promise<Out<'refill'>> => {
      d.payout.requireFitted();
      idle();
      const coins: Record<string, number> = {};
      for (const [value, count] of Object.entries(input.coins)) {
        const h = d.payout.hoppers.find((x) => String(x.value) === value);
        if (!h) throw new KioskError('INVALID_PAYLOAD', `no hopper pays coins of ${value}`);
        await d.payout.payouts.record('hopper.refilled', `hopper:${h.address}`, { value: h.value, count, technician: input.technician, ...(input.comment ? { comment: input.comment } : {}) });
        coins[value] = (coins[value] ?? 0) + count;
      }
      const notes = input.notesTimeoutMs !== undefined ? await d.acceptFloat(input.notesTimeoutMs, ctx.transaction) : {};
      await d.inLoop(() => d.payout.payouts.refreshLevels());
      d.log.info({ technician: input.technician, requester: ctx.requester, coins, notes }, 'audit: payout float refilled');
      d.publish();
      return { notes, coins, value: valueOfCounts(notes) + valueOfCounts(coins), levels: d.payout.levels() };
    },

    empty: async (input: In<'empty'>, ctx: CommandContext): Promise<Out<'empty'>> => {
      d.payout.requireFitted();
      idle();
      const out = await d.inLoop(async () => {
        const notes = input.target !== 'coins' ? await emptyRecycler(d, input.smart, input.technician) : {};
        const coins = input.target !== 'notes' ? await emptyHoppers(d, input.technician) : {};
        return { notes, coins };
      });
      const entry = await d.payout.payouts.record('payout.emptied', 'audit', { technician: input.technician, ...out });
      d.log.info({ technician: input.technician, requester: ctx.requester, ...out }, 'audit: payout units emptied');
      d.publish();
      return { ...out, value: valueOfCounts(out.notes) + valueOfCounts(out.coins), at: entry.at };
    },

    'settle-payout': async (input: In<'settle-payout'>, ctx: CommandContext): Promise<Out<'settle-payout'>> => {
      if (!d.payout.book.unresolved().some((r) => r.payoutId === input.payoutId)) throw new KioskError('CASH_UNKNOWN_PAYOUT');
      await d.payout.payouts.record('payout.settled', input.payoutId, { paid: input.paid, by: input.by });
      d.log.info({ payoutId: input.payoutId, paid: input.paid, by: input.by, requester: ctx.requester }, 'audit: payout settled');
      d.publish();
      return strip(d.payout.book.result(input.payoutId)!);
    },
  };
}

/** EMPTY ALL / SMART EMPTY: what left the store goes to the cashbox (journaled as such). */
async function emptyRecycler(d: HandlerDeps, smart: boolean, technician: string): Promise<Record<string, number>> {
  const recycler = d.payout.payouts;
  await recycler.refreshLevels();
  const before = Object.fromEntries(recycler.notes.map((l) => [String(l.value), l.count]));
  await d.payout.emptyRecycler(smart);
  await d.pollUntil(['emptied', 'smartEmptied'], 120_000);
  await recycler.refreshLevels();
  const moved = levelDiff(before, recycler.notes);
  await recycler.record('recycler.emptied', 'recycler', { notes: moved, technician });
  return moved;
}

/** Pay each hopper's coins out into the tray for the technician; the hopper's own count says how many. */
async function emptyHoppers(d: HandlerDeps, technician: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const h of d.payout.hoppers.filter((x) => d.payout.online.has(x.address))) {
    let level = d.payout.book.hopperLevel(h.address);
    const before = await h.dispenseCount();
    while (level > 0) {
      await h.dispense(Math.min(255, level));
      await d.clock.sleep(200);
      const after = await settledCount(h, d.clock, 60_000);
      const paid = after === undefined ? 0 : after - before - (out[String(h.value)] ?? 0);
      if (paid <= 0) break;
      out[String(h.value)] = (out[String(h.value)] ?? 0) + paid;
      level -= paid;
    }
    const n = out[String(h.value)] ?? 0;
    await d.payout.payouts.record('hopper.emptied', `hopper:${h.address}`, { value: h.value, count: n, technician });
    if (level > 0) await d.payout.payouts.record('hopper.corrected', `hopper:${h.address}`, { level: 0, reason: 'empty: fewer coins than counted' });
  }
  return out;
}
