/**
 * The payout view of the money journal (stream `cash`, folded beside the Ledger): every payout from its
 * intent to its end, hopper levels, and what each deposit got paid back.
 *
 * Entry types (key = payoutId, or `hopper:{address}` / `recycler`):
 * - payout.intent {purpose, refersTo, requested, currency, plan, before {notes, hoppers}, transaction?}:
 *   written (fsync) BEFORE the first payout command; `before` holds the recycler's levels and each hopper's
 *   lifetime dispense count, from which a restart learns what really left the devices.
 * - payout.progress {unit, address?, paid}: what a unit reported as paid so far, as it reports it.
 * - payout.unit {unit, address?, dispensed {value: count}, paid, fault}: what one unit paid in the end.
 * - payout.finished {status, paid, remainder, dispensed, fault, recovered}
 * - payout.settled {paid, by}: a technician counted an unknown payout.
 * - hopper.refilled {value, count, technician}; hopper.corrected {value, level, reason}; hopper.emptied {value, count}
 * - recycler.emptied {notes, technician}
 */
import type { JournalEntry } from '../../../core/journal.js';
import type { PayoutResult } from './types.js';

export interface OpenPayout {
  payoutId: string;
  purpose: PayoutResult['purpose'];
  refersTo: string | null;
  requested: number;
  currency: string;
  transaction?: string;
  before: { notes: Record<string, number>; hoppers: Record<string, number> };
  /** Units already finished (their `payout.unit` is journaled). */
  units: { unit: 'recycler' | 'hopper'; address?: number; dispensed: Record<string, number>; paid: number; fault: string | null }[];
  progress: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const counts = (v: unknown): Record<string, number> => {
  const out: Record<string, number> = {};
  if (v && typeof v === 'object') for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
  return out;
};

export class PayoutBook {
  private readonly open = new Map<string, OpenPayout>();
  private readonly done = new Map<string, PayoutResult & { settled: boolean; transaction?: string }>();
  private readonly hopperLevels = new Map<number, number>();

  apply(e: JournalEntry): void {
    const d = e.data;
    switch (e.type) {
      case 'payout.intent':
        this.open.set(e.key, {
          payoutId: e.key, purpose: d.purpose as PayoutResult['purpose'], refersTo: typeof d.refersTo === 'string' ? d.refersTo : null,
          requested: num(d.requested), currency: String(d.currency), ...(typeof d.transaction === 'string' ? { transaction: d.transaction } : {}),
          before: { notes: counts((d.before as Record<string, unknown> | undefined)?.notes), hoppers: counts((d.before as Record<string, unknown> | undefined)?.hoppers) },
          units: [], progress: 0,
        });
        break;
      case 'payout.progress': {
        const o = this.open.get(e.key);
        if (o) o.progress = num(d.paid) + o.units.reduce((a, u) => a + u.paid, 0);
        break;
      }
      case 'payout.unit': {
        const o = this.open.get(e.key);
        const unit = d.unit === 'hopper' ? 'hopper' : 'recycler';
        const dispensed = counts(d.dispensed);
        o?.units.push({ unit, ...(typeof d.address === 'number' ? { address: d.address } : {}), dispensed, paid: num(d.paid), fault: typeof d.fault === 'string' ? d.fault : null });
        if (unit === 'hopper' && typeof d.address === 'number') {
          const coins = Object.values(dispensed).reduce((a, b) => a + b, 0);
          this.hopperLevels.set(d.address, (this.hopperLevels.get(d.address) ?? 0) - coins);
        }
        break;
      }
      case 'payout.finished': {
        const o = this.open.get(e.key);
        this.open.delete(e.key);
        this.done.set(e.key, {
          payoutId: e.key, purpose: (o?.purpose ?? d.purpose) as PayoutResult['purpose'], refersTo: o?.refersTo ?? null, currency: o?.currency ?? String(d.currency),
          requested: o?.requested ?? num(d.requested), paid: num(d.paid), remainder: num(d.remainder), status: d.status as PayoutResult['status'],
          dispensed: Array.isArray(d.dispensed) ? (d.dispensed as PayoutResult['dispensed']) : [], fault: typeof d.fault === 'string' ? d.fault : null,
          recovered: d.recovered === true, settled: false, ...(o?.transaction ? { transaction: o.transaction } : {}),
        });
        break;
      }
      case 'payout.settled': {
        const r = this.done.get(e.key);
        if (r) Object.assign(r, { settled: true, paid: num(d.paid), remainder: r.requested - num(d.paid), status: num(d.paid) >= r.requested ? 'paid' : num(d.paid) > 0 ? 'partial' : 'failed' });
        break;
      }
      case 'hopper.refilled':
      case 'hopper.emptied':
      case 'hopper.corrected': {
        const address = Number(e.key.replace('hopper:', ''));
        const before = this.hopperLevels.get(address) ?? 0;
        const level = e.type === 'hopper.refilled' ? before + num(d.count) : e.type === 'hopper.emptied' ? before - num(d.count) : num(d.level);
        this.hopperLevels.set(address, level);
        break;
      }
      // Stryker disable next-line ConditionalExpression: other entries are the Ledger's
      default:
        break;
    }
  }

  /** Payouts whose intent is journaled and whose end is not: a restart must settle them from the counters. */
  openPayouts(): OpenPayout[] {
    return [...this.open.values()];
  }

  result(payoutId: string): (PayoutResult & { settled: boolean }) | undefined {
    return this.done.get(payoutId);
  }

  isOpen(payoutId: string): boolean {
    return this.open.has(payoutId);
  }

  /** Payouts that need a person: unknown outcome, or recovered after a restart with money still owed. */
  unresolved(): PayoutResult[] {
    return [...this.done.values()].filter((r) => !r.settled && (r.status === 'unknown' || (r.recovered && r.remainder > 0))).map(strip);
  }

  /** What a deposit has been paid back so far (change and refunds; unknown outcomes count as paid). */
  paidBack(sessionId: string): number {
    let sum = 0;
    for (const r of this.done.values()) if (r.refersTo === sessionId) sum += r.status === 'unknown' ? r.requested : r.paid;
    for (const o of this.open.values()) if (o.refersTo === sessionId) sum += o.requested;
    return sum;
  }

  hopperLevel(address: number): number {
    return Math.max(0, this.hopperLevels.get(address) ?? 0);
  }

  /** Sum of everything the journal says left the devices (for the kill loop's cross-check). */
  totalPaid(): number {
    return [...this.done.values()].reduce((a, r) => a + r.paid, 0);
  }
}

export function strip(r: PayoutResult & { settled?: boolean; transaction?: string }): PayoutResult {
  return {
    payoutId: r.payoutId, purpose: r.purpose, refersTo: r.refersTo, currency: r.currency, requested: r.requested, paid: r.paid,
    remainder: r.remainder, status: r.status, dispensed: r.dispensed, fault: r.fault, recovered: r.recovered,
  };
}
