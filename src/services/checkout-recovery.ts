/**
 * After a restart (kill -9, power cut): every checkout that had not ended is brought to a known state
 * from the journal and the devices' own records, never by asking the devices to act again blindly.
 *
 * - A cash step journaled as started: the cash driver's `session.opened` carrying the step's
 *   transaction names its session; the credits journaled for it are what was taken (the cash driver
 *   closed it as interrupted at its own start). No such session: nothing was taken. A note still
 *   between escrow and cashbox: CASH_UNCERTAIN.
 * - A card step: the card driver's record of the step's key. Unknown to it: the sale never reached the
 *   terminal. Pending: wait for the card driver's own reconciliation (tried again on the next card
 *   state change). Done: its outcome, as if it had just come.
 * - A receipt: printed again under the same print key; the printer answers `duplicate` (it was
 *   printed), prints it (it never was), or JOB_ALREADY_ATTEMPTED (RECEIPT_UNCERTAIN).
 * Then: paid in full -> receipt and end; else suspended (CREDIT_HELD when money was taken), for the
 * citizen's UI to resume with the same key or for a technician.
 */
import type { Journal } from '../core/journal.js';
import { toKioskError } from '../core/errors.js';
import { isFinal, outcomeOf, type CheckoutView } from './checkout-ledger.js';
import type { Checkouts } from './checkout.js';
import { applyCardOutcome, receiptStep, type StepHost } from './checkout-steps.js';

const UP = new Set(['ready', 'busy']);

/** The cash driver's view of the session a checkout's cash step opened (from the shared journal). */
export function cashSessionOf(journal: Journal, transaction: string): { sessionId: string; total: number; closed: boolean; inFlight: boolean } | undefined {
  const opened = journal.list({ stream: 'cash', type: 'session.opened' }).find((e) => e.data.transaction === transaction);
  if (!opened) return undefined;
  let total = 0;
  let closed = false;
  let inFlight = false;
  for (const e of journal.list({ stream: 'cash', key: opened.key })) {
    const value = typeof e.data.value === 'number' ? e.data.value : 0;
    if (e.type === 'note.credited' || e.type === 'coin.credited') total += value;
    if (e.type === 'session.closed') closed = true;
    if (e.type === 'note.accepting') inFlight = true;
    if (e.type === 'note.credited' || e.type === 'note.returned' || e.type === 'note.uncertain') inFlight = false;
  }
  return { sessionId: opened.key, total, closed, inFlight };
}

async function recoverCash(c: Checkouts, host: StepHost, journal: Journal, v: CheckoutView): Promise<'done' | 'later' | 'attention'> {
  const open = v.openCash;
  if (!open) return 'done';
  if (!UP.has(host.devices.view('cash')?.status ?? '')) return 'later';
  const s = cashSessionOf(journal, open.transaction);
  if (!s) {
    await c.record('cash.ended', v.key, { n: open.n, status: 'never-opened', total: 0, recovered: true });
    return 'done';
  }
  if (!s.closed) return 'later';
  await c.record('cash.ended', v.key, { n: open.n, status: 'interrupted', total: s.total, sessionId: s.sessionId, recovered: true });
  if (!s.inFlight) return 'done';
  await c.record('attention.raised', v.key, { reason: 'CASH_UNCERTAIN', sessionId: s.sessionId });
  await c.record('checkout.ended', v.key, { state: 'attention', reason: 'CASH_UNCERTAIN', ...outcomeOf(c.view(v.key)) });
  return 'attention';
}

async function recoverCard(c: Checkouts, host: StepHost, v: CheckoutView): Promise<'done' | 'later' | 'attention'> {
  const open = v.openCard;
  if (!open) return 'done';
  if (!UP.has(host.devices.view('card')?.status ?? '')) return 'later';
  let rec: { state: string; outcome?: Parameters<typeof applyCardOutcome>[3] };
  try {
    rec = (await host.devices.run('card', 'transaction', { idempotencyKey: open.cardKey })) as typeof rec;
  } catch (err) {
    if (toKioskError(err).code !== 'CARD_TRANSACTION_UNKNOWN') return 'later';
    await c.record('card.ended', v.key, { n: open.n, result: 'not-sent', amount: open.amount, recovered: true });
    return 'done';
  }
  if (rec.state !== 'done' || !rec.outcome) return 'later';
  const out = await applyCardOutcome(host, v, open.n, rec.outcome, true);
  return out === 'attention' ? 'attention' : 'done';
}

/** Bring every unfinished checkout (not the running one) to a known state; true when none is left waiting. */
export async function recoverCheckouts(c: Checkouts): Promise<boolean> {
  const journal = await c.journal();
  const host = c.stepHost();
  let waiting = false;
  for (const v of c.ledger.all()) {
    if (isFinal(v) || c.active === v.key) continue;
    if (v.state === 'suspended' && !v.openCash && !v.openCard && !v.openReceipt) continue;
    const cash = await recoverCash(c, host, journal, v);
    const card = cash === 'done' ? await recoverCard(c, host, v) : cash;
    if (cash === 'later' || card === 'later') {
      host.log.info({ checkout: v.key, cash, card, cashStatus: host.devices.view('cash')?.status, cardStatus: host.devices.view('card')?.status }, 'checkout recovery waits for a device');
      c.waiting.add(v.key);
      waiting = true;
      continue;
    }
    c.waiting.delete(v.key);
    if (cash === 'attention' || card === 'attention') continue;
    if (v.openReceipt && !UP.has(host.devices.view('printer')?.status ?? '')) {
      waiting = true;
      continue;
    }
    if (v.openReceipt) await receiptStep(host, v);
    const now = c.view(v.key);
    if (now.cash + now.card >= now.params.amount) await c.finish(now, host);
    else if (now.state !== 'suspended') await c.halt(now, 'restart');
    host.log.warn({ checkout: v.key, state: c.view(v.key).state }, 'checkout recovered after a restart');
  }
  return !waiting;
}
