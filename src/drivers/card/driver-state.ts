/**
 * The card driver's state as data: what it is busy with, the detail it publishes with its state, and the
 * answer to a repeated idempotency key (a replay of the journaled outcome, never a second operation).
 */
import { KioskError } from '../../core/errors.js';
import type { CardOutcome, Currency } from './api.js';
import { attentionOf, effectiveCharged } from './attention.js';
import type { CardConfig } from './config.js';
import type { CardLedger, MoneyOperation } from './ledger.js';
import { identityOf, type TerminalInfo } from './terminal.js';

export type Busy = 'sale' | 'refund' | 'reversal' | 'end-of-day' | 'recovery' | 'status';

export interface MoneyInput {
  amount: number;
  currency?: Currency | undefined;
  reference: string;
  idempotencyKey: string;
  saleKey?: string | undefined;
}

/** The state detail the card device publishes. */
export function cardDetail(config: CardConfig, info: TerminalInfo | undefined, busy: Busy | undefined, ledger: CardLedger): Record<string, unknown> {
  return {
    protocol: config.protocol,
    link: config.transport?.type === 'serial' ? 'serial' : 'tcp',
    ...(info?.terminalId ? { terminalId: info.terminalId } : {}),
    ...(info?.softwareVersion ? { softwareVersion: info.softwareVersion } : {}),
    ...(Object.keys(identityOf(info)).length > 0 ? { identity: identityOf(info) } : {}),
    ...(busy && busy !== 'status' ? { operation: busy } : {}),
    pendingRecovery: ledger.pending().length,
    attention: attentionOf(ledger.all()),
  };
}

/**
 * The journaled answer for a key seen before (replayed), undefined for a new key; throws when the key is
 * in flight, damaged, or reused for a different operation.
 */
export function replayOf(ledger: CardLedger, inFlight: ReadonlySet<string>, operation: MoneyOperation, input: MoneyInput, currency: Currency): CardOutcome | undefined {
  if (inFlight.has(input.idempotencyKey)) throw new KioskError('DUPLICATE_REQUEST', 'this payment is in progress');
  const r = ledger.get(input.idempotencyKey);
  if (!r && ledger.quarantined(input.idempotencyKey)) {
    throw new KioskError('DUPLICATE_REQUEST', 'the journal records of this key were damaged and cut by a recovery: its outcome is unknown, a technician must settle it');
  }
  if (!r) return undefined;
  if (r.operation !== operation || r.amount !== input.amount || r.currency !== currency || r.reference !== input.reference || r.saleKey !== input.saleKey) {
    throw new KioskError('CARD_IDEMPOTENCY_MISMATCH');
  }
  if (!r.outcome) throw new KioskError('DUPLICATE_REQUEST', 'this payment is in progress or being reconciled with the terminal');
  return r.outcome.result === 'failed' ? { ...r.outcome, charged: effectiveCharged(r, r.outcome), replayed: true } : { ...r.outcome, replayed: true };
}
