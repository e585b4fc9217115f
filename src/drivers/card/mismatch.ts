/**
 * An approval the driver refuses because the terminal's figures are not the request's (verify.ts): the
 * refusal is journaled first (the terminal's figures next to the intent's), then, where the protocol
 * allows — a sale with a receipt number — the terminal is told at once to reverse that receipt, and the
 * reversal is journaled as any other. A transaction that is not this one is never reversed (its receipt
 * may be someone else's money): it waits for a technician with the rest of the attention list.
 */
import { KioskError, toKioskError } from '../../core/errors.js';
import type { DriverHost } from '../../core/driver.js';
import type { Logger } from '../../core/logger.js';
import type { CardApi, CardOutcome, CardReversal } from './api.js';
import { attentionOf } from './attention.js';
import type { CardLedger, OperationRecord } from './ledger.js';
import { mismatchOutcome, reversalFromTerminal, traceAfter } from './outcome.js';
import type { OperationHooks, PaymentTerminal, TerminalOutcome, TerminalTransaction } from './terminal.js';
import { currencyCode, figuresOf, verifyReversal, type Verdict } from './verify.js';

export interface RefusalDeps {
  readonly ledger: CardLedger;
  readonly terminal: PaymentTerminal;
  readonly host: DriverHost<CardApi>;
  readonly log: Logger;
  readonly hooks: OperationHooks;
  readonly signal: AbortSignal;
  /** The link failed during the reversal: hand the device back for a reconnect and reconciliation. */
  readonly lost: (err: unknown) => void;
}

/** A decline with other figures than asked for: nothing was charged; keep what the terminal said with it. */
export function withDeclinedFigures(outcome: CardOutcome, result: TerminalOutcome, verdict: Verdict, log: Logger): CardOutcome {
  if (outcome.result !== 'declined' || result.kind !== 'declined' || !result.transaction || verdict.ok) return outcome;
  log.warn({ key: outcome.idempotencyKey, why: verdict.why }, 'card terminal declined with other figures than asked for');
  return { ...outcome, terminal: figuresOf(result.transaction) };
}

/** The reversal's outcome, failed AMOUNT_MISMATCH if the terminal reversed other figures than expected. */
export function checkedReversal(r: OperationRecord, result: TerminalOutcome, amount: number, currency: string): CardReversal {
  const reversal = reversalFromTerminal(r, result);
  if (result.kind !== 'approved') return reversal;
  const v = verifyReversal(result.transaction, amount, currency);
  return v.ok ? reversal : { ...reversal, result: 'failed', reason: 'AMOUNT_MISMATCH', terminal: figuresOf(result.transaction) };
}

export async function refuseApproval(
  d: RefusalDeps,
  record: OperationRecord,
  t: TerminalTransaction,
  lines: readonly string[],
  verdict: Extract<Verdict, { ok: false }>,
): Promise<{ outcome: CardOutcome; trace: number | undefined }> {
  const outcome = mismatchOutcome(record, verdict.reason, t, lines);
  d.host.count('mismatches');
  d.log.error(
    { key: record.key, reason: verdict.reason, why: verdict.why, requested: { amount: record.amount, currency: record.currency }, terminal: outcome.terminal },
    'card terminal reported other figures than asked for: not approved',
  );
  try {
    await d.ledger.outcome(record, outcome);
  } catch (err) {
    // nothing can be journaled: do not move more money; the terminal's figures are in the log above
    d.host.noteError(toKioskError(err).code);
    return { outcome, trace: t.trace };
  }
  if (verdict.reason !== 'AMOUNT_MISMATCH' || record.operation !== 'sale' || t.receiptNo === undefined) return { outcome, trace: t.trace };
  await d.ledger.reversalIntent(record, t.receiptNo, t.trace ?? null);
  let result: TerminalOutcome;
  try {
    result = await d.terminal.reverse({ receiptNo: t.receiptNo }, d.hooks, d.signal);
  } catch (err) {
    d.lost(err); // the reversal intent stays open and is reconciled after the reconnect
    return { outcome: { ...outcome, charged: 'unknown' }, trace: undefined };
  }
  const reversal = checkedReversal(record, result, t.amount ?? record.amount, t.currency === undefined ? record.currency : currencyCode(t.currency));
  await d.ledger.reversalOutcome(record, reversal);
  d.log.warn({ key: record.key, result: reversal.result, reason: reversal.reason }, 'reversal of a refused approval finished');
  return { outcome: { ...outcome, charged: reversal.result === 'reversed' ? 'no' : 'yes' }, trace: traceAfter(result) };
}

/** A technician settled a listed transaction: journaled with who and how, and logged as an audit line. */
export async function resolveAttention(
  ledger: CardLedger,
  log: Logger,
  input: { idempotencyKey: string; technician: string; resolution: string },
  requester: string | undefined,
): Promise<{ idempotencyKey: string; remaining: number }> {
  const r = ledger.get(input.idempotencyKey);
  if (!r) throw new KioskError('CARD_TRANSACTION_UNKNOWN');
  if (attentionOf([r]).length === 0) throw new KioskError('CARD_NOTHING_TO_RESOLVE');
  ledger.ensureWritable();
  await ledger.resolved(r, input.technician, input.resolution);
  log.info({ key: r.key, technician: input.technician, requester }, 'audit: card mismatch resolved');
  return { idempotencyKey: r.key, remaining: attentionOf(ledger.all()).length };
}
