/**
 * The wall clock jumping (NTP stepping a Pi that booted without an RTC at 1970, or a technician setting
 * the date) while a print, a card sale, a cash accept and a GPIO blink are in flight. The daemon gets a
 * clock whose wall time jumps by hours and days while its monotonic time runs on, exactly as
 * `CLOCK_REALTIME` and `CLOCK_MONOTONIC` behave. (ManualClock freezes monotonic time too, which would
 * stop the daemon's real timers from meaning anything; this clock keeps both honest.) Every operation
 * must end as it would have without the jump: no early TIMEOUT, no hang, no second charge or print.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, systemClock, type Clock, type Timer } from '../../src/core/clock.js';
import { receiptFor } from '../fixtures/printer/receipts.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { gpioConfig } from '../helpers/configs.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from './report.js';

class JumpingClock implements Clock {
  private offset = 0;
  readonly jumps: number[] = [];
  now(): number {
    return Date.now() + this.offset;
  }
  monotonic(): number {
    return performance.now();
  }
  iso(): string {
    return new Date(this.now()).toISOString();
  }
  // timers run on monotonic time, which does not jump
  setTimeout(fn: () => void, ms: number): Timer {
    return systemClock.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return systemClock.setInterval(fn, ms);
  }
  clearTimeout(t: Timer | undefined): void {
    t?.cancel();
  }
  clearInterval(t: Timer | undefined): void {
    t?.cancel();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleep(ms, signal, this);
  }
  jump(ms: number): void {
    this.offset += ms;
    this.jumps.push(ms);
  }
}

const HOUR = 3600_000;
const config = {
  simulation: true,
  devices: {
    gpio: gpioConfig.devices.gpio,
    printer: { statusPollMs: 200 },
    card: { ackTimeoutMs: 1000, idleTimeoutMs: 2500 },
    cash: { validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 }, coinAcceptor: { pollIntervalMs: 30 }, simulator: { stepMs: 40 } },
  },
};

describe.skipIf(!hasMosquitto || !hasPty)('the wall clock jumps while operations are in flight', () => {
  const clock = new JumpingClock();
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  const ended: string[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config, clock });
    probe = await Probe.connect(broker.url, kiosk.base);
    for (const d of ['gpio', 'printer', 'card', 'cash']) await probe.waitFor(`device/${d}/state`, (p) => p.status === 'ready', 20_000);
  }, 40_000);
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('+3 h, -6 h and +30 days during a blink, a print, a slow card sale and a cash accept: all end normally', async () => {
    await probe.sim('card', 'slow-host', { ms: 1500 });
    const blink = probe.request('gpio', 'blink', { line: 'light_printer', onMs: 100, offMs: 100, count: 8 }, { timeoutMs: 20_000 });
    const print = probe.request('printer', 'print', { document: receiptFor('en', { qr: false }), idempotencyKey: `clock-jump-${process.pid}` }, { timeoutMs: 30_000 });
    const sale = probe.request('card', 'sale', { amount: 4200, currency: 'AED', reference: 'clock-jump', idempotencyKey: `clock-${process.pid}` }, { timeoutMs: 30_000 });
    const busy = probe.next('device/cash/state', (p: { status: string }) => p.status === 'busy');
    const accept = probe.request('cash', 'accept', { amountDue: 1000, currency: 'EUR', timeoutMs: 4000 }, { timeoutMs: 30_000 });
    await busy;
    clock.jump(3 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    clock.jump(-6 * HOUR);
    expect(await probe.sim('cash', 'insert-note', { value: 1000 })).toMatchObject({ status: 'ok', data: { taken: true } });
    clock.jump(30 * 24 * HOUR);
    const [b, p, s, a] = await Promise.all([blink, print, sale, accept]);
    expect(b, JSON.stringify(b)).toMatchObject({ status: 'ok' });
    expect(p, JSON.stringify(p)).toMatchObject({ status: 'ok', data: { duplicate: false } });
    expect(s, JSON.stringify(s)).toMatchObject({ status: 'ok', data: { result: 'approved' } });
    expect(a, JSON.stringify(a)).toMatchObject({ status: 'ok', data: { status: 'paid', total: 1000 } });
    ended.push('blink ok', 'print ok', 'sale approved', 'accept paid');

    // One charge, one print: the terminal saw one sale; the same keys replay, they do not repeat.
    const log = await probe.sim('card', 'log', {});
    expect(log.status === 'ok' && (log.data as { received: Array<{ command: string }> }).received.filter((e) => e.command === 'sale')).toHaveLength(1);
    const again = await probe.request('printer', 'print', { document: receiptFor('en', { qr: false }), idempotencyKey: `clock-jump-${process.pid}` });
    expect(again).toMatchObject({ status: 'ok', data: { duplicate: true } });
    // Health still publishes, with the jumped wall time.
    const health = await probe.bridge('health');
    expect(health.status).toBe('ok');
    expect(Date.parse((health as { data: { at: string } }).data.at) - Date.now()).toBeGreaterThan(29 * 24 * HOUR);
  });

  it('a timeout still fires on monotonic time, not earlier and not never, across a jump back', async () => {
    const busy = probe.next('device/cash/state', (p: { status: string }) => p.status === 'busy');
    const accept = probe.request('cash', 'accept', { amountDue: 1000, currency: 'EUR', timeoutMs: 1500 }, { timeoutMs: 30_000 });
    await busy;
    clock.jump(-48 * HOUR);
    expect(await accept).toMatchObject({ status: 'ok', data: { status: 'timeout', total: 0 } });
    ended.push('accept with nothing inserted: timeout (after its 1.5 s, across a 48 h jump back)');
    for (const d of ['gpio', 'printer', 'card', 'cash']) expect(kiosk.daemon.runtime(d)?.state.status).toBe('ready');
    record({
      id: 'fault.clock-jump',
      section: 'fault',
      what: 'wall clock jumps +3 h, -6 h, +30 d, -48 h while monotonic time runs on',
      inFlight: 'GPIO blink x8, receipt print, card sale (slow host 1.5 s), cash accept, accept timeout',
      behaviour: `all ended as without a jump: ${ended.join('; ')}`,
      figure: `${clock.jumps.length} jumps; 0 early timeouts; 1 sale at the terminal; print key replayed as duplicate`,
      lostOrDuplicated: '0 lost, 0 duplicated',
      test: 'test/faults/clock-jump.test.ts',
    });
  });
});
