/**
 * The KPI book: running totals per local day (devices' availability by hour, faults by code, services by
 * payment method, cash by denomination, consumables) and the open settlement period (money since the last
 * end of day). Pure state and arithmetic: the KPI unit persists `state` and feeds it; nothing here does
 * I/O or reads a clock.
 */
import type { TransactionFact } from '../../core/kpi-contract.js';
import { localTime, nextQuarter } from './calendar.js';

export interface Span {
  fittedMs: number;
  readyMs: number;
}
export interface DeviceDay extends Span {
  kind: string;
  faults: Record<string, number>;
  /** Local hour "00".."23" -> time fitted and ready in it. */
  hours: Record<string, Span>;
}
export interface ServiceDay {
  service: string;
  method: TransactionFact['method'];
  currency?: string;
  started: number;
  completed: number;
  failed: number;
  amount: number;
}
export interface DayTotals {
  day: string;
  final: boolean;
  devices: Record<string, DeviceDay>;
  /** Keyed service \u0000 method \u0000 currency. */
  services: Record<string, ServiceDay>;
  /** Currency -> value in minor units -> count. */
  cash: Record<string, Record<string, number>>;
  consumables: { paperUsedMm?: number; cashboxNotes?: number; cashboxCapacity?: number };
}
export interface MoneyTotals {
  count: number;
  amount: number;
}
/** Money since the last end of day, per currency. */
export interface Period {
  openedAt: string;
  /** Money-journal records before this period (the previous settlement's lastSeq). */
  afterSeq: number;
  card: Record<string, MoneyTotals>;
  cash: Record<string, MoneyTotals & { denominations: Record<string, number> }>;
}
export interface KpiState {
  version: 1;
  /** Money-journal records already counted (a restart counts the rest). */
  journalSeq: number;
  days: Record<string, DayTotals>;
  period: Period;
  settlements: number;
  lastSettlement: { settlementId: string; day: string; closedAt: string; lastSeq: number } | null;
}

/** Days kept in the book (older ones are in the fleet store). */
export const KEEP_DAYS = 62;
const READY = new Set(['ready', 'busy']);
const FAULTY = new Set(['fault', 'offline']);

export function emptyState(at: string): KpiState {
  return { version: 1, journalSeq: 0, days: {}, period: emptyPeriod(at, 0), settlements: 0, lastSettlement: null };
}

export function emptyPeriod(at: string, afterSeq: number): Period {
  return { openedAt: at, afterSeq, card: {}, cash: {} };
}

interface Live {
  kind: string;
  status: string;
  since: number;
}

export class KpiBook {
  private readonly live = new Map<string, Live>();

  constructor(
    public state: KpiState,
    private readonly tz: string,
  ) {}

  day(day: string): DayTotals {
    let d = this.state.days[day];
    if (!d) {
      d = { day, final: false, devices: {}, services: {}, cash: {}, consumables: {} };
      this.state.days[day] = d;
      const days = Object.keys(this.state.days).sort();
      for (const old of days.slice(0, Math.max(0, days.length - KEEP_DAYS))) delete this.state.days[old];
    }
    return d;
  }

  /** A device's status now; a move into fault/offline counts one fault under `code`. */
  observe(name: string, kind: string, status: string, code: string | undefined, now: number): void {
    this.accrue(now);
    const before = this.live.get(name);
    this.live.set(name, { kind, status, since: now });
    const dev = this.device(localTime(now, this.tz).day, name, kind);
    if (FAULTY.has(status) && !FAULTY.has(before?.status ?? 'ready')) dev.faults[code ?? status.toUpperCase()] = (dev.faults[code ?? status.toUpperCase()] ?? 0) + 1;
  }

  /** Count device time up to `now` (called on every change and on a timer). */
  accrue(now: number): void {
    for (const [name, l] of this.live) {
      for (let from = l.since; from < now; ) {
        const to = Math.min(now, nextQuarter(from));
        const t = localTime(from, this.tz);
        const dev = this.device(t.day, name, l.kind);
        const hour = (dev.hours[String(t.hour).padStart(2, '0')] ??= { fittedMs: 0, readyMs: 0 });
        if (l.status !== 'disabled') {
          dev.fittedMs += to - from;
          hour.fittedMs += to - from;
          if (READY.has(l.status)) {
            dev.readyMs += to - from;
            hour.readyMs += to - from;
          }
        }
        from = to;
      }
      l.since = now;
    }
  }

  /** The daemon stops: time after this is not "fitted". */
  detach(now: number): void {
    this.accrue(now);
    this.live.clear();
  }

  record(f: TransactionFact, now: number): void {
    const day = this.day(localTime(now, this.tz).day);
    const key = `${f.service}\u0000${f.method}\u0000${f.currency ?? ''}`;
    const s = (day.services[key] ??= { service: f.service, method: f.method, ...(f.currency ? { currency: f.currency } : {}), started: 0, completed: 0, failed: 0, amount: 0 });
    const amount = f.amount ?? 0;
    if (f.outcome === 'started') s.started++;
    else if (f.outcome === 'failed') s.failed++;
    else if (f.outcome === 'completed') s.completed++;
    if (f.outcome === 'completed' || f.outcome === 'collected') s.amount += amount;
    if (f.outcome === 'refunded') s.amount -= amount;
    this.period(f, amount);
    if (f.denominations && f.currency) {
      const box = (day.cash[f.currency] ??= {});
      for (const [value, n] of Object.entries(f.denominations)) box[value] = (box[value] ?? 0) + n;
    }
  }

  consumables(patch: DayTotals['consumables'], now: number): void {
    Object.assign(this.day(localTime(now, this.tz).day).consumables, patch);
  }

  /** Paper a print job fed (mm): added to the day it was printed on. */
  paperUsed(mm: number, now: number): void {
    const c = this.day(localTime(now, this.tz).day).consumables;
    c.paperUsedMm = Math.round(((c.paperUsedMm ?? 0) + mm) * 10) / 10;
  }

  private period(f: TransactionFact, amount: number): void {
    if (!f.currency || (f.method !== 'card' && f.method !== 'cash')) return;
    const p = this.state.period;
    if (f.method === 'card') {
      const t = (p.card[f.currency] ??= { count: 0, amount: 0 });
      if (f.outcome === 'completed') {
        t.count++;
        t.amount += amount;
      } else if (f.outcome === 'refunded') t.amount -= amount;
      return;
    }
    const t = (p.cash[f.currency] ??= { count: 0, amount: 0, denominations: {} });
    if (f.outcome === 'collected' || (f.outcome === 'completed' && amount > 0)) {
      t.amount += amount;
      for (const [value, n] of Object.entries(f.denominations ?? {})) {
        t.count += n;
        t.denominations[value] = (t.denominations[value] ?? 0) + n;
      }
    } else if (f.outcome === 'refunded') t.amount -= amount;
  }

  private device(day: string, name: string, kind: string): DeviceDay {
    const d = this.day(day);
    return (d.devices[name] ??= { kind, fittedMs: 0, readyMs: 0, faults: {}, hours: {} });
  }
}
