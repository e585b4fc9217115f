/**
 * Checkout with the cash change model over MQTT: the real daemon with a note recycler on the simulated
 * SSP validator (eSSP), printer and ZVT terminal, against a real Mosquitto. Overpaying in cash gets its
 * change from the recycler (the cash driver's own journaled payout), and the checkout records the change
 * as given; a citizen's cancel repays the deposit and the checkout ends with nothing held. Each case is
 * checked by the answer, the journal on disk and the recycler simulator's own counts. The scanner the
 * session armed is disarmed when it ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutRecordSchema } from '../../src/api/checkout.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { checkoutConfig, journalOf, newToken, op } from '../helpers/checkout-kiosk.js';

interface Counts { stored: Record<string, number>; notesDispensed: Record<string, number>; paidOutTotal: number }

const base = checkoutConfig();
const cash = (base.devices as { cash: Record<string, unknown> }).cash;
const config = {
  ...base,
  devices: {
    ...(base.devices as Record<string, unknown>),
    scanner: { inputs: { reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200 } } },
    cash: {
      ...cash,
      validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
      payout: { recycler: true, recycle: [5000] },
      simulator: { ...(cash.simulator as Record<string, unknown>), recyclerFloat: { '5000': 3 } },
    },
  },
};

describe.skipIf(!hasMosquitto)('checkout with change and repay from the note recycler (MQTT, simulators)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  const sim = async (cmd: string, payload: Record<string, unknown> = {}) => {
    const res = await probe.sim('cash', cmd, payload);
    if (res.status !== 'ok') throw new Error(`sim ${cmd}: ${JSON.stringify(res)}`);
    return res.data as Record<string, unknown>;
  };
  const counts = async () => (await sim('payout-counts')) as unknown as Counts;
  const cashAccepting = () => probe.waitFor('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting, 15_000, true);
  const insert = async (value: number) => {
    const credit = probe.next('device/cash/event/credit', (p: { value: number }) => p.value === value, 15_000);
    expect(await sim('insert-note', { value })).toEqual({ taken: true });
    await credit;
  };
  const steps = (key: string) => journalOf(kiosk.stateDir).filter((e) => e.stream === 'checkout' && e.key === key);

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config });
    probe = await Probe.connect(broker.url, kiosk.base);
    for (const dev of ['printer', 'card', 'cash', 'scanner']) await probe.waitFor(`device/${dev}/state`, (p: { status: string }) => p.status === 'ready', 30_000);
    await probe.waitFor('bridge/availability', (p: { kiosk: string }) => p.kiosk === 'available', 15_000);
  }, 60_000);
  afterAll(async () => {
    if (process.env.CHECKOUT_DEBUG) for (const l of kiosk?.logs ?? []) process.stderr.write(l);
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('150 AED paid with a 200 AED note: the recycler pays 50 AED change, the checkout records it as given', async () => {
    const before = await counts();
    const token = newToken();
    await op(probe, 'session-open', { token, language: 'en' });
    const accepting = cashAccepting();
    const result = op(probe, 'checkout-start', { service: 'good-conduct', method: 'cash', reference: 'GC-CH-1', idempotencyKey: 'checkout-change-1' }, token, 90_000);
    await accepting;
    await insert(20_000);
    const answer = await result;
    expect(answer.status, JSON.stringify(answer)).toBe('ok');
    const rec = checkoutRecordSchema.parse(answer.status === 'ok' ? answer.data : undefined);
    expect(rec).toMatchObject({ state: 'paid', amount: 15_000, paid: { cash: 20_000, card: 0 }, change: 5000, changeGiven: 5000, receipt: 'printed' });
    expect(rec.attention).toBeUndefined();

    const mine = steps('checkout-change-1');
    const ended = mine.find((e) => e.type === 'cash.ended')!.data;
    expect(ended).toMatchObject({ status: 'paid', total: 20_000, paidOut: 5000 });
    expect(mine.map((e) => e.type)).not.toContain('attention.raised');
    // the payout is the cash driver's, tied to its session, journaled once
    const payouts = journalOf(kiosk.stateDir).filter((e) => e.type === 'payout.finished' && e.key === `change:${String(ended.sessionId)}`);
    expect(payouts).toHaveLength(1);
    expect(payouts[0]!.data).toMatchObject({ paid: 5000 });
    const after = await counts();
    expect(after.paidOutTotal - before.paidOutTotal).toBe(5000);
    expect((after.notesDispensed['5000'] ?? 0) - (before.notesDispensed['5000'] ?? 0)).toBe(1);
    await op(probe, 'session-close', {}, token);
  }, 90_000);

  it('the citizen cancels after a deposit: the recycler repays it and the checkout ends cancelled, nothing held', async () => {
    const before = await counts();
    const token = newToken();
    await op(probe, 'session-open', { token, language: 'en' });
    const accepting = cashAccepting();
    const result = op(probe, 'checkout-start', { service: 'good-conduct', method: 'cash', reference: 'GC-CH-2', idempotencyKey: 'checkout-repay-1' }, token, 90_000);
    await accepting;
    await insert(5000);
    expect(await op(probe, 'checkout-cancel', {}, token)).toMatchObject({ status: 'ok' });
    const answer = await result;
    expect(answer.status, JSON.stringify(answer)).toBe('ok');
    const rec = checkoutRecordSchema.parse(answer.status === 'ok' ? answer.data : undefined);
    expect(rec).toMatchObject({ state: 'cancelled', paid: { cash: 0, card: 0 }, change: 0 });
    expect(rec.attention).toBeUndefined();
    const ended = steps('checkout-repay-1').find((e) => e.type === 'cash.ended')!.data;
    expect(ended).toMatchObject({ status: 'cancelled', total: 5000, paidOut: 5000 });
    const after = await counts();
    expect(after.paidOutTotal - before.paidOutTotal).toBe(5000);
    await op(probe, 'session-close', {}, token);
  }, 90_000);

  it('the scanner the session armed is disarmed when the session ends', async () => {
    const token = newToken();
    await op(probe, 'session-open', { token, language: 'en' });
    expect(await probe.request('scanner', 'enable', { session: token })).toMatchObject({ status: 'ok', data: { armed: true } });
    const disarmed = probe.next('device/scanner/event/armed', (p: { armed: boolean }) => !p.armed, 10_000);
    const state = probe.next('device/scanner/state', (p: { detail: { armed: boolean } }) => !p.detail.armed, 10_000);
    await op(probe, 'session-close', {}, token);
    expect((await disarmed).payload).toMatchObject({ armed: false, reason: 'request' });
    expect((await state).payload).toMatchObject({ detail: { armed: false, armedUntil: null } });
  }, 60_000);
});
