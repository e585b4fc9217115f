/**
 * The card driver's view of the money journal (stream `card`). Every sale and refund is an intent,
 * written and fsync'd before anything goes to the terminal, and an outcome written after; a reversal
 * likewise, keyed by the sale it reverses. An intent without its outcome is a transaction whose result
 * must be reconciled with the terminal; nothing else is ever inferred.
 */
import { KioskError } from '../../core/errors.js';
import type { Journal, JournalEntry } from '../../core/journal.js';
import type { CardOutcome, CardReversal, CardTransactionRecord } from './api.js';

export const STREAM = 'card';

export type MoneyOperation = 'sale' | 'refund';

export interface OperationRecord {
  readonly key: string;
  readonly operation: MoneyOperation;
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
  /** The terminal's last trace number before this operation started (null: it had none). */
  readonly prevTrace: number | null;
  outcome: CardOutcome | undefined;
  reversal: { prevTrace: number | null; receiptNo: number; outcome: CardReversal | undefined } | undefined;
  /** When the outcome was journaled. */
  outcomeAt?: string;
  /** A technician resolved a mismatch (attention.ts). */
  resolved?: { technician: string; resolution: string; at: string };
}

export class CardLedger {
  private readonly records = new Map<string, OperationRecord>();
  private readonly byRef = new Map<string, string>();

  constructor(private readonly journal: Journal | undefined) {
    for (const entry of journal?.list({ stream: STREAM }) ?? []) this.apply(entry);
  }

  /** Refuse money operations when the journal cannot be written. */
  ensureWritable(): void {
    if (!this.journal) throw new KioskError('JOURNAL_UNAVAILABLE', 'no payment journal configured');
    const failed = this.journal.unavailable;
    if (failed) throw failed;
  }

  get(key: string): OperationRecord | undefined {
    return this.records.get(key);
  }

  find(q: { idempotencyKey?: string | undefined; reference?: string | undefined }): OperationRecord | undefined {
    const key = q.idempotencyKey ?? (q.reference === undefined ? undefined : this.byRef.get(q.reference));
    return key === undefined ? undefined : this.records.get(key);
  }

  /** Operations and reversals whose outcome is unknown, oldest first. */
  pending(): OperationRecord[] {
    return [...this.records.values()].filter((r) => !r.outcome || (r.reversal && !r.reversal.outcome));
  }

  async intent(r: Omit<OperationRecord, 'outcome' | 'reversal'>): Promise<OperationRecord> {
    await this.append(`${r.operation}.intent`, r.key, {
      operation: r.operation, reference: r.reference, amount: r.amount, currency: r.currency, prevTrace: r.prevTrace,
    });
    return this.records.get(r.key) as OperationRecord;
  }

  async outcome(r: OperationRecord, outcome: CardOutcome): Promise<void> {
    await this.append(`${r.operation}.outcome`, r.key, { outcome });
  }

  async reversalIntent(r: OperationRecord, receiptNo: number, prevTrace: number | null): Promise<void> {
    await this.append('reversal.intent', r.key, { receiptNo, prevTrace });
  }

  async reversalOutcome(r: OperationRecord, reversal: CardReversal): Promise<void> {
    await this.append('reversal.outcome', r.key, { reversal });
  }

  /** A technician resolved a mismatch on the attention list. */
  async resolved(r: OperationRecord, technician: string, resolution: string): Promise<void> {
    await this.append('attention.resolved', r.key, { technician, resolution });
  }

  /** Every operation, oldest first. */
  all(): Iterable<OperationRecord> {
    return this.records.values();
  }

  async note(type: string, key: string, data: Record<string, unknown>): Promise<void> {
    await this.append(type, key, data);
  }

  /** The newest trace number any recorded outcome carries. */
  lastKnownTrace(): number | undefined {
    let trace: number | undefined;
    for (const r of this.records.values()) {
      if (r.outcome?.result === 'approved' && r.outcome.trace !== undefined) trace = r.outcome.trace;
      if (r.reversal?.outcome?.trace !== undefined) trace = r.reversal.outcome.trace;
    }
    return trace;
  }

  toRecord(r: OperationRecord): CardTransactionRecord {
    return {
      idempotencyKey: r.key,
      reference: r.reference,
      operation: r.operation,
      amount: r.amount,
      currency: r.currency,
      state: r.outcome ? 'done' : 'pending',
      ...(r.outcome ? { outcome: r.outcome } : {}),
      ...(r.reversal ? { reversal: { state: r.reversal.outcome ? 'done' : 'pending', ...(r.reversal.outcome ? { outcome: r.reversal.outcome } : {}) } } : {}),
    };
  }

  private async append(type: string, key: string, data: Record<string, unknown>): Promise<void> {
    this.ensureWritable();
    const entry = await (this.journal as Journal).append({ stream: STREAM, type, key, data });
    this.apply(entry);
  }

  private apply(e: JournalEntry): void {
    const d = e.data;
    if (e.type === 'sale.intent' || e.type === 'refund.intent') {
      const r: OperationRecord = {
        key: e.key,
        operation: e.type === 'sale.intent' ? 'sale' : 'refund',
        reference: String(d.reference),
        amount: Number(d.amount),
        currency: String(d.currency),
        prevTrace: typeof d.prevTrace === 'number' ? d.prevTrace : null,
        outcome: undefined,
        reversal: undefined,
      };
      this.records.set(e.key, r);
      this.byRef.set(r.reference, e.key);
      return;
    }
    const r = this.records.get(e.key);
    if (!r) return;
    if (e.type === 'sale.outcome' || e.type === 'refund.outcome') {
      r.outcome = d.outcome as CardOutcome;
      r.outcomeAt = e.at;
    } else if (e.type === 'attention.resolved') r.resolved = { technician: String(d.technician), resolution: String(d.resolution), at: e.at };
    else if (e.type === 'reversal.intent') {
      r.reversal = { receiptNo: Number(d.receiptNo), prevTrace: typeof d.prevTrace === 'number' ? d.prevTrace : null, outcome: undefined };
    } else if (e.type === 'reversal.outcome' && r.reversal) r.reversal.outcome = d.reversal as CardReversal;
  }
}
