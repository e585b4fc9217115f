/**
 * A simulated day on the real daemon: the card terminal (ZVT), the cash validator (SSP, encrypted) and
 * the printer (ESC/POS) are the simulators over PTYs speaking their wire protocols, driven over MQTT by
 * a real Mosquitto. Time runs on a WarpClock: real timers for the I/O, and the test moves the day forward
 * an hour at a time from 06:00 to past the configured end-of-day time (23:30, Asia/Dubai). The daemon's
 * own schedule closes the day: the terminal's end of day (ZVT 06 50, answered by the simulated terminal
 * from its own booked totals), the settlement ticket printed, the settlement journaled. Its totals must
 * equal the journal on disk (counted here), the terminal, and what the test paid in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kpiDailySchema, settlementSchema } from '../../src/api/fleet-records.js';
import { WarpClock } from '../../src/core/test-clocks.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { bootKiosk, type Kiosk } from '../helpers/kiosk.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DUBAI = 4 * HOUR; // UTC+4 all year

interface Line { seq: number; stream: string; type: string; key: string; data: Record<string, unknown> }

/** The next 06:00 in Dubai after `now` (ms since the epoch, UTC). */
function nextDubaiSix(now: number): number {
  const localMidnight = Math.floor((now + DUBAI) / (24 * HOUR)) * 24 * HOUR;
  return localMidnight + 24 * HOUR + 6 * HOUR - DUBAI;
}

