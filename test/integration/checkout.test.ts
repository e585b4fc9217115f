/**
 * Checkout over MQTT, end to end: the real daemon, simulated printer, ZVT terminal and SSP validator
 * (real bytes over PTYs and TCP) against a real Mosquitto. Each checkout is checked three ways: its
 * answer, the journal on disk, and the simulators' own records (notes stacked, sales the terminal
 * received, pages cut).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { attentionList, attentionResolve } from '../../src/cli/attention.js';
import { validateConfig } from '../../src/daemon/config/load.js';
import { availabilitySchema } from '../../src/api/catalogue.js';
import { checkoutRecordSchema } from '../../src/api/checkout.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { checkoutConfig, journalOf, newToken, op, uiPage } from '../helpers/checkout-kiosk.js';

describe.skipIf(!hasMosquitto)('checkout over MQTT (real Mosquitto, printer + ZVT + SSP simulators)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  const availability = () => availabilitySchema.parse(probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/availability`).at(-1)?.payload);
  const service = (id: string) => availability().services.find((s) => s.id === id);
  const sim = async (dev: string, cmd: string, payload: Record<string, unknown> = {}) => {
    const res = await probe.sim(dev, cmd, payload);
    if (res.status !== 'ok') throw new Error(`sim ${dev}/${cmd}: ${JSON.stringify(res)}`);
    return res.data as Record<string, unknown>;
  };
  const pages = async () => {
    const res = await probe.sim('printer', 'lastPage', {});
    return res.status === 'ok' ? Number((res.data as { pages: number }).pages) : 0;
  };
  const cashAccepting = () => probe.waitFor('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting, 15_000, true);
  const insert = async (value: number) => {
    const credit = probe.next('device/cash/event/credit', (p: { value: number }) => p.value === value, 15_000);
    expect(await sim('cash', 'insert-note', { value })).toEqual({ taken: true });
    await credit;
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config: checkoutConfig() });
    probe = await Probe.connect(broker.url, kiosk.base);
    for (const dev of ['printer', 'card', 'cash']) await probe.waitFor(`device/${dev}/state`, (p: { status: string }) => p.status === 'ready', 30_000);
    await probe.waitFor('bridge/availability', (p: { kiosk: string; services: { methods: string[] }[] }) => p.kiosk === 'available' && p.services[0]?.methods.length === 3, 15_000);
  }, 60_000);
  afterAll(async () => {
    if (process.env.CHECKOUT_DEBUG) for (const l of kiosk?.logs ?? []) process.stderr.write(l);
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('availability follows the devices within one state change: paper out, terminal down', async () => {
    expect(service('good-conduct')).toMatchObject({ available: true, methods: ['cash', 'card', 'split'], reasons: [] });
    const out = probe.next('bridge/availability', (p: { services: { id: string; available: boolean }[] }) => p.services.some((s) => s.id === 'good-conduct' && !s.available));
    await sim('printer', 'paper', { state: 'out' });
    const stateAt = (await probe.waitFor('device/printer/state', (p: { detail: { paper: string } }) => p.detail.paper === 'out')).at;
    const avail = await out;
    expect(avail.at - stateAt).toBeLessThan(1000);
    expect(service('good-conduct')).toMatchObject({ available: false, reasons: [{ code: 'PAPER_OUT', device: 'printer' }] });
    expect(availability().kiosk).toBe('unavailable');
    const back = probe.next('bridge/availability', (p: { kiosk: string }) => p.kiosk === 'available');
    await sim('printer', 'paper', { state: 'ok' });
    await back;

    const cardDown = probe.next('bridge/availability', (p: { services: { id: string; methods: string[] }[] }) => p.services.some((s) => s.id === 'good-conduct' && s.methods.join() === 'cash'));
    await sim('card', 'power', { on: false });
    await cardDown;
    expect(service('traffic-fine')).toMatchObject({ available: false, reasons: [{ code: 'DEVICE_DOWN', device: 'card' }, { code: 'NO_PAYMENT_METHOD' }] });
    await sim('card', 'power', { on: true });
    await probe.waitFor('bridge/availability', (p: { services: { id: string; methods: string[] }[] }) => p.services.some((s) => s.id === 'good-conduct' && s.methods.length === 3), 30_000, true);
  }, 60_000);

  it('a session claims the money devices: another client cannot take cash, reads stay open', async () => {
    const a = newToken();
    const opened = await op(probe, 'session-open', { token: a, language: 'ar' });
    expect(opened).toMatchObject({ status: 'ok', data: { language: 'ar', accessible: false } });
    const other = newToken();
    expect(await op(probe, 'session-open', { token: other })).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    expect(await probe.request('cash', 'accept', { amountDue: 500, currency: 'AED', session: other })).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    expect(await probe.request('cash', 'accept', { amountDue: 500, currency: 'AED' })).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    expect(await probe.request('card', 'sale', { amount: 500, reference: 'x', idempotencyKey: 'hijack-1', session: other })).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    expect(await probe.request('cash', 'status', {})).toMatchObject({ status: 'ok' });
    expect(await op(probe, 'session-close', {}, other)).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    expect(await op(probe, 'checkout-cancel', {}, other)).toMatchObject({ status: 'error', error: { code: 'CLAIMED_BY_OTHER' } });
    // The technician's namespace is never claimed.
    expect(await probe.technician('cash', 'status', {})).toMatchObject({ status: 'ok' });
    expect(await op(probe, 'session-close', {}, a)).toMatchObject({ status: 'ok', data: { closed: true } });
    expect(await probe.request('cash', 'cancel', {})).toMatchObject({ status: 'ok' });
  });

  it('split: 100 AED in cash and the rest by card, one result, receipt printed once, journal and simulators agree', async () => {
    const token = newToken();
    await op(probe, 'session-open', { token, language: 'en' });
    const pagesBefore = await pages();
    const salesBefore = ((await sim('card', 'log')).received as unknown[]).length;
    const accepting = cashAccepting();
    const result = op(probe, 'checkout-start', { service: 'good-conduct', method: 'split', cashAmount: 10000, reference: 'GC-1001', idempotencyKey: 'checkout-split-1' }, token, 90_000);
    await accepting;
    await insert(10000);
    const answer = await result;
    expect(answer.status, JSON.stringify(answer)).toBe('ok');
    const rec = checkoutRecordSchema.parse(answer.status === 'ok' ? answer.data : undefined);
    expect(rec).toMatchObject({ state: 'paid', amount: 15000, paid: { cash: 10000, card: 5000 }, receipt: 'printed', change: 0 });
    expect(rec.card?.masked).toMatch(/\*{6}/);

    const sales = ((await sim('card', 'log')).received as { command: string; amount?: number }[]).slice(salesBefore);
    expect(sales.filter((s) => s.amount !== undefined).map((s) => s.amount)).toEqual([5000]);
    expect(await pages()).toBe(pagesBefore + 1);
    const steps = journalOf(kiosk.stateDir).filter((e) => e.stream === 'checkout' && e.key === 'checkout-split-1').map((e) => e.type);
    expect(steps).toEqual(['checkout.started', 'cash.started', 'cash.ended', 'card.started', 'card.ended', 'receipt.started', 'receipt.ended', 'checkout.ended']);
    const progress = probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/event/checkout`).map((m) => (m.payload as { messageKey: string; idempotencyKey: string }));
    expect(progress.filter((p) => p.idempotencyKey === 'checkout-split-1').map((p) => p.messageKey)).toEqual(
      expect.arrayContaining(['checkout.started', 'checkout.insertCash', 'checkout.cashCredited', 'checkout.presentCard', 'checkout.printing', 'checkout.paid']),
    );
    // The same key answers the same result again, and charges nothing more.
    expect(await op(probe, 'checkout-start', { service: 'good-conduct', method: 'split', cashAmount: 10000, reference: 'GC-1001', idempotencyKey: 'checkout-split-1' }, token)).toMatchObject({ status: 'ok', data: { state: 'paid' } });
    expect(((await sim('card', 'log')).received as unknown[]).length - salesBefore).toBe(sales.length);
    expect(await op(probe, 'checkout-get', { reference: 'GC-1001' })).toMatchObject({ status: 'ok', data: { idempotencyKey: 'checkout-split-1', state: 'paid' } });
    await op(probe, 'session-close', {}, token);
  }, 90_000);

  it('the page vanishes mid-cash: intake stops, the credit is kept, the reloaded page finds the checkout and finishes it', async () => {
    const token = newToken();
    const page = await uiPage(broker.url, kiosk.base, token);
    await page.publishAsync(`${kiosk.base}/bridge/request/session-open`, JSON.stringify({ token, transaction: 'p1:1' }), { qos: 1 });
    await probe.waitFor('bridge/session', (p: { active: unknown }) => p.active !== null, 10_000);
    const accepting = cashAccepting();
    await page.publishAsync(`${kiosk.base}/bridge/request/checkout-start`, JSON.stringify({
      session: token, transaction: 'p1:2', service: 'good-conduct', method: 'cash', reference: 'GC-2002', idempotencyKey: 'checkout-vanish-1',
    }), { qos: 1 });
    await accepting;
    await insert(5000);
    const ended = probe.next('bridge/event/session', (p: { type: string; reason?: string }) => p.type === 'ended' && p.reason === 'vanished', 15_000);
    (page.stream as { destroy(): void }).destroy(); // the tab is closed: no DISCONNECT, the broker sends the will
    await ended;
    await probe.waitFor('device/cash/state', (p: { detail: { accepting: boolean; session: unknown } }) => !p.detail.accepting && p.detail.session === null, 15_000);
    const held = await op(probe, 'checkout-get', { reference: 'GC-2002' });
    expect(held).toMatchObject({ status: 'ok', data: { state: 'suspended', paid: { cash: 5000, card: 0 }, attention: 'CREDIT_HELD' } });
    expect((await op(probe, 'attention', {})).status === 'ok').toBe(true);
    const list = probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/attention`).at(-1)?.payload as { items: { id: string; reason: string }[] };
    expect(list.items).toContainEqual(expect.objectContaining({ id: 'checkout:checkout-vanish-1', reason: 'CREDIT_HELD' }));

    // The reloaded page: a new session, the same key; it pays the rest.
    const again = newToken();
    await op(probe, 'session-open', { token: again });
    const accepting2 = cashAccepting();
    const result = op(probe, 'checkout-start', { service: 'good-conduct', method: 'cash', reference: 'GC-2002', idempotencyKey: 'checkout-vanish-1' }, again, 90_000);
    await accepting2;
    await insert(10000);
    expect(await result).toMatchObject({ status: 'ok', data: { state: 'paid', paid: { cash: 15000, card: 0 }, receipt: 'printed' } });
    const after = (await op(probe, 'attention', {})) as { data: { items: { id: string }[] } };
    expect(after.data.items.map((i) => i.id)).not.toContain('checkout:checkout-vanish-1');
    await op(probe, 'session-close', {}, again);
  }, 90_000);

  it('the citizen cancels after paying some cash: the credit is kept and listed; a technician resolves it (kioskd attention), audited; the UI may not', async () => {
    const token = newToken();
    await op(probe, 'session-open', { token });
    const accepting = cashAccepting();
    const result = op(probe, 'checkout-start', { service: 'good-conduct', method: 'cash', reference: 'GC-3003', idempotencyKey: 'checkout-cancel-1' }, token, 90_000);
    await accepting;
    await insert(2000);
    expect(await op(probe, 'checkout-cancel', {}, token)).toMatchObject({ status: 'ok', data: { idempotencyKey: 'checkout-cancel-1', cancelled: true } });
    expect(await result).toMatchObject({ status: 'ok', data: { state: 'suspended', paid: { cash: 2000, card: 0 }, attention: 'CREDIT_HELD' } });
    await op(probe, 'session-close', {}, token);

    const config = validateConfig({ kioskId: kiosk.daemon.kioskId, mqtt: { url: broker.url } }, 'test');
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await attentionList(config, false)).toBe(2);
      expect(out.join('')).toMatch(/checkout:checkout-cancel-1\s+CREDIT_HELD\s+good-conduct\s+150\.00 AED paid cash 20\.00 AED/);
      expect(await op(probe, 'attention-resolve', { id: 'checkout:checkout-cancel-1', technician: 'amal', resolution: 'voucher 20 AED' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
      expect(await attentionResolve(config, 'checkout:checkout-cancel-1', { technician: 'amal', reason: 'voucher 20 AED given' })).toBe(0);
      expect(await attentionResolve(config, 'checkout:checkout-cancel-1', { technician: 'amal', reason: 'again' })).toBe(1);
    } finally {
      write.mockRestore();
    }
    const audit = journalOf(kiosk.stateDir).filter((e) => e.key === 'checkout-cancel-1' && e.type === 'attention.resolved');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.data).toMatchObject({ technician: 'amal', resolution: 'voucher 20 AED given' });
    const list = (await op(probe, 'attention', {})) as { data: { items: { id: string }[] } };
    expect(list.data.items.map((i) => i.id)).not.toContain('checkout:checkout-cancel-1');
  }, 90_000);
});
