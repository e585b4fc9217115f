/**
 * Accessible mode and the assistance path end to end (issue 19 items 4 and 5): the daemon with simulated
 * GPIO (headset-sense input, assistance button and light), audio and cash, a local Mosquitto for the
 * kiosk and a "remote" Mosquitto with TLS client certificates for the fleet (as fleet.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEventSchema, fleetRecordSchema } from '../../src/api/alerts.js';
import { accessibleEventSchema, accessibleStateSchema, assistanceEventSchema, assistanceStateSchema } from '../../src/api/kiosk.js';
import { audioApi } from '../../src/drivers/audio/api.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasEspeak, hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { makePki, operator, startRemoteBroker, until, type Pki } from './fleet-tls.js';

function kioskConfig(pki: Pki, remote: Broker, kioskId: string): Record<string, unknown> {
  const id = pki.client(kioskId);
  return {
    simulation: true,
    devices: {
      gpio: {
        backend: 'sim',
        debounceMs: 20,
        inputs: { headset: { line: 'GPIO24' }, assist_button: { line: 'GPIO23', activeLow: true } },
        outputs: { assist_light: { line: 'GPIO16' } },
      },
      audio: { sim: { pace: 'manual' } },
      cash: {
        validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 },
        simulator: { stepMs: 80 },
      },
    },
    alerts: { enabled: true, clockSyncFile: false },
    fleet: { enabled: true, url: `mqtts://127.0.0.1:${remote.port}`, region: 'test', tls: { ca: pki.ca, cert: id.cert, key: id.key }, healthIntervalSec: 60 },
    accessibility: { headset: { input: 'headset' }, timeoutScale: 3, audio: { rate: 'slow', volumeLevel: 3 } },
    assistance: { button: 'assist_button', light: 'assist_light' },
  };
}

type AudioDetail = ReturnType<typeof audioApi.stateDetail.parse>;

describe.skipIf(!hasMosquitto || !hasPty || !hasEspeak)('accessible mode and assistance (simulated GPIO, real Mosquitto, fleet over TLS)', () => {
  let pki: Pki;
  let local: Broker;
  let remote: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  let op: Awaited<ReturnType<typeof operator>>;
  const kioskId = `a11y${process.pid}`;
  const fbase = `fleet/test/${kioskId}`;

  const latestAudio = (): AudioDetail => audioApi.stateDetail.parse((probe.messages.filter((m) => m.topic === `${kiosk.base}/device/audio/state`).at(-1)?.payload as { detail: unknown }).detail);
  /** Until the audio device's latest retained state passes. */
  const audio = (pred: (d: AudioDetail) => boolean) => until(() => pred(latestAudio()), 'an audio state');
  const cashOpened = (): Array<Record<string, unknown>> => kiosk.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'cash session opened');

  beforeAll(async () => {
    pki = makePki();
    local = await startMosquitto();
    remote = await startRemoteBroker(pki);
    op = await operator(remote, pki, 'fleet/#', `operator-a11y-${process.pid}`);
    kiosk = await startTestDaemon({ brokerUrl: local.url, kioskId, config: kioskConfig(pki, remote, kioskId) });
    probe = await Probe.connect(local.url, kiosk.base);
    for (const dev of ['gpio', 'audio', 'cash']) await probe.waitFor(`device/${dev}/state`, (p: { status: string }) => p.status === 'ready', 20_000);
  });
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await op?.client.endAsync(true);
    await remote?.stop();
    await local?.stop();
  });

  it('a headset plug turns accessible mode on (state and event over MQTT, slow speech, louder, timeouts x3); unplug turns it off', async () => {
    await probe.waitFor('bridge/accessible', (p: unknown) => accessibleStateSchema.parse(p).headset === false);
    const on = probe.next('bridge/event/accessible', (p: unknown) => accessibleEventSchema.parse(p).on);
    await probe.sim('gpio', 'input', { line: 'headset', value: true });
    expect((await on).payload).toMatchObject({ on: true, source: 'headset', language: null });
    await probe.waitFor('bridge/accessible', (p: unknown) => accessibleStateSchema.parse(p).on);
    expect(accessibleStateSchema.parse(probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/accessible`).at(-1)?.payload)).toMatchObject({ on: true, headset: true, timeoutScale: 3 });
    await audio((d) => d.rate === 'slow' && d.volume.level === 3);

    // The money flow's own timeout is the scaled one: a 1 s accept waits 3 s for the person.
    const t0 = performance.now();
    const accept = await probe.request('cash', 'accept', { amountDue: 500, currency: 'EUR', timeoutMs: 1000 }, { timeoutMs: 20_000 });
    expect(accept).toMatchObject({ status: 'ok', data: { status: 'timeout', total: 0 } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2900); // lower bound only: timers fire late under load, not early
    expect(cashOpened().at(-1)).toMatchObject({ timeoutMs: 3000, timeoutScale: 3 });

    const off = probe.next('bridge/event/accessible', (p: unknown) => !accessibleEventSchema.parse(p).on);
    await probe.sim('gpio', 'input', { line: 'headset', value: false });
    expect((await off).payload).toMatchObject({ on: false, source: 'headset' });
    await audio((d) => d.rate === 'normal' && d.volume.level === 2);
    const plain = await probe.request('cash', 'accept', { amountDue: 500, currency: 'EUR', timeoutMs: 1000 }, { timeoutMs: 20_000 });
    expect(plain).toMatchObject({ status: 'ok', data: { status: 'timeout' } });
    expect(cashOpened().at(-1)).toMatchObject({ timeoutMs: 1000 });
    expect(cashOpened().at(-1)).not.toHaveProperty('timeoutScale');
  });

  it('the UI (or a session) turns it on with the screen language; accessible-reset ends it; a new client reads the retained state', async () => {
    const set = await probe.bridge('accessible', { on: true, language: 'ar' });
    expect(set).toMatchObject({ status: 'ok', data: { on: true, source: 'ui', language: 'ar', timeoutScale: 3 } });
    await audio((d) => d.rate === 'slow');
    expect(await probe.bridge('accessible', {})).toMatchObject({ status: 'error', error: { code: 'INVALID_PAYLOAD' } });
    const reset = await probe.bridge('accessible-reset');
    expect(reset).toMatchObject({ status: 'ok', data: { on: false, source: 'reset', language: null, timeoutScale: 1 } });
    await audio((d) => d.rate === 'normal' && d.volume.level === 2);
    const late = await Probe.connect(local.url, kiosk.base, { subscribe: [`${kiosk.base}/bridge/accessible`] });
    try {
      const retained = await late.waitFor('bridge/accessible');
      expect(retained.retain).toBe(true);
      expect(accessibleStateSchema.parse(retained.payload)).toMatchObject({ on: false, source: 'reset', headset: false });
    } finally {
      await late.close();
    }
  });

  it('the assistance button reaches the fleet broker as one alert; the UI cannot acknowledge it (ROLE_FORBIDDEN), a technician can (audited)', async () => {
    const fleetAlerts = () =>
      op.seen.filter((m) => m.topic === `${fbase}/event/alert`).map((m) => alertEventSchema.parse(fleetRecordSchema.parse(JSON.parse(m.text)).body)).filter((e) => e.alert.code === 'ASSISTANCE_REQUESTED');
    const lightOn = (on: boolean) => probe.waitFor('device/gpio/state', (p: { detail: { outputs: Record<string, boolean> } }) => p.detail.outputs.assist_light === on);

    const requested = probe.next('bridge/event/assistance', (p: unknown) => assistanceEventSchema.parse(p).action === 'requested');
    await probe.sim('gpio', 'input', { line: 'assist_button', value: true }); // logical level: pressed
    expect((await requested).payload).toMatchObject({ action: 'requested', via: 'button' });
    await lightOn(true);
    await until(() => fleetAlerts().some((e) => e.action === 'raised'), 'ASSISTANCE_REQUESTED on the fleet broker');
    await until(() => op.seen.some((m) => m.topic === `${fbase}/alerts` && m.text.includes('ASSISTANCE_REQUESTED')), 'the fleet alert set');
    expect(fleetAlerts()[0]).toMatchObject({ action: 'raised', alert: { severity: 'critical', subject: 'assistance' } });

    // Released (past the debounce) and pressed again: counted, not a second alert.
    const released = probe.next('device/gpio/state', (p: { detail: { inputs: Record<string, boolean> } }) => p.detail.inputs.assist_button === false);
    await probe.sim('gpio', 'input', { line: 'assist_button', value: false });
    await released;
    const again = probe.next('bridge/event/assistance', (p: unknown) => assistanceEventSchema.parse(p).action === 'pressed-again');
    await probe.sim('gpio', 'input', { line: 'assist_button', value: true });
    await again;
    await probe.waitFor('bridge/assistance', (p: unknown) => assistanceStateSchema.parse(p).presses === 2);

    const byUi = await probe.bridge('assistance-ack', { technician: 'someone' });
    expect(byUi).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    expect(assistanceStateSchema.parse(probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/assistance`).at(-1)?.payload).requested).toBe(true);

    const acked = probe.next('bridge/event/assistance', (p: unknown) => assistanceEventSchema.parse(p).action === 'acknowledged');
    const byTech = await probe.bridge('assistance-ack', { technician: 'tech-7' }, 'technician');
    expect(byTech).toMatchObject({ status: 'ok', data: { acknowledged: true, requested: false, lastAck: { technician: 'tech-7' } } });
    expect((await acked).payload).toMatchObject({ via: 'technician', technician: 'tech-7' });
    await lightOn(false);
    await until(() => fleetAlerts().some((e) => e.action === 'cleared'), 'the alert cleared on the fleet broker');
    expect(fleetAlerts().map((e) => e.action)).toEqual(['raised', 'cleared']);
    const audit = kiosk.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'audit: assistance acknowledged');
    expect(audit).toMatchObject({ technician: 'tech-7', role: 'technician', presses: 2 });
  });
});
