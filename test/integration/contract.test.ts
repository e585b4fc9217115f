/**
 * The MQTT contract end to end: the real daemon (GPIO simulated) against a real Mosquitto, checked with
 * the same schemas the daemon publishes by.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeInfoSchema, bridgeStateSchema, deviceStateSchema, healthSchema } from '../../src/api/envelope.js';
import { gpioApi } from '../../src/drivers/gpio/api.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { bootKiosk, type Kiosk } from '../helpers/kiosk.js';
import { hasMosquitto } from '../helpers/env.js';
import type { Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { gpioConfig } from '../helpers/configs.js';


describe.skipIf(!hasMosquitto)('MQTT contract (real Mosquitto, simulated GPIO)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  let fixture: Kiosk | undefined;
  beforeAll(async () => {
    fixture = await bootKiosk({ config: gpioConfig });
    ({ broker, kiosk, probe } = fixture);
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  it('publishes birth, info, health and the device state, retained', async () => {
    const state = await probe.waitFor('bridge/state', (p) => p.state === 'online');
    expect(state.retain).toBe(true);
    expect(bridgeStateSchema.parse(state.payload).bootId).toBe(kiosk.daemon.bootId);
    const info = bridgeInfoSchema.parse((await probe.waitFor('bridge/info')).payload);
    expect(info.devices.gpio?.commands).toHaveProperty('pulse');
    expect(info.mqtt.protocolVersion).toBe(5);
    const gpio = deviceStateSchema.parse((await probe.waitFor('device/gpio/state')).payload);
    expect(gpio.status).toBe('ready');
    expect(gpioApi.stateDetail.parse(gpio.detail)).toEqual({
      backend: 'sim',
      inputs: { presence: false, door: false },
      outputs: { light_printer: false, relay: true },
    });
    healthSchema.parse((await probe.waitFor('bridge/health')).payload);
  });

  it('sets an output, echoes the transaction, and publishes the change', async () => {
    const res = await probe.request('gpio', 'set', { line: 'light_printer', value: 1, transaction: 'tx-1' });
    expect(res).toEqual({ status: 'ok', data: { line: 'light_printer', value: true }, transaction: 'tx-1' });
    await probe.waitFor('device/gpio/event/change', (p) => p.line === 'light_printer' && p.value === true);
    await probe.waitFor('device/gpio/state', (p) => p.detail.outputs.light_printer === true);
  });

  it('answers a pulse when it has ended, with the line off again', async () => {
    const res = await probe.request('gpio', 'pulse', { line: 'light_printer', ms: 50 });
    expect(res).toMatchObject({ status: 'ok', data: { line: 'light_printer', value: false } });
    const changes = probe.messages.filter((m) => m.topic.endsWith('event/change') && (m.payload as { line: string }).line === 'light_printer');
    expect(changes.slice(-2).map((m) => (m.payload as { value: boolean }).value)).toEqual([true, false]);
  });

  it('blinks a counted number of times and answers when done', async () => {
    const before = probe.messages.length;
    const res = await probe.request('gpio', 'blink', { line: 'relay', onMs: 10, offMs: 10, count: 3 });
    expect(res.status).toBe('ok');
    const values = probe.messages
      .slice(before)
      .filter((m) => m.topic.endsWith('event/change') && (m.payload as { line: string }).line === 'relay')
      .map((m) => (m.payload as { value: boolean }).value);
    // relay's safe value is on, so the first "on" is no change: off, on, off, on, off
    expect(values).toEqual([false, true, false, true, false]);
  });

  it('debounces a bouncing input into one change event', async () => {
    const before = probe.messages.length;
    await probe.sim('gpio', 'input', { line: 'presence', value: true, bounceEdges: 7 });
    await probe.waitFor('device/gpio/event/change', (p) => p.line === 'presence' && p.value === true);
    await new Promise((r) => setTimeout(r, 100));
    const presence = probe.messages.slice(before).filter((m) => m.topic.endsWith('event/change') && (m.payload as { line: string }).line === 'presence');
    expect(presence).toHaveLength(1);
    expect(kiosk.daemon.runtime('gpio')?.health().counters.edges).toBeGreaterThanOrEqual(7);
  });

  it('applies activeLow to inputs', async () => {
    await probe.sim('gpio', 'input', { line: 'door', value: true });
    const ev = await probe.waitFor('device/gpio/event/change', (p) => p.line === 'door');
    expect(ev.payload).toMatchObject({ value: true, direction: 'input' });
  });

  describe('every bad request gets its own code, and nothing else happens', () => {
    const cases: Array<[string, string, string | Buffer, string]> = [
      ['invalid JSON', 'device/gpio/request/set', '{"line": "light_printer", ', 'INVALID_JSON'],
      ['not an object', 'device/gpio/request/set', '[1,2]', 'INVALID_PAYLOAD'],
      ['unknown device', 'device/toaster/request/set', '{}', 'UNKNOWN_DEVICE'],
      ['unknown command', 'device/gpio/request/explode', '{}', 'UNKNOWN_COMMAND'],
      ['unknown bridge op', 'bridge/request/format-disk', '{}', 'UNKNOWN_COMMAND'],
      ['unknown line', 'device/gpio/request/set', '{"line":"nope","value":true}', 'GPIO_LINE_UNKNOWN'],
      ['input as output', 'device/gpio/request/set', '{"line":"door","value":true}', 'GPIO_NOT_OUTPUT'],
      ['too large', 'device/gpio/request/set', Buffer.alloc(1024 * 1024 + 1, 0x20), 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, suffix, payload, code] of cases) {
      it(name, async () => {
        const responseTopic = suffix.replace('/request/', '/response/');
        const pending = probe.next(responseTopic, (p) => p.status === 'error');
        await probe.publishRaw(suffix, payload);
        const res = (await pending).payload as { error: { code: string; message: string; retryable: boolean } };
        expect(res.error.code).toBe(code);
        expect(res.error.message.length).toBeGreaterThan(0);
        expect(typeof res.error.retryable).toBe('boolean');
      });
    }

    it('a schema failure names the path', async () => {
      const res = await probe.request('gpio', 'pulse', { line: 'light_printer', ms: 'long' });
      expect(res.status).toBe('error');
      if (res.status !== 'error') return;
      expect(res.error.code).toBe('INVALID_PAYLOAD');
      expect(res.error.message).toMatch(/^ms: /);
    });

    it('a retained request is refused (and the light stays off)', async () => {
      await probe.request('gpio', 'set', { line: 'light_printer', value: false });
      const pending = probe.next('device/gpio/response/set', (p) => p.status === 'error');
      await probe.publishRaw('device/gpio/request/set', '{"line":"light_printer","value":true}', { retain: true });
      expect(((await pending).payload as { error: { code: string } }).error.code).toBe('RETAINED_REQUEST');
      expect((kiosk.daemon.runtime('gpio')?.state.detail.outputs as Record<string, boolean>).light_printer).toBe(false);
      await probe.publishRaw('device/gpio/request/set', '', { retain: true }); // clear it
    });
  });

  it('MQTT 5: answers on the response topic with the same correlation data', async () => {
    const correlationData = Buffer.from('corr-42');
    const responseTopic = `replies/${process.pid}/gpio`;
    await probe.client.subscribeAsync(responseTopic, { qos: 1 });
    const got = new Promise<{ payload: string; corr: Buffer | undefined }>((resolve) => {
      probe.client.on('message', (topic, payload, packet) => {
        if (topic === responseTopic) resolve({ payload: payload.toString(), corr: packet.properties?.correlationData });
      });
    });
    await probe.client.publishAsync(`${kiosk.base}/device/gpio/request/read`, '{}', { qos: 1, properties: { responseTopic, correlationData } });
    const res = await got;
    expect(res.corr?.toString()).toBe('corr-42');
    expect(JSON.parse(res.payload)).toMatchObject({ status: 'ok', data: { outputs: { relay: expect.any(Boolean) } } });
  });

  it('MQTT 5: a response topic under the kiosk root (a forged event) is refused, and the command is not run', async () => {
    const forged = `${kiosk.base}/device/cash/event/credit`;
    const before = probe.messages.filter((m) => m.topic === forged).length;
    const pending = probe.next('device/gpio/response/set', (p) => p.status === 'error');
    await probe.client.publishAsync(`${kiosk.base}/device/gpio/request/set`, '{"line":"light_printer","value":true}', {
      qos: 1,
      properties: { responseTopic: forged, correlationData: Buffer.from('x') },
    });
    expect(((await pending).payload as { error: { code: string } }).error.code).toBe('INVALID_RESPONSE_TOPIC');
    expect(probe.messages.filter((m) => m.topic === forged).length).toBe(before);
    expect((kiosk.daemon.runtime('gpio')?.state.detail.outputs as Record<string, boolean>).light_printer).toBe(false);
  });

  it('every refusal carries the request\'s transaction (too large, retained, response topic, role, a bad transaction)', async () => {
    const refusal = async (suffix: string, body: Record<string, unknown>, tx: string, opts: { retain?: boolean; properties?: Record<string, unknown>; pad?: number } = {}) => {
      const responseTopic = suffix.replace('/request/', '/response/');
      const pending = probe.next(responseTopic, (p: { transaction?: string }) => p.transaction === tx);
      const payload = JSON.stringify({ ...body, transaction: tx, ...(opts.pad ? { pad: 'x'.repeat(opts.pad) } : {}) });
      await probe.publishRaw(suffix, payload, { ...(opts.retain ? { retain: true } : {}), ...(opts.properties ? { properties: opts.properties } : {}) });
      return ((await pending).payload as { error: { code: string } }).error.code;
    };
    expect(await refusal('device/gpio/request/read', {}, 'tx-big', { pad: 1024 * 1024 })).toBe('PAYLOAD_TOO_LARGE');
    expect(await refusal('device/gpio/request/read', {}, 'tx-retained', { retain: true })).toBe('RETAINED_REQUEST');
    await probe.publishRaw('device/gpio/request/read', '', { retain: true });
    expect(await refusal('device/gpio/request/read', {}, 'tx-topic', { properties: { responseTopic: `${kiosk.base}/device/gpio/state` } })).toBe('INVALID_RESPONSE_TOPIC');
    expect(await refusal('bridge/request/log-level', { level: 'info' }, 'tx-role')).toBe('ROLE_FORBIDDEN');
    expect(await refusal('device/gpio/request/read', {}, 'T'.repeat(200))).toBe('INVALID_PAYLOAD');
  });

  it('MQTT 3.1.1 clients work too', async () => {
    const v4 = await Probe.connect(broker.url, kiosk.base, { protocolVersion: 4 });
    try {
      const res = await v4.request('gpio', 'read');
      expect(res.status).toBe('ok');
    } finally {
      await v4.close();
    }
  });

  it('bridge operations: info, health, rebirth; log-level, restart-device for the technician only', async () => {
    expect((await probe.bridge('info')).status).toBe('ok');
    const health = await probe.bridge('health');
    expect(healthSchema.parse(health.status === 'ok' ? health.data : null).devices.gpio?.status).toBe('ready');
    expect(await probe.bridge('rebirth')).toMatchObject({ status: 'ok' });
    expect(await probe.bridge('log-level', { level: 'info' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    expect(await probe.bridge('restart-device', { device: 'gpio' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    expect(await probe.bridge('log-level', { level: 'info' }, 'technician')).toMatchObject({ status: 'ok', data: { level: 'info' } });
    expect(await probe.bridge('restart-device', { device: 'gpio' }, 'technician')).toMatchObject({ status: 'ok', data: { status: 'ready' } });
    expect(await probe.bridge('restart-device', { device: 'toaster' }, 'technician')).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_DEVICE' } });
    expect(await probe.bridge('info', {}, 'technician')).toMatchObject({ status: 'ok' });
  });
});
