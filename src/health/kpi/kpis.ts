/**
 * The KPI unit: keeps the KPI book (book.ts) in `{stateDir}/kpi/kpi.json`, written atomically (fsync,
 * rename) a few seconds after a change and at stop; counts device time from their states (a daemon tap),
 * money from the money journal's records (money.ts) and anything a `KpiRecorder` caller reports. After a
 * crash it loses at most the device time since the last save, never money: journal records after
 * `journalSeq` are counted again at the next start.
 */
import type { KpiDaily } from '../../api/fleet-records.js';
import type { DeviceStateMessage } from '../../api/envelope.js';
import type { DaemonTap } from '../../api/tap.js';
import type { Clock, Timer } from '../../core/clock.js';
import type { JournalEntry } from '../../core/journal-chain.js';
import type { KpiRecorder, TransactionFact } from '../../core/kpi-contract.js';
import type { Logger } from '../../core/logger.js';
import { readIfExists, writeFileAtomic } from '../atomic-file.js';
import { emptyState, KpiBook, type DayTotals, type KpiState } from './book.js';
import { localTime } from './calendar.js';
import { MoneyContext } from './money.js';
import { daySummary } from './summary.js';

export interface KpisOptions {
  path: string;
  tz: string;
  clock: Clock;
  log: Logger;
  /** A configured device's kind. */
  kindOf(device: string): string;
  defaultCashCurrency?: string | undefined;
  /** Device time is counted and the book saved this often (and a few seconds after a money fact). */
  tickSec?: number;
}

export class Kpis implements KpiRecorder, DaemonTap {
  private book: KpiBook | undefined;
  private money: MoneyContext;
  private timer: Timer | undefined;
  private saveSoon: Timer | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly o: KpisOptions) {
    this.money = new MoneyContext(o.defaultCashCurrency);
  }

  get tz(): string {
    return this.o.tz;
  }

  async start(): Promise<void> {
    const text = await readIfExists(this.o.path);
    let state = emptyState(this.o.clock.iso());
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as KpiState;
        if (parsed.version !== 1 || typeof parsed.journalSeq !== 'number') throw new Error('unknown KPI book version');
        state = parsed;
      } catch (err) {
        // KPIs are statistics, not money (the journal is): start a new book rather than stop the kiosk.
        this.o.log.error({ err, path: this.o.path }, 'KPI book unreadable; starting a new one (money is recounted from the journal)');
      }
    }
    this.book = new KpiBook(state, this.o.tz);
    const tick = (this.o.tickSec ?? 60) * 1000;
    this.timer = this.o.clock.setInterval(() => {
      this.book?.accrue(this.o.clock.now());
      void this.save();
    }, tick);
  }

  /**
   * Count the money journal: its records this book has not counted yet, then every new one. Records the
   * book already counted still teach the context (a sale's amount for its later outcome).
   */
  followJournal(entries: readonly JournalEntry[], onAppend: (listener: (e: JournalEntry) => void) => () => void): () => void {
    const book = this.requireBook();
    for (const e of entries) this.countEntry(e, book);
    void this.save();
    return onAppend((e) => {
      this.countEntry(e, book);
      this.scheduleSave();
    });
  }

  recordTransaction(fact: TransactionFact): void {
    this.book?.record(fact, this.o.clock.now());
    this.scheduleSave();
  }

  state(device: string, state: DeviceStateMessage): void {
    this.book?.observe(device, this.o.kindOf(device), state.status, state.error?.code, this.o.clock.now());
  }

  consumables(patch: DayTotals['consumables']): void {
    this.book?.consumables(patch, this.o.clock.now());
  }

  paperUsed(mm: number): void {
    this.book?.paperUsed(mm, this.o.clock.now());
    this.scheduleSave();
  }

  /** The book itself (end of day reads and closes the period through it). */
  requireBook(): KpiBook {
    if (!this.book) throw new Error('KPIs not started');
    return this.book;
  }

  today(): string {
    return localTime(this.o.clock.now(), this.o.tz).day;
  }

  /** One day's summary (today by default), device time counted up to now. */
  summary(day = this.today()): KpiDaily | undefined {
    const book = this.requireBook();
    book.accrue(this.o.clock.now());
    const d = book.state.days[day];
    return d ? daySummary(d, this.o.tz) : undefined;
  }

  days(): string[] {
    return Object.keys(this.requireBook().state.days).sort();
  }

  /** Save now (serialised with any save in progress). */
  save(): Promise<void> {
    const book = this.book;
    if (!book) return Promise.resolve();
    const run = async (): Promise<void> => {
      try {
        await writeFileAtomic(this.o.path, JSON.stringify(book.state));
      } catch (err) {
        this.o.log.warn({ err, path: this.o.path }, 'KPI book not saved');
      }
    };
    this.saving = this.saving.then(run, run);
    return this.saving;
  }

  async stop(): Promise<void> {
    if (this.timer) this.o.clock.clearInterval(this.timer);
    if (this.saveSoon) this.o.clock.clearTimeout(this.saveSoon);
    this.timer = this.saveSoon = undefined;
    this.book?.detach(this.o.clock.now());
    await this.save();
  }

  private countEntry(e: JournalEntry, book: KpiBook): void {
    const facts = this.money.facts(e);
    if (e.seq <= book.state.journalSeq) return;
    const at = Date.parse(e.at);
    for (const f of facts) book.record(f, Number.isNaN(at) ? this.o.clock.now() : at);
    book.state.journalSeq = e.seq;
  }

  private scheduleSave(): void {
    if (this.saveSoon) return;
    this.saveSoon = this.o.clock.setTimeout(() => {
      this.saveSoon = undefined;
      void this.save();
    }, 2000);
  }
}
