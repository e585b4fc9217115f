/**
 * The cash view of the money journal (stream `cash`): every fact about money is appended (fsync) before
 * anyone is told about it, and everything the driver needs after a crash is folded back from it:
 * sessions and their totals, the note between escrow and cashbox, the cashbox contents since the last
 * emptying, the coin acceptor's last event counter.
 *
 * Entry types (key = session id, or `none` / `cashbox` / `audit`):
 * - session.opened {amountDue, currency}; session.closed {status, total}; session.settled {resolution, by}
 * - note.accepting {channel, value, counterBefore}: written BEFORE the poll that lets the note go
 * - note.credited {value, channel, total, via, route?}; note.returned {value, channel, reason}; note.uncertain
 *   {value, channel} (device without counters: left to a technician)
 * - coin.credited {value, position, counter, total}; coin.counter {counter}; coin.lost {count}
 * - cashbox.emptied {technician, count, value, coinsValue}; fault.cleared {technician, codes}
 */
import type { Journal, JournalEntry } from '../../core/journal.js';

export const STREAM = 'cash';

export interface SessionView {
  sessionId: string;
  amountDue: number;
  currency: string;
  total: number;
  openedAt: string;
  status?: 'paid' | 'cancelled' | 'timeout' | 'fault' | 'interrupted';
  /** Money arrived after the session was closed (a jam cleared, a note reconciled after a restart). */
  late: boolean;
  settled: boolean;
}

export interface InFlightNote {
  key: string;
  channel: number;
  value: number;
  /** The validator's stacked counter before the note was let go; null when the device has no counters. */
  counterBefore: number | null;
}

export interface CashboxView {
  notes: Record<string, number>;
  count: number;
  value: number;
  coinsValue: number;
  lastEmptiedAt: string | null;
}

export class Ledger {
  private readonly sessions = new Map<string, SessionView>();
  private inFlightNote: InFlightNote | undefined;
  private box: CashboxView = { notes: {}, count: 0, value: 0, coinsValue: 0, lastEmptiedAt: null };
  private coinCounter: number | null = null;

  private constructor(private readonly journal: Journal) {}

  static load(journal: Journal): Ledger {
    const ledger = new Ledger(journal);
    for (const entry of journal.list({ stream: STREAM })) ledger.apply(entry);
    return ledger;
  }

  /** Append (fsync) and fold in. Rejects with JOURNAL_UNAVAILABLE: then nothing may be announced. */
  async record(type: string, key: string, data: Record<string, unknown>): Promise<JournalEntry> {
    const entry = await this.journal.append({ stream: STREAM, type, key, data });
    this.apply(entry);
    return entry;
  }

  get unavailable(): Error | undefined {
    return this.journal.unavailable;
  }

  session(id: string): SessionView | undefined {
    return this.sessions.get(id);
  }

  /** Sessions opened and never closed: their process died. */
  openSessions(): SessionView[] {
    return [...this.sessions.values()].filter((s) => s.status === undefined);
  }

  /** Interrupted sessions, or sessions that got money after closing, not yet settled. */
  unsettled(): SessionView[] {
    return [...this.sessions.values()].filter((s) => !s.settled && (s.status === 'interrupted' || s.late));
  }

  /**
   * Where money with no running session goes (a coin taken while the daemon was down): the latest
   * session if it was interrupted and is not settled yet, else `none`.
   */
  orphanKey(): string {
    const last = [...this.sessions.values()].at(-1);
    return last && last.status === 'interrupted' && !last.settled ? last.sessionId : 'none';
  }

  get inFlight(): InFlightNote | undefined {
    return this.inFlightNote;
  }

  get cashbox(): CashboxView {
    return this.box;
  }

  get lastCoinCounter(): number | null {
    return this.coinCounter;
  }

  totalOf(key: string): number {
    return this.sessions.get(key)?.total ?? 0;
  }

  private apply(e: JournalEntry): void {
    const d = e.data;
    const num = (k: string): number => (typeof d[k] === 'number' ? (d[k]) : 0);
    const s = this.sessions.get(e.key);
    switch (e.type) {
      case 'session.opened':
        this.sessions.set(e.key, {
          sessionId: e.key, amountDue: num('amountDue'), currency: String(d.currency), total: 0, openedAt: e.at, late: false, settled: false,
        });
        break;
      case 'session.closed':
        if (s) s.status = d.status as SessionView['status'];
        break;
      case 'session.settled':
        if (s) s.settled = true;
        break;
      case 'note.accepting':
        this.inFlightNote = { key: e.key, channel: num('channel'), value: num('value'), counterBefore: typeof d.counterBefore === 'number' ? d.counterBefore : null };
        break;
      case 'note.credited':
        this.inFlightNote = undefined;
        this.credit(s, num('value'));
        // a note the recycler keeps for payouts is not in the cashbox
        if (d.route === 'payout') break;
        this.box.notes[String(num('value'))] = (this.box.notes[String(num('value'))] ?? 0) + 1;
        this.box.count++;
        this.box.value += num('value');
        break;
      case 'note.returned':
        this.inFlightNote = undefined;
        break;
      case 'note.uncertain':
        this.inFlightNote = undefined;
        if (s) s.late = true;
        break;
      case 'coin.credited':
        this.credit(s, num('value'));
        this.box.coinsValue += num('value');
        this.coinCounter = num('counter');
        break;
      case 'coin.counter':
        this.coinCounter = num('counter');
        break;
      case 'recycler.emptied':
        // notes moved from the recycler's store into the cashbox
        for (const [v, n] of Object.entries(d.notes && typeof d.notes === 'object' ? (d.notes as Record<string, number>) : {})) {
          this.box.notes[v] = (this.box.notes[v] ?? 0) + n;
          this.box.count += n;
          this.box.value += Number(v) * n;
        }
        break;
      case 'cashbox.emptied':
        this.box = { notes: {}, count: 0, value: 0, coinsValue: 0, lastEmptiedAt: e.at };
        break;
      // Stryker disable next-line ConditionalExpression: other entries change nothing, with or without a default
      default:
        break;
    }
  }

  private credit(s: SessionView | undefined, value: number): void {
    if (!s) return;
    s.total += value;
    if (s.status !== undefined) s.late = true;
  }
}

export function summary(s: SessionView): { sessionId: string; amountDue: number; currency: string; total: number; openedAt: string; status?: SessionView['status'] } {
  return { sessionId: s.sessionId, amountDue: s.amountDue, currency: s.currency, total: s.total, openedAt: s.openedAt, ...(s.status ? { status: s.status } : {}) };
}
