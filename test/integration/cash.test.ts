/**
 * The cash device over MQTT, end to end: the real daemon with the simulated SSP validator and ccTalk coin
 * acceptor (real bytes over PTYs) against a real Mosquitto. Money is checked three ways: the MQTT
 * answers and events, the journal on disk, and what the simulated validator says it stacked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashApi } from '../../src/drivers/cash/api.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

const cashConfig = {
  simulation: true,
  devices: {
    cash: {
      validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
      coinAcceptor: { pollIntervalMs: 30 },
      simulator: { stepMs: 80 },
      cashbox: { capacity: 10, nearFullPercent: 50 },
    },
  },
};

type AcceptOut = ReturnType<typeof cashApi.commands.accept.output.parse>;
type Detail = { accepting: boolean; session: { sessionId: string; total: number } | null; cashbox: { notes: Record<string, number>; count: number; value: number; full: boolean; nearFull: boolean; present: boolean }; fault: { code: string } | null; unsettled: { sessionId: string }[] };

describe.skipIf(!hasMosquitto)('cash over MQTT (real Mosquitto, SSP + ccTalk simulators over PTYs)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  /** The latest cash state if it matches, else the next one that does. */
  const state = async (pred: (status: string, d: Detail) => boolean = () => true) => {
    const latest = probe.messages.filter((m) => m.topic === `${kiosk.base}/device/cash/state`).at(-1)?.payload as { status: string; detail: Detail } | undefined;
    if (latest && pred(latest.status, latest.detail)) return latest;
    return (await probe.next('device/cash/state', (p: { status: string; detail: Detail }) => pred(p.status, p.detail), 15_000)).payload as { status: string; detail: Detail };
  };
  const sim = async (cmd: string, payload: Record<string, unknown> = {}) => {
    const res = await probe.sim('cash', cmd, payload);
    if (res.status !== 'ok') throw new Error(`sim ${cmd}: ${JSON.stringify(res)}`);
    return res.data as Record<string, unknown>;
  };
  /** Start an accept; resolves once the session runs, with the pending answer inside. */
  const startAccept = async (amountDue: number, transaction: string): Promise<{ answer: Promise<AcceptOut> }> => {
    const busy = probe.next('device/cash/state', (p: { status: string; detail: { accepting: boolean } }) => p.status === 'busy' && p.detail.accepting);
    const answer = probe.request('cash', 'accept', { amountDue, currency: 'EUR', timeoutMs: 60_000, transaction }, { timeoutMs: 60_000 }).then((r) => {
      if (r.status !== 'ok') throw new Error(`accept: ${JSON.stringify(r)}`);
      return cashApi.commands.accept.output.parse(r.data);
    });
    answer.catch(() => undefined);
    await busy;
    return { answer };
  };
  const insertNote = async (value: number) => {
    const credit = probe.next('device/cash/event/credit', (p: { value: number; source: string }) => p.value === value && p.source === 'note');
    const taken = await sim('insert-note', { value });
    expect(taken, JSON.stringify(taken)).toEqual({ taken: true });
    return cashApi.events.credit.payload.parse((await credit).payload);
  };
  const journal = () =>
    readFileSync(join(kiosk.stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; key: string; data: { value?: number } });
  const credited = () => journal().filter((e) => e.type === 'note.credited').reduce((a, e) => a + (e.data.value ?? 0), 0);

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config: cashConfig });
    probe = await Probe.connect(broker.url, kiosk.base);
    await state((s) => s === 'ready');
  }, 30_000);
  afterAll(async () => {
    if (process.env.CASH_DEBUG) for (const l of kiosk?.logs ?? []) if (l.includes('"device":"cash"')) process.stderr.write(l);
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('takes a fee in several notes and coins; every credit is journaled and the answer has the total', async () => {
    const { answer } = await startAccept(3570, 'tx-fee');
    expect((await insertNote(2000)).total).toBe(2000);
    // the retained state carries the session's total as credits arrive (a UI that missed the event sees it)
    expect((await state((s, d) => d.session?.total === 2000)).status).toBe('busy');
    expect((await insertNote(1000)).total).toBe(3000);
    await state((s, d) => d.session?.total === 3000);
    for (const value of [200, 200, 100, 50, 20]) {
      const credit = probe.next('device/cash/event/credit', (p: { source: string; value: number }) => p.source === 'coin' && p.value === value);
      expect(await sim('insert-coin', { value })).toEqual({ taken: true });
      await credit;
    }
    const out = await answer;
    expect(out).toMatchObject({ status: 'paid', amountDue: 3570, total: 3570, change: 0, currency: 'EUR', refundable: false, voucher: false, pending: false });
    const credits = probe.messages.filter((m) => m.topic.endsWith('device/cash/event/credit')).map((m) => cashApi.events.credit.payload.parse(m.payload));
    expect(credits.map((c) => c.total)).toEqual([2000, 3000, 3200, 3400, 3500, 3550, 3570]);
    expect(credits.every((c) => c.transaction === 'tx-fee' && c.sessionId === out.sessionId)).toBe(true);
    const entries = journal().filter((e) => e.key === out.sessionId).map((e) => e.type);
    expect(entries.filter((t) => t === 'note.accepting')).toHaveLength(2);
    expect(entries.filter((t) => t === 'note.credited')).toHaveLength(2);
    expect(entries.filter((t) => t === 'coin.credited')).toHaveLength(5);
    expect(entries.at(-1)).toBe('session.closed');
    const { detail } = await state((s, d) => s === 'ready' && d.cashbox.count === 2);
    expect(detail.cashbox.notes).toEqual({ '2000': 1, '1000': 1 });
  });

  it('returns a note from escrow when it would overpay, then takes one that fits', async () => {
    const { answer } = await startAccept(1500, 'tx-over');
    await insertNote(1000);
    const returned = probe.next('device/cash/event/returned');
    const escrow = probe.next('device/cash/event/escrow', (p: { accepted: boolean }) => !p.accepted);
    await sim('insert-note', { value: 1000 });
    expect((await escrow).payload).toMatchObject({ value: 1000, accepted: false, transaction: 'tx-over' });
    expect((await returned).payload).toMatchObject({ value: 1000, reason: 'overpay' });
    await probe.next('device/cash/event/rejected', () => true, 1500).catch(() => undefined); // the validator's own REJECTED is ours: not reported
    expect(probe.messages.some((m) => m.topic.endsWith('event/rejected'))).toBe(false);
    await insertNote(500);
    expect(await answer).toMatchObject({ status: 'paid', total: 1500, change: 0 });
    expect((await sim('stacked')).total).toBe(credited());
  });

  it('rejects a fake note with its reason', async () => {
    const { answer } = await startAccept(500, 'tx-fake');
    const rejected = probe.next('device/cash/event/rejected');
    await sim('insert-fake');
    expect((await rejected).payload).toMatchObject({ source: 'note', reason: 'invalid note', transaction: 'tx-fake' });
    await insertNote(500);
    expect(await answer).toMatchObject({ status: 'paid', total: 500 });
  });

  it('cancels with money stacked: the answer says it cannot be handed back (voucher)', async () => {
    const { answer } = await startAccept(5000, 'tx-cancel');
    await insertNote(2000);
    const res = await probe.request('cash', 'cancel', {});
    expect(res).toMatchObject({ status: 'ok', data: { cancelled: true } });
    expect(await answer).toMatchObject({ status: 'cancelled', total: 2000, refundable: false, voucher: true, change: 0 });
    await state((s) => s === 'ready');
    expect(await sim('insert-note', { value: 500 })).toMatchObject({ taken: false });
  });

  it('a jam mid-session: fault CASH_JAM, the session ends, the stuck note is credited when cleared into the cashbox', async () => {
    const { answer } = await startAccept(5000, 'tx-jam');
    await insertNote(1000);
    const accepted = probe.next('device/cash/event/escrow', (p: { accepted: boolean }) => p.accepted);
    await sim('insert-note', { value: 2000 });
    await accepted;
    await sim('jam');
    const fault = await state((s, d) => s === 'fault' && d.fault?.code === 'CASH_JAM');
    expect(fault.detail.fault?.code).toBe('CASH_JAM');
    const out = await answer;
    expect(out.status).toBe('fault');
    expect(out.voucher).toBe(true);
    const refused = await probe.request('cash', 'accept', { amountDue: 100, currency: 'EUR' });
    expect(refused).toMatchObject({ status: 'error', error: { code: 'DEVICE_UNAVAILABLE' } });
    await sim('clear-jam', { to: 'cashbox' });
    await state((s) => s === 'ready');
    // whether the jam caught the note before or after it left escrow, the journal matches the cashbox
    await expect.poll(async () => (await sim('stacked')).total === credited(), { timeout: 5000 }).toBe(true);
    const sessionTotal = journal().filter((e) => e.key === out.sessionId && e.type === 'note.credited').reduce((a, e) => a + (e.data.value ?? 0), 0);
    expect(sessionTotal === 1000 || sessionTotal === 3000).toBe(true);
  });

  it('a power cut mid-stack: the validator resets, the note is reconciled by its counter, the session goes on', async () => {
    const { answer } = await startAccept(2500, 'tx-power');
    const accepted = probe.next('device/cash/event/escrow', (p: { accepted: boolean }) => p.accepted);
    const credit = probe.next('device/cash/event/credit', (p: { value: number }) => p.value === 2000);
    await sim('insert-note', { value: 2000 });
    await accepted;
    await expect.poll(async () => (await sim('stacked')).phase, { timeout: 5000, interval: 5 }).toBe('stacking');
    await sim('power-cut', { offMs: 600, outcome: 'cashbox' });
    expect((await credit).payload).toMatchObject({ total: 2000, transaction: 'tx-power' });
    await state((s, d) => s === 'busy' && d.accepting);
    await insertNote(500);
    expect(await answer).toMatchObject({ status: 'paid', total: 2500 });
    expect((await sim('stacked')).total).toBe(credited());
  });

  it('a credit the validator reports again while the driver recovers (after a restart) is not credited twice', async () => {
    const { answer } = await startAccept(1000, 'tx-repeat');
    await insertNote(1000);
    expect(await answer).toMatchObject({ status: 'paid', total: 1000 });
    const before = credited();
    expect(await sim('repeat-credit')).toEqual({ armed: true });
    const credits = probe.messages.filter((m) => m.topic.endsWith('device/cash/event/credit')).length;
    expect(await probe.bridge('restart-device', { device: 'cash' }, 'technician')).toMatchObject({ status: 'ok' });
    await state((s) => s === 'ready');
    await probe.request('cash', 'status', {});
    expect(kiosk.logs.some((l) => l.includes('credit event while recovering: the stacked counter decides'))).toBe(true);
    expect(credited()).toBe(before);
    expect(probe.messages.filter((m) => m.topic.endsWith('device/cash/event/credit')).length).toBe(credits);
    expect((await sim('stacked')).total).toBe(credited());
  });

  it('a validator silent for longer than the grace period ends the session as a fault with what was taken', async () => {
    const { answer } = await startAccept(5000, 'tx-silent');
    await insertNote(1000);
    await sim('power-cut', { offMs: 6500, outcome: 'cashbox' });
    await state((s) => s === 'offline');
    expect(await answer).toMatchObject({ status: 'fault', total: 1000, voucher: true, pending: false });
    await state((s) => s === 'ready');
    expect((await sim('stacked')).total).toBe(credited());
  }, 20_000);

  it('a full cashbox is a fault until it is emptied; removal is a fault too; emptying is audited', async () => {
    await state((s) => s === 'ready');
    await sim('fill-cashbox');
    const full = await state((s, d) => s === 'fault' && d.cashbox.full);
    expect(full.detail.fault?.code).toBe('CASH_CASHBOX_FULL');
    expect(full.detail.cashbox.nearFull).toBe(true);
    expect(await probe.request('cash', 'accept', { amountDue: 100, currency: 'EUR' })).toMatchObject({ status: 'error', error: { code: 'DEVICE_UNAVAILABLE' } });
    await sim('remove-cashbox');
    await state((s, d) => d.fault?.code === 'CASH_CASHBOX_REMOVED' && !d.cashbox.present);
    await sim('replace-cashbox');
    const before = (await state()).detail.cashbox;
    expect(await probe.request('cash', 'cashbox-emptied', { technician: 'tech-7' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    const res = await probe.technician('cash', 'cashbox-emptied', { technician: 'tech-7' });
    expect(res).toMatchObject({ status: 'ok', data: { count: before.count, value: before.value } });
    const after = await state((s, d) => s === 'ready' && d.cashbox.count === 0);
    expect(after.detail.cashbox).toMatchObject({ notes: {}, value: 0, full: false, nearFull: false, present: true });
    expect(journal().filter((e) => e.type === 'cashbox.emptied')).toHaveLength(1);
  });

  it('a fraud attempt is a fault until a technician clears it', async () => {
    const { answer } = await startAccept(500, 'tx-fraud');
    await sim('insert-fake', { fraud: true });
    await state((s, d) => s === 'fault' && d.fault?.code === 'CASH_FRAUD');
    expect((await answer).status).toBe('fault');
    expect(await probe.request('cash', 'clear-fault', { technician: 'tech-7' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    expect(await probe.technician('cash', 'clear-fault', { technician: 'tech-7' })).toMatchObject({ status: 'ok', data: { faults: [] } });
    await state((s) => s === 'ready');
  });

  it('status answers with the device channel table and coin values read from the devices', async () => {
    const res = await probe.request('cash', 'status', {});
    const data = cashApi.commands.status.output.parse(res.status === 'ok' ? res.data : undefined);
    expect(data.channels.map((c) => c.value)).toEqual([500, 1000, 2000, 5000, 10000, 20000, 50000]);
    expect(data.coins.map((c) => c.value)).toEqual([10, 20, 50, 100, 200]);
  });
});
