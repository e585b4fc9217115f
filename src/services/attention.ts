/**
 * The kiosk's one requires-attention list (pure): checkouts whose outcome needs a person, the card
 * driver's own list (terminal figures that differ from the kiosk's) and the cash driver's unsettled
 * sessions, each once. Retained on `bridge/attention`, shown by `kioskd attention`, sent to the fleet:
 * amounts, service ids and reasons only — no card number, no name, not even the citizen's reference.
 */
import type { AttentionItem } from '../api/checkout.js';
import type { DeviceView } from './availability.js';
import type { CheckoutView } from './checkout-ledger.js';

const CARD_REASON: Record<string, AttentionItem['reason']> = {
  AMOUNT_MISMATCH: 'CARD_AMOUNT_MISMATCH', TRANSACTION_MISMATCH: 'CARD_TRANSACTION_MISMATCH', RECONCILE_MISMATCH: 'CARD_RECONCILE_MISMATCH',
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

export function attentionItems(checkouts: readonly CheckoutView[], card: DeviceView | undefined, cash: DeviceView | undefined, at: (v: CheckoutView) => string, waiting: ReadonlySet<string> = new Set()): AttentionItem[] {
  const items: AttentionItem[] = [];
  const cardKeys = new Set<string>();
  const cashSessions = new Set<string>();
  for (const v of checkouts) {
    for (let n = 1; n <= v.cardRuns; n++) cardKeys.add(`${v.key}.card${n}`);
    for (const s of v.cashSessions) cashSessions.add(s);
    // A step interrupted by a restart whose device is not back yet: not known, so listed until it is.
    const reason = v.attention ?? (waiting.has(v.key) ? (v.openCard ? 'CARD_OUTCOME_UNKNOWN' : 'CASH_UNCERTAIN') : undefined);
    if (!reason) continue;
    items.push({
      id: `checkout:${v.key}`, source: 'checkout', reason, service: v.params.service, amount: v.params.amount, currency: v.params.currency,
      paid: { cash: v.cash, card: v.card }, at: at(v),
    });
  }
  for (const a of list(card?.detail.attention)) {
    const key = text(a.idempotencyKey);
    if (cardKeys.has(key)) continue;
    const requested = (a.requested ?? {}) as Record<string, unknown>;
    items.push({
      id: `card:${key}`, source: 'card', reason: CARD_REASON[String(a.reason)] ?? 'CARD_OUTCOME_UNKNOWN',
      ...(typeof requested.amount === 'number' ? { amount: requested.amount } : {}), ...(typeof requested.currency === 'string' ? { currency: requested.currency } : {}),
      at: text(a.at),
    });
  }
  for (const s of list(cash?.detail.unsettled)) {
    const id = text(s.sessionId);
    if (cashSessions.has(id)) continue;
    items.push({
      id: `cash:${id}`, source: 'cash', reason: 'CASH_SESSION_UNSETTLED', ...(typeof s.total === 'number' ? { amount: s.total } : {}),
      ...(typeof s.currency === 'string' ? { currency: s.currency } : {}), at: text(s.openedAt),
    });
  }
  return items;
}
