/**
 * What of a money-journal record goes into the audit trail: which record (journal seq and hash, so the
 * trail also pins the journal's head), what happened, the amount, and for technician records who did
 * it. Never the card (not even masked), a receipt or a reference. Pure.
 */
import type { JournalEntry } from '../../core/journal-chain.js';

/** The audit stream a money record belongs to. */
export function auditStream(e: JournalEntry): 'money' | 'cashbox' | 'attention' | 'journal' {
  if (e.type === 'attention.resolved' || e.type === 'session.settled') return 'attention';
  if (e.type === 'cashbox.emptied' || e.type === 'fault.cleared' || e.type.startsWith('refill')) return 'cashbox';
  if (e.stream === 'journal') return 'journal';
  return 'money';
}

const PICK = ['amount', 'currency', 'value', 'total', 'status', 'count', 'technician', 'by', 'resolution', 'reason', 'result', 'operation', 'coinsValue'] as const;

export function auditOfMoney(e: JournalEntry, hash: string): { stream: string; type: string; key: string; data: Record<string, unknown> } {
  const data: Record<string, unknown> = { journalSeq: e.seq, journalHash: hash, at: e.at };
  const d = e.data as Record<string, unknown>;
  for (const k of PICK) {
    const v = d[k];
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 200)) data[k] = v;
  }
  const o = d.outcome as { result?: unknown; amount?: unknown; currency?: unknown } | undefined;
  if (o) Object.assign(data, { result: o.result, amount: o.amount, currency: o.currency });
  const r = d.reversal as { result?: unknown } | undefined;
  if (r) data.result = r.result;
  return { stream: auditStream(e), type: `${e.stream}.${e.type}`, key: e.key, data };
}

/** The last money-journal record the trail pinned (seq and hash), from the trail's records. */
export function pinnedJournalHead(records: readonly JournalEntry[]): { seq: number; hash: string } | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const d = records[i]?.data as { journalSeq?: unknown; journalHash?: unknown } | undefined;
    if (typeof d?.journalSeq === 'number' && typeof d.journalHash === 'string') return { seq: d.journalSeq, hash: d.journalHash };
  }
  return undefined;
}
