/**
 * The terminal's own figures against the request (pure). A terminal reports, with every transaction, the
 * amount and currency it charged and the trace and receipt numbers it gave it (ZVT: 04 0F status
 * information). An approval is only an approval of what was asked for: a different amount or currency
 * (AMOUNT_MISMATCH), or a transaction that is not this one (TRANSACTION_MISMATCH: the terminal answered
 * with its previous transaction, or another terminal's), is never `approved`.
 */
import { CURRENCIES, type TerminalFigures } from './api.js';
import type { TerminalOutcome, TerminalTransaction } from './terminal.js';

export interface Expected {
  readonly amount: number;
  /** ISO 4217 letters of the request. */
  readonly currency: string;
  /** The terminal's last trace number before this operation (null: it had none). */
  readonly prevTrace: number | null;
  /** The terminal id it registered with, if it said. */
  readonly terminalId: string | undefined;
}

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'AMOUNT_MISMATCH' | 'TRANSACTION_MISMATCH'; readonly why: string };

const BY_NUMBER = new Map<number, string>(Object.entries(CURRENCIES).map(([code, n]) => [n, code]));

/** ISO 4217 letters of a numeric currency code, or its three digits when this kiosk does not know it. */
export function currencyCode(numeric: number): string {
  return BY_NUMBER.get(numeric) ?? String(numeric).padStart(3, '0');
}

export function numericCurrency(code: string): number | undefined {
  return (CURRENCIES as Readonly<Record<string, number>>)[code];
}

/** What the terminal reported, as the API shows it. */
export function figuresOf(t: TerminalTransaction): TerminalFigures {
  return {
    ...(t.amount !== undefined ? { amount: t.amount } : {}),
    ...(t.currency !== undefined ? { currency: currencyCode(t.currency) } : {}),
    ...(t.trace !== undefined ? { trace: t.trace } : {}),
    ...(t.receiptNo !== undefined ? { receiptNo: t.receiptNo } : {}),
    ...(t.terminalId !== undefined ? { terminalId: t.terminalId } : {}),
  };
}

/**
 * Whether the transaction the terminal reported is the one asked for. Figures the terminal left out are
 * not held against it (ZVT makes BMP 04 and 49 optional in 04 0F); the caller counts them.
 */
export function verify(t: TerminalTransaction, e: Expected): Verdict {
  if (t.trace !== undefined && e.prevTrace !== null && t.trace === e.prevTrace) {
    return { ok: false, reason: 'TRANSACTION_MISMATCH', why: `the terminal reported its previous transaction (trace ${t.trace})` };
  }
  if (t.terminalId !== undefined && e.terminalId !== undefined && t.terminalId !== e.terminalId) {
    return { ok: false, reason: 'TRANSACTION_MISMATCH', why: `terminal id ${t.terminalId}, registered as ${e.terminalId}` };
  }
  if (t.amount !== undefined && t.amount !== e.amount) {
    return { ok: false, reason: 'AMOUNT_MISMATCH', why: `amount ${t.amount}, asked ${e.amount}` };
  }
  const wanted = numericCurrency(e.currency);
  if (t.currency !== undefined && wanted !== undefined && t.currency !== wanted) {
    return { ok: false, reason: 'AMOUNT_MISMATCH', why: `currency ${currencyCode(t.currency)}, asked ${e.currency}` };
  }
  return { ok: true };
}

/** Whether the terminal left out the figures that would let it be checked. */
export function unconfirmed(t: TerminalTransaction): boolean {
  return t.amount === undefined || t.currency === undefined;
}

/**
 * A reversal the terminal approved must reverse the figures it was asked to (the sale's, or for a sale
 * refused for its figures, the terminal's own): otherwise it is a failed reversal, AMOUNT_MISMATCH.
 */
export function verifyReversal(t: TerminalTransaction, amount: number, currency: string): Verdict {
  return verify(t, { amount, currency, prevTrace: null, terminalId: undefined });
}

/**
 * The check for whatever the terminal answered: approvals and declines carry a transaction to check;
 * `unchecked` is called for an approval whose amount or currency the terminal left out.
 */
export function verifyOutcome(result: TerminalOutcome, e: Expected, unchecked: () => void): Verdict {
  const t = result.kind === 'approved' || result.kind === 'declined' ? result.transaction : undefined;
  if (!t) return { ok: true };
  if (result.kind === 'approved' && unconfirmed(t)) unchecked();
  return verify(t, e);
}
