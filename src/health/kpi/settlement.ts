/**
 * End of day as numbers: what the money journal says for the period since the last settlement, counted
 * here on its own (not through the KPI book), and the settlement record that puts it next to the KPI
 * book's card and cash totals and the terminal's own end-of-day. `matches` only when all agree.
 *
 * Journal rules: card — an approved `sale.outcome` counts one and its amount; an approved
 * `refund.outcome` and a `reversal.outcome` reversed subtract theirs. Cash — every `note.credited` and
 * `coin.credited` counts one and its value. Other currencies than the settlement's are left out.
 */
import type { Settlement } from '../../api/fleet-records.js';
import type { JournalEntry } from '../../core/journal-chain.js';
import type { Period } from './book.js';

export interface JournalTotals {
  card: { count: number; amount: number };
  cash: { count: number; amount: number; denominations: Record<string, number> };
  count: number;
  amount: number;
  lastSeq: number;
}

export function journalTotals(entries: readonly JournalEntry[], afterSeq: number, currency: string, defaultCashCurrency: string | undefined): JournalTotals {
  const t: JournalTotals = { card: { count: 0, amount: 0 }, cash: { count: 0, amount: 0, denominations: {} }, count: 0, amount: 0, lastSeq: afterSeq };
  const saleAmount = new Map<string, { amount: number; currency: string }>();
  const sessionCurrency = new Map<string, string>();
  let cashCurrency = defaultCashCurrency;
  for (const e of entries) {
    const d = e.data as Record<string, unknown>;
    if (e.stream === 'card' && e.type === 'sale.intent') saleAmount.set(e.key, { amount: Number(d.amount), currency: String(d.currency) });
    if (e.stream === 'cash' && e.type === 'session.opened') {
      cashCurrency = String(d.currency);
      sessionCurrency.set(e.key, cashCurrency);
    }
    if (e.seq <= afterSeq) continue;
    t.lastSeq = e.seq;
    if (e.stream === 'card') {
      const o = d.outcome as { result?: string; amount?: number; currency?: string } | undefined;
      if (o?.result === 'approved' && o.currency === currency && typeof o.amount === 'number') {
        if (e.type === 'sale.outcome') {
          t.card.count++;
          t.card.amount += o.amount;
        } else if (e.type === 'refund.outcome') t.card.amount -= o.amount;
      }
      const sale = saleAmount.get(e.key);
      if (e.type === 'reversal.outcome' && (d.reversal as { result?: string } | undefined)?.result === 'reversed' && sale?.currency === currency) t.card.amount -= sale.amount;
    } else if (e.stream === 'cash' && (e.type === 'note.credited' || e.type === 'coin.credited') && (sessionCurrency.get(e.key) ?? cashCurrency) === currency) {
      const value = Number(d.value);
      t.cash.count++;
      t.cash.amount += value;
      t.cash.denominations[String(value)] = (t.cash.denominations[String(value)] ?? 0) + 1;
    }
  }
  t.count = t.card.count + t.cash.count;
  t.amount = t.card.amount + t.cash.amount;
  return t;
}

export interface SettlementInput {
  settlementId: string;
  day: string;
  closedAt: string;
  currency: string;
  period: Period;
  journal: JournalTotals;
  /** The card terminal's end-of-day: its total, or null when there is no terminal or it failed. */
  terminal: { amount: number; count?: number; batch?: string } | null;
}

export function buildSettlement(i: SettlementInput): Settlement {
  const card = i.period.card[i.currency] ?? { count: 0, amount: 0 };
  const cash = i.period.cash[i.currency] ?? { count: 0, amount: 0, denominations: {} };
  const matches =
    card.count === i.journal.card.count && card.amount === i.journal.card.amount &&
    cash.count === i.journal.cash.count && cash.amount === i.journal.cash.amount &&
    card.count + cash.count === i.journal.count && card.amount + cash.amount === i.journal.amount &&
    (i.terminal === null || i.terminal.amount === card.amount);
  return {
    settlementId: i.settlementId,
    day: i.day,
    closedAt: i.closedAt,
    currency: i.currency,
    card: { count: card.count, amount: card.amount, terminal: i.terminal },
    cash: { count: cash.count, amount: cash.amount, denominations: { ...cash.denominations } },
    journal: { count: i.journal.count, amount: i.journal.amount, lastSeq: i.journal.lastSeq },
    matches,
  };
}
