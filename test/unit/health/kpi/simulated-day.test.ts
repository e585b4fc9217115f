/**
 * A simulated day on a ManualClock: devices go up and down, card sales (approved, declined, reversed)
 * and cash sessions are written to a real money journal on disk by the drivers' own ledgers, and end of
 * day closes it. The KPIs and the settlement must equal what the journal says, and survive a restart.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/test-clocks.js';
import { Journal } from '../../../../src/core/journal.js';
import { createLogger } from '../../../../src/core/logger.js';
import { CardLedger } from '../../../../src/drivers/card/ledger.js';
import { Ledger as CashLedger } from '../../../../src/drivers/cash/ledger.js';
import { settlementSchema } from '../../../../src/api/fleet-records.js';
import { Kpis } from '../../../../src/health/kpi/kpis.js';
import { journalTotals } from '../../../../src/health/kpi/settlement.js';
import { EndOfDay } from '../../../../src/daemon/end-of-day.js';
import type { DeviceStateMessage, ResponseEnvelope } from '../../../../src/api/envelope.js';
import type { CardOutcome } from '../../../../src/drivers/card/api.js';

const TZ = 'Asia/Dubai';
// 2026-03-02 00:00 in Dubai (UTC+4).
const MIDNIGHT = Date.UTC(2026, 2, 1, 20, 0, 0);
const HOUR = 3_600_000;
const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const st = (status: DeviceStateMessage['status'], code?: string): DeviceStateMessage =>
  ({ status, since: '', detail: {}, ...(code ? { error: { code, message: code } } : {}) }) as unknown as DeviceStateMessage;

function outcome(key: string, amount: number, result: 'approved' | 'declined'): CardOutcome {
  const common = { idempotencyKey: key, reference: `ref-${key}`, operation: 'sale' as const, amount, currency: 'AED', receiptText: '', recovered: false };
  return result === 'approved' ? { ...common, result, card: { masked: '476173******0119', brand: 'VISA' } } : { ...common, result, reason: 'DECLINED' };
}

async function day(dir: string, clock: ManualClock) {
  const journal = await Journal.open(join(dir, 'journal', 'money.jsonl'), { mirrorPath: join(dir, 'mirror', 'money.jsonl'), now: () => clock.iso() });
  const kpis = new Kpis({ path: join(dir, 'kpi', 'kpi.json'), tz: TZ, clock, log, kindOf: (n) => n, tickSec: 900 });
  await kpis.start();
  kpis.followJournal(journal.list(), (l) => journal.onAppend((e) => l(e)));
  return { journal, kpis };
}

describe('a simulated day: KPIs and end of day equal the money journal', () => {
  it('counts availability per hour, faults, card and cash by denomination; settlement matches the journal and the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kioskd-day-'));
    const clock = new ManualClock(MIDNIGHT + 6 * HOUR);
    let { journal, kpis } = await day(dir, clock);
    const card = new CardLedger(journal);
    const cash = CashLedger.load(journal);
    for (const d of ['card', 'cash', 'printer']) kpis.state(d, st('ready'));

    let expectCard = 0;
    let expectCash = 0;
    let n = 0;
    const sale = async (amount: number, result: 'approved' | 'declined') => {
      const key = `s${++n}`;
      const r = await card.intent({ key, operation: 'sale', reference: `ref-${key}`, amount, currency: 'AED', prevTrace: null });
      await card.outcome(r, outcome(key, amount, result));
      if (result === 'approved') expectCard += amount;
      return r;
    };
    const cashSession = async (notes: number[], paid: boolean) => {
      const id = `c${++n}`;
      await cash.record('session.opened', id, { amountDue: 5000, currency: 'AED' });
      let total = 0;
      for (const v of notes) {
        total += v;
        expectCash += v;
        await cash.record('note.credited', id, { channel: 1, value: v, total, via: 'live' });
      }
      await cash.record('session.closed', id, { status: paid ? 'paid' : 'cancelled', total });
    };

    // 06:00-12:00: a morning of sales; the printer faults at 09:00 for 30 minutes.
    for (let h = 0; h < 6; h++) {
      await sale(2500 + h * 100, h === 2 ? 'declined' : 'approved');
      await cashSession([5000], true);
      if (h === 3) {
        kpis.state('printer', st('fault', 'PAPER_OUT'));
        await clock.advanceAsync(HOUR / 2);
        kpis.state('printer', st('ready'));
        await clock.advanceAsync(HOUR / 2);
      } else await clock.advanceAsync(HOUR);
    }
    // A reversed sale and a cancelled cash session that still took a note.
    const r = await sale(9900, 'approved');
    await card.reversalIntent(r, 1, null);
    await card.reversalOutcome(r, { idempotencyKey: r.key, reference: r.reference, result: 'reversed', receiptText: '', recovered: false });
    expectCard -= 9900;
    await cashSession([1000, 500], false);

    kpis.paperUsed(48.8); // two receipts' paper, as the printer's finished jobs report it
    kpis.paperUsed(61.3);
    // A restart at noon: the KPI book is saved and reloaded; the journal is counted once, not twice.
    await kpis.stop();
    await journal.close();
    ({ journal, kpis } = await day(dir, clock));
    const card2 = new CardLedger(journal);
    for (const d of ['card', 'cash', 'printer']) kpis.state(d, st('ready'));
    await clock.advanceAsync(10 * HOUR); // to 22:00
    kpis.paperUsed(39.9);
    const late = await card2.intent({ key: 'late', operation: 'sale', reference: 'ref-late', amount: 4200, currency: 'AED', prevTrace: null });
    await card2.outcome(late, outcome('late', 4200, 'approved'));
    expectCard += 4200;
    await clock.advanceAsync(HOUR);

    const requests: string[] = [];
    const eod = new EndOfDay({
      kioskId: 'k1', clock, log, kpis, currency: 'AED', defaultCashCurrency: 'AED', journal: () => journal, card: 'card', printer: 'printer',
      // The terminal's answer: its own batch total, journaled by the card driver as it does (driver.ts endOfDay).
      request: async (device, command, input): Promise<ResponseEnvelope> => {
        requests.push(`${device}/${command}`);
        if (command === 'end-of-day') await card2.note('end-of-day', 'eod-1', { result: 'ok', trace: 9, amount: expectCard });
        if (command === 'print') expect((input as { document: { blocks: unknown[] } }).document.blocks.length).toBeGreaterThan(10);
        return { status: 'ok', data: command === 'end-of-day' ? { result: 'ok', receiptText: '' } : { jobId: 'j' } };
      },
      fleetRecord: async () => undefined,
      publishKpi: () => undefined,
    });
    const { settlement, printed } = await eod.close('tech-1', true);
    settlementSchema.parse(settlement);
    expect(printed).toBe(true);
    expect(requests).toEqual(['card/end-of-day', 'printer/print']);

    const fromJournal = journalTotals(journal.list(), 0, 'AED', 'AED');
    expect(settlement.card).toMatchObject({ count: 7, amount: expectCard, terminal: { amount: expectCard } });
    expect(settlement.cash).toMatchObject({ count: 8, amount: expectCash, denominations: { '5000': 6, '1000': 1, '500': 1 } });
    expect(settlement.journal).toMatchObject({ count: fromJournal.count, amount: fromJournal.amount });
    expect(settlement.card.amount + settlement.cash.amount).toBe(fromJournal.amount);
    expect(settlement.matches).toBe(true);

    const kpi = kpis.summary('2026-03-02');
    expect(kpi?.final).toBe(true);
    const byMethod = (m: string) => kpi?.services.find((s) => s.method === m);
    expect(byMethod('card')).toMatchObject({ started: 8, completed: 7, failed: 1, amount: expectCard });
    expect(byMethod('cash')).toMatchObject({ started: 7, completed: 6, failed: 1, amount: expectCash });
    expect(kpi?.cash).toEqual({ currency: 'AED', denominations: { '5000': 6, '1000': 1, '500': 1 } });
    expect(kpi?.consumables?.paperUsedMm).toBe(110 + 40); // kept across the restart, rounded to the mm
    // 17 h fitted (06:00-23:00), the printer down 30 minutes of it, one fault.
    expect(kpi?.devices.printer).toMatchObject({ fittedSec: 17 * 3600, readySec: 17 * 3600 - 1800, faults: { PAPER_OUT: 1 } });
    expect(kpi?.devices.printer?.mtbfSec).toBe(17 * 3600 - 1800);
    const hours = kpis.requireBook().state.days['2026-03-02']?.devices.printer?.hours;
    expect(hours?.['09']).toEqual({ fittedMs: HOUR, readyMs: HOUR / 2 });
    expect(Object.keys(hours ?? {}).sort()[0]).toBe('06');

    // The book on disk holds the same after stop.
    await kpis.stop();
    const saved = JSON.parse(readFileSync(join(dir, 'kpi', 'kpi.json'), 'utf8')) as { days: Record<string, { final: boolean }>; lastSettlement: { settlementId: string } };
    expect(saved.days['2026-03-02']?.final).toBe(true);
    expect(saved.lastSettlement.settlementId).toBe(settlement.settlementId);
    await journal.close();
  });

  it('says the totals do not match when the terminal reports another total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kioskd-day-'));
    const clock = new ManualClock(MIDNIGHT + 8 * HOUR);
    const { journal, kpis } = await day(dir, clock);
    const card = new CardLedger(journal);
    const r = await card.intent({ key: 'a', operation: 'sale', reference: 'ref-a', amount: 1000, currency: 'AED', prevTrace: null });
    await card.outcome(r, outcome('a', 1000, 'approved'));
    const eod = new EndOfDay({
      kioskId: 'k1', clock, log, kpis, currency: 'AED', defaultCashCurrency: 'AED', journal: () => journal, card: 'card', printer: undefined,
      request: async (): Promise<ResponseEnvelope> => {
        await card.note('end-of-day', 'eod', { result: 'ok', amount: 900 });
        return { status: 'ok', data: { result: 'ok', receiptText: '' } };
      },
      fleetRecord: async () => undefined,
      publishKpi: () => undefined,
    });
    const { settlement } = await eod.close('tech');
    expect(settlement.card.terminal).toEqual({ amount: 900 });
    expect(settlement.matches).toBe(false);
    // The next period starts empty after the settlement record.
    expect(kpis.requireBook().state.period.card).toEqual({});
    await kpis.stop();
    await journal.close();
  });
});
