/**
 * What the money journal's card and cash records mean as KPI facts. The journal is the daemon's one
 * durable record of money (written and fsync'd before anyone is told), so counting from it means a KPI
 * is never ahead of the money and a restart counts whatever the KPI book had not saved yet
 * (`KpiState.journalSeq`). The kiosk's checkout, which knows the service, can record its own facts
 * through the same `KpiRecorder`; until it does, money counts under service `unassigned`.
 *
 * - card `sale.intent` started; `sale.outcome` approved -> completed (+amount), anything else -> failed;
 *   `refund.outcome` approved and `reversal.outcome` reversed -> refunded (-amount).
 * - cash `session.opened` started; `session.closed` paid -> completed, other -> failed (no amount: the
 *   money was counted as it came); `note.credited` / `coin.credited` -> collected (+value, one of that
 *   denomination).
 */
import type { JournalEntry } from '../../core/journal-chain.js';
import type { TransactionFact } from '../../core/kpi-contract.js';

export const UNASSIGNED = 'unassigned';

/** Context a record needs from earlier ones: a card operation's amount, a cash session's currency. */
export class MoneyContext {
  private readonly card = new Map<string, { amount: number; currency: string }>();
  private readonly cashCurrency = new Map<string, string>();
  private lastCashCurrency: string | undefined;

  constructor(private readonly defaultCashCurrency: string | undefined) {}

  /** Learn from one record; returns what it means for the KPIs. */
  facts(e: JournalEntry): TransactionFact[] {
    const d = e.data;
    const num = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
    if (e.stream === 'card') {
      if (e.type === 'sale.intent' || e.type === 'refund.intent') {
        this.card.set(e.key, { amount: num(d.amount), currency: String(d.currency) });
        return e.type === 'sale.intent' ? [this.fact('card', 'started', e.key)] : [];
      }
      const op = this.card.get(e.key);
      const result = (d.outcome as { result?: unknown } | undefined)?.result;
      if (e.type === 'sale.outcome') return [this.fact('card', result === 'approved' ? 'completed' : 'failed', e.key, result === 'approved' ? op : undefined)];
      if (e.type === 'refund.outcome' && result === 'approved') return [this.fact('card', 'refunded', e.key, op)];
      if (e.type === 'reversal.outcome' && (d.reversal as { result?: unknown } | undefined)?.result === 'reversed') return [this.fact('card', 'refunded', e.key, op)];
      return [];
    }
    if (e.stream !== 'cash') return [];
    if (e.type === 'session.opened') {
      this.cashCurrency.set(e.key, String(d.currency));
      this.lastCashCurrency = String(d.currency);
      return [{ service: UNASSIGNED, method: 'cash', outcome: 'started', currency: String(d.currency) }];
    }
    const currency = this.cashCurrency.get(e.key) ?? this.lastCashCurrency ?? this.defaultCashCurrency;
    if (e.type === 'session.closed') return [{ service: UNASSIGNED, method: 'cash', outcome: d.status === 'paid' ? 'completed' : 'failed', currency }];
    if (e.type === 'note.credited' || e.type === 'coin.credited') {
      const value = num(d.value);
      return [{ service: UNASSIGNED, method: 'cash', outcome: 'collected', amount: value, currency, denominations: { [String(value)]: 1 } }];
    }
    return [];
  }

  private fact(method: 'card', outcome: TransactionFact['outcome'], key: string, op?: { amount: number; currency: string }): TransactionFact {
    const known = op ?? this.card.get(key);
    return { service: UNASSIGNED, method, outcome, ...(op ? { amount: op.amount } : {}), currency: known?.currency };
  }
}