describe.skipIf(!hasMosquitto || !hasPty)('a simulated day over the device simulators, closed by the end-of-day schedule', () => {
  const clock = new WarpClock();
  let k: Kiosk;
  const journal = (): Line[] => readFileSync(join(k.kiosk.stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    clock.jump(nextDubaiSix(clock.now()) - clock.now()); // the kiosk opens at 06:00 local
    k = await bootKiosk({
      clock,
      config: {
        simulation: true,
        devices: {
          card: { ackTimeoutMs: 2000, idleTimeoutMs: 4000 },
          printer: {},
          cash: {
            validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
            simulator: { stepMs: 40, currency: 'AED', coins: [] },
          },
        },
        operations: { timeZone: 'Asia/Dubai', endOfDay: { at: '23:30', printer: 'printer', currency: 'AED' } },
      },
      ready: ['card', 'cash', 'printer'],
      readyTimeoutMs: 30_000,
    });
  }, 90_000);
  afterAll(async () => {
    if (process.env.DAY_DEBUG) for (const l of k?.kiosk.logs ?? []) if (/end of day|schedul|"level":(40|50)/.test(l)) process.stderr.write(l);
    await k?.stop();
  });

  it('card sales, declines and cash by note from 06:00; at 23:30 the schedule settles to the journal and the terminal, and prints', { timeout: 180_000 }, async () => {
    const { probe } = k;
    let card = 0;
    let cash = 0;
    const notes: Record<string, number> = {};
    const sale = async (i: number, amount: number, decline: boolean) => {
      if (decline) expect(await probe.sim('card', 'decline', { resultCode: 113 })).toMatchObject({ status: 'ok' });
      const res = await probe.request('card', 'sale', { amount, currency: 'AED', reference: `fee-${i}`, idempotencyKey: `day-${i}` }, { timeoutMs: 30_000 });
      expect(res, JSON.stringify(res)).toMatchObject({ status: 'ok', data: { result: decline ? 'declined' : 'approved' } });
      if (!decline) card += amount;
    };
    const pay = async (i: number, values: number[]) => {
      const due = values.reduce((a, b) => a + b, 0);
      const busy = probe.next('device/cash/state', (p: { status: string; detail: { accepting: boolean } }) => p.status === 'busy' && p.detail.accepting, 15_000);
      const answer = probe.request('cash', 'accept', { amountDue: due, currency: 'AED', timeoutMs: 60_000, transaction: `cash-${i}` }, { timeoutMs: 60_000 });
      await busy;
      for (const value of values) {
        const credit = probe.next('device/cash/event/credit', (p: { value: number }) => p.value === value, 15_000);
        expect((await probe.sim('cash', 'insert-note', { value })).status).toBe('ok');
        await credit;
        notes[String(value)] = (notes[String(value)] ?? 0) + 1;
      }
      expect(await answer).toMatchObject({ status: 'ok', data: { status: 'paid', total: due } });
      cash += due;
    };

    // 06:00 to 22:00, one visitor every two hours; the clock moves on between them.
    for (let h = 0; h <= 16; h += 2) {
      await sale(h, 1500 + h * 250, h % 6 === 4);
      if (h % 4 === 0) await pay(h, h === 8 ? [5000, 1000, 500] : [2000]);
      if (h === 16) break; // 22:00
      await clock.advance(2 * HOUR);
      // the devices stay ready through the jump (their polls and timeouts ran on the advanced clock)
      await probe.waitFor('device/card/state', (p: { status: string }) => p.status === 'ready', 15_000);
    }
    // 22:00 + 1:31 -> 23:31: the schedule (checked every 30 s of the clock) closes the day by itself.
    const settled = probe.next('bridge/kpi', (p: { final?: boolean }) => p.final === true, 60_000);
    await clock.advance(HOUR + 31 * MINUTE);
    const kpi = kpiDailySchema.parse((await settled).payload);
    const record = await vi.waitFor(() => {
      const r = journal().find((e) => e.stream === 'settlement');
      expect(r).toBeDefined();
      return r as Line;
    }, { timeout: 30_000 });
    const s = settlementSchema.parse(record.data); // the requester rides along in the journal, not in the record
    expect(record.data.requester).toBe('schedule');
    expect(s.day).toBe(kpi.day);

    // The journal on disk, counted here: approved card sales, credited notes.
    const lines = journal();
    const sales = lines.filter((e) => e.stream === 'card' && e.type === 'sale.outcome' && (e.data.outcome as { result?: string }).result === 'approved');
    const credits = lines.filter((e) => e.stream === 'cash' && e.type === 'note.credited');
    const journalCard = sales.reduce((a, e) => a + ((e.data.outcome as { amount: number }).amount), 0);
    const journalCash = credits.reduce((a, e) => a + Number(e.data.value), 0);
    expect([journalCard, journalCash]).toEqual([card, cash]);
    // The terminal's own end of day (its booked totals, over ZVT) was journaled by the card driver.
    const eod = lines.filter((e) => e.stream === 'card' && e.type === 'end-of-day');
    expect(eod).toHaveLength(1);
    expect(eod[0]?.data).toMatchObject({ result: 'ok', amount: card });

    expect(s).toMatchObject({
      currency: 'AED',
      card: { count: sales.length, amount: card, terminal: { amount: card } },
      cash: { count: credits.length, amount: cash, denominations: notes },
      journal: { count: sales.length + credits.length, amount: card + cash },
      matches: true,
    });
    // KPIs of the day: the same numbers per method, devices fitted from 06:00 to the close.
    expect(kpi.services).toContainEqual(expect.objectContaining({ method: 'card', currency: 'AED', started: 9, completed: sales.length, failed: 9 - sales.length, amount: card }));
    expect(kpi.services).toContainEqual(expect.objectContaining({ method: 'cash', currency: 'AED', completed: 5, amount: cash }));
    expect(kpi.cash).toEqual({ currency: 'AED', denominations: notes });
    for (const d of ['card', 'cash', 'printer']) expect(kpi.devices[d]?.fittedSec, d).toBeGreaterThanOrEqual(17.5 * 3600 - 60);
    expect(kpi.devices.card?.readySec).toBeGreaterThan(17 * 3600);

    // The settlement ticket came out of the simulated printer.
    await vi.waitFor(async () => expect(await probe.sim('printer', 'lastPage', {})).toMatchObject({ status: 'ok', data: { pages: 1 } }), { timeout: 30_000 });
    // The schedule runs once a day: another half hour changes nothing.
    await clock.advance(30 * MINUTE);
    expect(journal().filter((e) => e.stream === 'settlement')).toHaveLength(1);
  });
});
