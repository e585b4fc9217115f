/**
 * From what the terminal said to what the API answers, and reconciliation: deciding, from the terminal's
 * last transaction, what became of an operation whose outcome was lost. Pure functions.
 */
import type { CardOutcome, CardReversal, TerminalFigures } from './api.js';
import type { OperationRecord } from './ledger.js';
import type { LastTransaction, TerminalOutcome, TerminalTransaction } from './terminal.js';
import { figuresOf, numericCurrency } from './verify.js';

type Base = Pick<CardOutcome, 'idempotencyKey' | 'reference' | 'operation' | 'amount' | 'currency'>;

function baseOf(r: Pick<OperationRecord, 'key' | 'reference' | 'operation' | 'amount' | 'currency'>): Base {
  return { idempotencyKey: r.key, reference: r.reference, operation: r.operation, amount: r.amount, currency: r.currency };
}

function approvedOf(base: Base, t: TerminalTransaction, lines: readonly string[], recovered: boolean): CardOutcome {
  return {
    ...base,
    result: 'approved',
    card: t.card ?? { masked: '', brand: 'unknown' },
    ...(t.authCode !== undefined ? { authCode: t.authCode } : {}),
    ...(t.receiptNo !== undefined ? { receiptNo: t.receiptNo } : {}),
    ...(t.trace !== undefined ? { trace: t.trace } : {}),
    ...(t.terminalId !== undefined ? { terminalId: t.terminalId } : {}),
    receiptText: lines.join('\n'),
    recovered,
  };
}

export function fromTerminal(
  r: Pick<OperationRecord, 'key' | 'reference' | 'operation' | 'amount' | 'currency'>,
  t: TerminalOutcome,
  kioskCancelled: boolean,
): CardOutcome {
  const base = baseOf(r);
  const receiptText = t.receipt.lines.join('\n');
  switch (t.kind) {
    case 'approved':
      return approvedOf(base, t.transaction, t.receipt.lines, false);
    case 'declined':
      return { ...base, result: 'declined', reason: t.reason, resultCode: t.resultCode, receiptText, recovered: false };
    case 'cancelled':
      return { ...base, result: 'cancelled', reason: kioskCancelled ? 'KIOSK_CANCELLED' : 'CUSTOMER_CANCELLED', receiptText, recovered: false };
    case 'failed':
      return { ...base, result: 'failed', reason: t.reason, charged: 'no', receiptText, recovered: false };
  }
}

/** The answer while the outcome is being reconciled (not journaled: the intent stays open). */
export function unknownOutcome(r: OperationRecord, reason: string): CardOutcome {
  return { ...baseOf(r), result: 'failed', reason, charged: 'unknown', receiptText: '', recovered: false };
}

/**
 * A sale or refund the terminal approved with other figures than asked for, or that was not this
 * transaction: never `approved`. `charged` is `yes` for a different amount (the terminal did charge its
 * figures; a reversal may follow) and `unknown` for another transaction's result.
 */
export function mismatchOutcome(
  r: Pick<OperationRecord, 'key' | 'reference' | 'operation' | 'amount' | 'currency'>,
  reason: 'AMOUNT_MISMATCH' | 'TRANSACTION_MISMATCH',
  t: TerminalTransaction,
  lines: readonly string[],
): Extract<CardOutcome, { result: 'failed' }> {
  const charged = reason === 'AMOUNT_MISMATCH' ? 'yes' : 'unknown';
  return { ...baseOf(r), result: 'failed', reason, charged, terminal: figuresOf(t), receiptText: lines.join('\n'), recovered: false };
}

/**
 * What the terminal's last transaction says about an operation that started when the terminal's last
 * trace was `prevTrace`. A new trace means the terminal ran a transaction after the intent; this kiosk is
 * its only ECR, so it is ours, provided amount and currency agree. An unchanged trace means it never ran.
 */
function judge(prevTrace: number | null, amount: number, currency: string, last: LastTransaction): 'not-run' | { mismatch: TerminalFigures } | TerminalTransaction {
  if (last.kind === 'none') return 'not-run';
  const t = last.transaction;
  if (t.trace === undefined || t.trace === prevTrace) return 'not-run';
  const wanted = numericCurrency(currency);
  if ((t.amount !== undefined && t.amount !== amount) || (t.currency !== undefined && wanted !== undefined && t.currency !== wanted)) return { mismatch: figuresOf(t) };
  return t;
}

export function reconcileOperation(r: OperationRecord, last: LastTransaction): CardOutcome {
  const base = baseOf(r);
  const verdict = judge(r.prevTrace, r.amount, r.currency, last);
  if (verdict === 'not-run') return { ...base, result: 'failed', reason: 'NOT_COMPLETED', charged: 'no', receiptText: '', recovered: true };
  if ('mismatch' in verdict) return { ...base, result: 'failed', reason: 'RECONCILE_MISMATCH', charged: 'unknown', terminal: verdict.mismatch, receiptText: '', recovered: true };
  const lines = last.kind === 'known' ? last.receipt.lines : [];
  if (verdict.approved) return approvedOf(base, verdict, lines, true);
  return { ...base, result: 'declined', reason: 'DECLINED', resultCode: verdict.resultCode, receiptText: lines.join('\n'), recovered: true };
}

export function reversalFromTerminal(r: OperationRecord, t: TerminalOutcome, recovered = false): CardReversal {
  const common = { idempotencyKey: r.key, reference: r.reference, receiptText: t.receipt.lines.join('\n'), recovered };
  switch (t.kind) {
    case 'approved':
      return {
        ...common,
        result: 'reversed',
        ...(t.transaction.receiptNo !== undefined ? { receiptNo: t.transaction.receiptNo } : {}),
        ...(t.transaction.trace !== undefined ? { trace: t.transaction.trace } : {}),
      };
    case 'declined':
      return { ...common, result: 'declined', reason: t.reason };
    case 'cancelled':
      return { ...common, result: 'failed', reason: 'CANCELLED' };
    case 'failed':
      return { ...common, result: 'failed', reason: t.reason };
  }
}

export function reconcileReversal(r: OperationRecord, prevTrace: number | null, last: LastTransaction): CardReversal {
  // the reversal of a sale refused for its figures reverses what the terminal charged, not what was asked
  const charged = r.outcome?.result === 'failed' ? r.outcome.terminal : undefined;
  const verdict = judge(prevTrace, charged?.amount ?? r.amount, charged?.currency ?? r.currency, last);
  const common = { idempotencyKey: r.key, reference: r.reference, recovered: true };
  if (verdict === 'not-run') return { ...common, result: 'failed', reason: 'NOT_COMPLETED', receiptText: '' };
  if ('mismatch' in verdict) return { ...common, result: 'failed', reason: 'RECONCILE_MISMATCH', terminal: verdict.mismatch, receiptText: '' };
  const receiptText = last.kind === 'known' ? last.receipt.lines.join('\n') : '';
  if (!verdict.approved) return { ...common, result: 'declined', reason: 'DECLINED', receiptText };
  return {
    ...common,
    result: 'reversed',
    receiptText,
    ...(verdict.receiptNo !== undefined ? { receiptNo: verdict.receiptNo } : {}),
    ...(verdict.trace !== undefined ? { trace: verdict.trace } : {}),
  };
}

/** The trace a terminal outcome leaves behind: a number, or undefined when it is not known. */
export function traceAfter(t: TerminalOutcome): number | undefined {
  return t.kind === 'approved' || t.kind === 'declined' ? t.transaction?.trace : undefined;
}
