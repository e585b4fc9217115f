/**
 * The technician's list (pure): every journaled transaction whose terminal figures differ from the
 * kiosk's, until a technician resolves it. Published in the card state's `attention` (retained, and on
 * the fleet link: no personal data in it) and raised as the alert CARD_MISMATCH.
 */
import { MISMATCH_REASONS, type Attention, type CardOutcome } from './api.js';
import type { OperationRecord } from './ledger.js';

const MISMATCH = new Set<string>(MISMATCH_REASONS);

/**
 * Whether the customer was charged, for an outcome that failed on a mismatch: a reversal that went
 * through makes it `no`; one still being reconciled, `unknown`; a refused one leaves the charge (`yes`).
 */
export function effectiveCharged(r: OperationRecord, outcome: Extract<CardOutcome, { result: 'failed' }>): 'no' | 'unknown' | 'yes' {
  if (outcome.reason !== 'AMOUNT_MISMATCH' || !r.reversal) return outcome.charged;
  if (!r.reversal.outcome) return 'unknown';
  return r.reversal.outcome.result === 'reversed' ? 'no' : outcome.charged;
}

export function attentionOf(records: Iterable<OperationRecord>): Attention[] {
  const out: Attention[] = [];
  for (const r of records) {
    if (r.resolved) continue;
    const requested = { amount: r.amount, currency: r.currency };
    const o = r.outcome;
    if (o?.result === 'failed' && MISMATCH.has(o.reason)) {
      const reason = o.reason as Attention['reason'];
      out.push({ idempotencyKey: r.key, operation: r.operation, reason, requested, terminal: o.terminal ?? {}, charged: effectiveCharged(r, o), at: r.outcomeAt ?? '' });
    }
    const rev = r.reversal?.outcome;
    if (rev?.result === 'failed' && rev.reason !== undefined && MISMATCH.has(rev.reason) && !(o?.result === 'failed')) {
      out.push({ idempotencyKey: r.key, operation: 'reversal', reason: rev.reason as Attention['reason'], requested, terminal: rev.terminal ?? {}, charged: 'unknown', at: r.outcomeAt ?? '' });
    }
  }
  return out;
}
