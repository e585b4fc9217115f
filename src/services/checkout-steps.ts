/**
 * The steps of a checkout, each journaled before the device acts and after it answered. Each returns
 * what the checkout does next; a step whose outcome cannot be known raises `attention.raised` and ends
 * the checkout in the `attention` state (a person decides, nothing is retried).
 */
import type { Service } from '../api/catalogue.js';
import type { CheckoutProgress } from '../api/checkout.js';
import type { Clock } from '../core/clock.js';
import { toKioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { outcomeOf, type CheckoutView } from './checkout-ledger.js';
import type { DevicePort } from './ports.js';
import { receiptDocument } from './receipt.js';

/** Why a running checkout is asked to stop: the citizen cancelled, the session ended, the daemon stops, or (split) cash is done. */
export type Stop = 'cancel' | 'session' | 'shutdown' | 'continue';

export interface StepHost {
  devices: DevicePort;
  log: Logger;
  clock: Clock;
  record(type: string, key: string, data: Record<string, unknown>): Promise<void>;
  progress(v: CheckoutView, step: CheckoutProgress['step'], messageKey: string): void;
  cashTimeoutMs: number;
  service(id: string): Service | undefined;
  phase(p: 'cash' | 'card' | 'receipt' | 'idle'): void;
}

const REFUSED = new Set(['DEVICE_BUSY', 'DEVICE_UNAVAILABLE', 'DEVICE_DISABLED', 'UNKNOWN_DEVICE', 'JOURNAL_UNAVAILABLE', 'JOURNAL_CORRUPT', 'CASH_CURRENCY_MISMATCH', 'CARD_CURRENCY_NOT_ACCEPTED', 'INVALID_PAYLOAD', 'SHUTTING_DOWN']);

async function attention(host: StepHost, v: CheckoutView, reason: string, extra: Record<string, unknown> = {}): Promise<'attention'> {
  await host.record('attention.raised', v.key, { reason, ...extra });
  await host.record('checkout.ended', v.key, { state: 'attention', reason, ...outcomeOf(v) });
  host.log.warn({ checkout: v.key, reason }, 'checkout needs a person');
  host.progress(v, 'done', 'checkout.attention');
  return 'attention';
}

/** Take cash up to `due`: `paid` when it came, `short` when intake ended before (cancel, timeout, continue). */
export async function cashStep(host: StepHost, v: CheckoutView, due: number): Promise<'paid' | 'short' | 'attention'> {
  const n = v.cashRuns + 1;
  const transaction = `co:${v.key}:cash${n}`;
  await host.record('cash.started', v.key, { n, due, transaction });
  host.phase('cash');
  host.progress(v, 'cash', 'checkout.insertCash');
  let out: { status: string; total: number; sessionId: string; pending: boolean; paidOut?: number };
  try {
    out = (await host.devices.run('cash', 'accept', { amountDue: due, currency: v.params.currency, timeoutMs: host.cashTimeoutMs }, transaction)) as typeof out;
  } catch (err) {
    const e = toKioskError(err);
    if (!REFUSED.has(e.code)) return attention(host, v, 'CASH_UNCERTAIN', { code: e.code });
    await host.record('cash.ended', v.key, { n, status: 'refused', total: 0, code: e.code });
    return 'short';
  } finally {
    host.phase('idle');
  }
  // Change (paid session) or repay (unpaid) the cash driver paid back under its own journaled payout of this session.
  await host.record('cash.ended', v.key, { n, status: out.status, total: out.total, sessionId: out.sessionId, ...(out.paidOut ? { paidOut: out.paidOut } : {}) });
  // A note still between escrow and cashbox when intake ended: its fate comes later, as a late credit.
  if (out.pending) return attention(host, v, 'CASH_UNCERTAIN', { sessionId: out.sessionId });
  return out.total >= due ? 'paid' : 'short';
}

type CardOutcome = { result: string; amount: number; charged?: string; reason?: string; card?: { masked: string; brand: string }; authCode?: string };

const MISMATCH: Record<string, string> = { AMOUNT_MISMATCH: 'CARD_AMOUNT_MISMATCH', TRANSACTION_MISMATCH: 'CARD_TRANSACTION_MISMATCH', RECONCILE_MISMATCH: 'CARD_RECONCILE_MISMATCH' };

/** Journal a card outcome; `approved`, or why not, or attention when the charge cannot be known. */
export async function applyCardOutcome(host: StepHost, v: CheckoutView, n: number, o: CardOutcome, recovered = false): Promise<'approved' | 'declined' | 'cancelled' | 'attention'> {
  const base = { n, result: o.result, amount: o.amount, ...(recovered ? { recovered } : {}) };
  if (o.result === 'approved') {
    await host.record('card.ended', v.key, { ...base, masked: o.card?.masked ?? '', brand: o.card?.brand ?? '', ...(o.authCode ? { authCode: o.authCode } : {}) });
    return 'approved';
  }
  await host.record('card.ended', v.key, { ...base, ...(o.charged ? { charged: o.charged } : {}), ...(o.reason ? { reason: o.reason } : {}) });
  if (o.result === 'failed' && o.charged !== 'no') return attention(host, v, MISMATCH[o.reason ?? ''] ?? 'CARD_OUTCOME_UNKNOWN', { charged: o.charged ?? 'unknown' });
  return o.result === 'cancelled' ? 'cancelled' : 'declined';
}

/** Charge `amount` by card under a key of its own (`{checkout}.card{n}`): the card driver never charges a key twice. */
export async function cardStep(host: StepHost, v: CheckoutView, amount: number): Promise<'approved' | 'declined' | 'cancelled' | 'attention'> {
  const n = v.cardRuns + 1;
  const cardKey = `${v.key}.card${n}`;
  await host.record('card.started', v.key, { n, cardKey, amount });
  host.phase('card');
  host.progress(v, 'card', 'checkout.presentCard');
  let o: CardOutcome;
  try {
    o = (await host.devices.run('card', 'sale', { amount, currency: v.params.currency, reference: v.params.reference, idempotencyKey: cardKey }, `co:${v.key}:card${n}`)) as CardOutcome;
  } catch (err) {
    const e = toKioskError(err);
    if (!REFUSED.has(e.code)) return attention(host, v, 'CARD_OUTCOME_UNKNOWN', { code: e.code });
    await host.record('card.ended', v.key, { n, result: 'refused', amount, code: e.code });
    return 'declined';
  } finally {
    host.phase('idle');
  }
  return applyCardOutcome(host, v, n, o);
}

const NOTHING_PRINTED = new Set(['PAPER_OUT', 'COVER_OPEN', 'PRINTER_ERROR', 'DOCUMENT_INVALID', 'FONT_MISSING', 'DOCUMENT_TOO_LARGE', 'DEVICE_BUSY', 'DEVICE_UNAVAILABLE', 'DEVICE_DISABLED']);

/** Print the receipt under the checkout's own print key: the printer never prints a key twice. */
export async function receiptStep(host: StepHost, v: CheckoutView): Promise<void> {
  const printKey = v.openReceipt ?? `${v.key}.rcpt`;
  if (!host.devices.view('printer')) return;
  if (!v.openReceipt) await host.record('receipt.started', v.key, { printKey });
  host.progress(v, 'receipt', 'checkout.printing');
  try {
    await host.devices.run('printer', 'print', { document: receiptDocument(v, host.service(v.params.service), host.clock.iso()), idempotencyKey: printKey });
    await host.record('receipt.ended', v.key, { result: 'printed' });
  } catch (err) {
    const code = toKioskError(err).code;
    const nothing = NOTHING_PRINTED.has(code);
    await host.record('receipt.ended', v.key, { result: nothing ? 'failed' : 'uncertain', code });
    await host.record('attention.raised', v.key, { reason: nothing ? 'RECEIPT_NOT_PRINTED' : 'RECEIPT_UNCERTAIN', code });
  }
}

/** The cash driver's sessions that a restart interrupted are settled as `applied` to this checkout. */
export async function settleCash(host: StepHost, v: CheckoutView): Promise<void> {
  for (const sessionId of v.cashSessions) {
    await host.devices.run('cash', 'settle', { sessionId, resolution: 'applied', by: `checkout:${v.key}`.slice(0, 64) }).catch(() => undefined);
  }
}
