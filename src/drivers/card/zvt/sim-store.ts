/**
 * The simulated terminal's memory, kept in the simulator's state directory so that it survives a daemon
 * kill -9 and a simulated power loss, as a real terminal's transaction store does: trace and receipt
 * counters, every transaction, and a log of every money command it received (tests read it to prove
 * that no sale was ever sent twice).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SimTransaction {
  readonly kind: 'sale' | 'refund' | 'reversal' | 'end-of-day';
  readonly receiptNo: number;
  readonly trace: number;
  readonly amount: number;
  readonly currency: number;
  readonly resultCode: number;
  readonly authCode: string;
  reversed: boolean;
}

export interface SimReceived {
  readonly seq: number;
  readonly command: 'sale' | 'refund' | 'reversal';
  readonly amount: number | undefined;
  readonly currency: number | undefined;
  readonly receiptNo: number | undefined;
  readonly at: string;
}

interface Persisted {
  nextTrace: number;
  nextReceipt: number;
  transactions: SimTransaction[];
}

export class SimStore {
  private state: Persisted = { nextTrace: 1, nextReceipt: 1, transactions: [] };
  private readonly received: SimReceived[] = [];
  private readonly statePath: string;
  private readonly logPath: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.statePath = join(dir, 'zvt-terminal.json');
    this.logPath = join(dir, 'zvt-received.jsonl');
    if (existsSync(this.statePath)) this.state = JSON.parse(readFileSync(this.statePath, 'utf8')) as Persisted;
    if (existsSync(this.logPath)) {
      for (const line of readFileSync(this.logPath, 'utf8').split('\n')) if (line) this.received.push(JSON.parse(line) as SimReceived);
    }
  }

  private save(): void {
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.statePath);
  }

  /** Log a money command the moment it arrives, before the terminal acts on it. */
  logReceived(entry: Omit<SimReceived, 'seq' | 'at'>): void {
    const full: SimReceived = { ...entry, seq: this.received.length + 1, at: new Date().toISOString() };
    this.received.push(full);
    appendFileSync(this.logPath, `${JSON.stringify(full)}\n`);
  }

  get log(): readonly SimReceived[] {
    return this.received;
  }

  /** Book a transaction (the terminal's own journal, written before it reports the result). */
  book(tx: Omit<SimTransaction, 'receiptNo' | 'trace' | 'reversed'>): SimTransaction {
    const full: SimTransaction = { ...tx, receiptNo: this.state.nextReceipt, trace: this.state.nextTrace, reversed: false };
    this.state.nextReceipt = (this.state.nextReceipt % 9999) + 1;
    this.state.nextTrace = (this.state.nextTrace % 999_999) + 1;
    this.state.transactions.push(full);
    this.save();
    return full;
  }

  markReversed(tx: SimTransaction): void {
    tx.reversed = true;
    this.save();
  }

  get last(): SimTransaction | undefined {
    return this.state.transactions.at(-1);
  }

  byReceipt(receiptNo: number): SimTransaction | undefined {
    return this.state.transactions.find((t) => t.receiptNo === receiptNo && t.kind === 'sale');
  }

  /** Approved sales minus refunds since the last end of day. */
  totals(): { count: number; amount: number } {
    let count = 0;
    let amount = 0;
    for (const t of this.state.transactions) {
      if (t.kind === 'end-of-day') {
        count = 0;
        amount = 0;
      } else if (t.resultCode === 0) {
        count++;
        amount += t.kind === 'sale' && !t.reversed ? t.amount : t.kind === 'refund' ? -t.amount : 0;
      }
    }
    return { count, amount };
  }
}
