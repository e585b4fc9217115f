/**
 * End of day: close the card terminal's batch, count the period's money in the journal, put it next to
 * the KPI book's card and cash totals in one settlement record, journal it (money journal, stream
 * `settlement`), open the next period, mark the day final, send settlement and final KPIs to the fleet,
 * and print the settlement ticket when a printer is named. Runs at `operations.endOfDay.at` (local time,
 * on the injected clock) or on request (bridge op `end-of-day`, technician or fleet role).
 */
import { randomUUID } from 'node:crypto';
import type { Settlement } from '../api/fleet-records.js';
import type { ResponseEnvelope } from '../api/envelope.js';
import type { Clock } from '../core/clock.js';
import { KioskError } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/logger.js';
import type { Role } from '../core/roles.js';
import { emptyPeriod } from '../health/kpi/book.js';
import type { Kpis } from '../health/kpi/kpis.js';
import { buildSettlement, journalTotals } from '../health/kpi/settlement.js';
import { buildSettlementTicket } from '../health/settlement-ticket.js';

export interface EndOfDayHost {
  kioskId: string;
  clock: Clock;
  log: Logger;
  kpis: Kpis;
  currency: string;
  defaultCashCurrency: string | undefined;
  /** The open money journal, or undefined when no money device opened it. */
  journal(): Journal | undefined;
  /** The card device's name, when one is configured and enabled. */
  card: string | undefined;
  printer: string | undefined;
  /** A device command through the router, with a role. */
  request(device: string, command: string, input: unknown, role: Role, requester: string): Promise<ResponseEnvelope>;
  fleetRecord(kind: 'kpi' | 'settlement', body: unknown): Promise<void>;
  publishKpi(): void;
}

export interface EndOfDayResult {
  settlement: Settlement;
  printed: boolean;
  terminal: { result: string; reason?: string } | null;
}

export class EndOfDay {
  private running: Promise<EndOfDayResult> | undefined;

  constructor(private readonly h: EndOfDayHost) {}

  /** One end of day at a time; a second request while one runs gets the same result. */
  close(requester: string, print?: boolean): Promise<EndOfDayResult> {
    this.running ??= this.run(requester, print).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(requester: string, print: boolean | undefined): Promise<EndOfDayResult> {
    const { h } = this;
    const journal = h.journal();
    if (!journal) throw new KioskError('JOURNAL_UNAVAILABLE', 'the money journal is not open: no end of day without it');
    const terminal = await this.terminalEndOfDay(journal, requester);
    const book = h.kpis.requireBook();
    book.accrue(h.clock.now());
    const day = h.kpis.today();
    const totals = journalTotals(journal.list(), book.state.period.afterSeq, h.currency, h.defaultCashCurrency);
    const settlement = buildSettlement({
      settlementId: `${h.kioskId}-${day}-${randomUUID().slice(0, 8)}`, day, closedAt: h.clock.iso(), currency: h.currency,
      period: book.state.period, journal: totals, terminal: terminal.figures,
    });
    const entry = await journal.append({ stream: 'settlement', type: 'end-of-day', key: settlement.settlementId, data: { ...settlement, requester } });
    // The settlement record itself is in the journal now: the next period starts after it.
    book.state.period = emptyPeriod(settlement.closedAt, entry.seq);
    book.state.settlements++;
    book.state.lastSettlement = { settlementId: settlement.settlementId, day, closedAt: settlement.closedAt, lastSeq: entry.seq };
    book.day(day).final = true;
    await h.kpis.save();
    h.log.info({ settlementId: settlement.settlementId, day, matches: settlement.matches, card: settlement.card.amount, cash: settlement.cash.amount, journal: settlement.journal.amount }, 'end of day');
    if (!settlement.matches) h.log.error({ settlementId: settlement.settlementId }, 'end of day: totals do not match the journal');
    const final = h.kpis.summary(day);
    await h.fleetRecord('settlement', settlement);
    if (final) await h.fleetRecord('kpi', final);
    h.publishKpi();
    const printed = await this.print(settlement, print ?? h.printer !== undefined, requester);
    return { settlement, printed, terminal: terminal.answer };
  }

  private async terminalEndOfDay(journal: Journal, requester: string): Promise<{ figures: { amount: number } | null; answer: { result: string; reason?: string } | null }> {
    const card = this.h.card;
    if (!card) return { figures: null, answer: null };
    const before = journal.length;
    const res = await this.h.request(card, 'end-of-day', {}, 'technician', requester);
    if (res.status !== 'ok') return { figures: null, answer: { result: 'failed', reason: res.error.code } };
    const data = res.data as { result: string; reason?: string };
    // The card driver journals the terminal's own total (ZVT end-of-day completion, BMP 04).
    const record = journal.list({ stream: 'card', type: 'end-of-day' }).find((e) => e.seq > before);
    const amount = record?.data.amount;
    const answer = { result: data.result, ...(data.reason ? { reason: data.reason } : {}) };
    return { figures: data.result === 'ok' && typeof amount === 'number' ? { amount } : null, answer };
  }

  private async print(settlement: Settlement, print: boolean, requester: string): Promise<boolean> {
    const printer = this.h.printer;
    if (!print || !printer) return false;
    const document = buildSettlementTicket(settlement, this.h.kioskId);
    const res = await this.h.request(printer, 'print', { document, idempotencyKey: `eod-${settlement.settlementId}`.slice(0, 128) }, 'technician', requester);
    if (res.status !== 'ok') this.h.log.warn({ code: res.error.code }, 'settlement ticket not printed');
    return res.status === 'ok';
  }
}
