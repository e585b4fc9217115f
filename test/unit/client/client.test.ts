/**
 * The client's request/response matching, progress, live state and resubscription, against a recording
 * stand-in for the MQTT connection (the real broker is in test/integration/client.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { KioskRequestError } from '../../../src/client/errors.js';
import { fakeClient, published, settle } from './fake-mqtt.js';

describe('request (MQTT 5)', () => {
  it('publishes to the request topic with a private response topic and correlation data, and resolves with the parsed result', async () => {
    const { client, mqtt } = await fakeClient();
    const result = client.request('gpio', 'set', { line: 'light_printer', value: 1 });
    const sent = await published(mqtt, 1);
    expect(sent.topic).toBe('kiosk/k1/device/gpio/request/set');
    expect(sent.body).toEqual({ line: 'light_printer', value: 1, transaction: 'ui1-1' });
    expect(sent.properties).toEqual({ responseTopic: 'kiosk/k1/client/ui1/response', correlationData: 'ui1-1' });
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: { line: 'light_printer', value: true, extra: 1 } }, 'ui1-1');
    // parsed by the command's output schema (unknown keys stripped)
    await expect(result).resolves.toEqual({ line: 'light_printer', value: true });
  });

  it('rejects with the daemon error code', async () => {
    const { client, mqtt } = await fakeClient();
    const result = client.request('gpio', 'set', { line: 'nope', value: true });
    await published(mqtt, 1);
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'error', error: { code: 'GPIO_LINE_UNKNOWN', message: 'no line', retryable: false } }, 'ui1-1');
    await expect(result).rejects.toMatchObject({ name: 'KioskRequestError', code: 'GPIO_LINE_UNKNOWN', retryable: false, transaction: 'ui1-1' });
  });

  it('refuses wrong parameters before sending anything', async () => {
    const { client, mqtt } = await fakeClient();
    // @ts-expect-error -- ms must be a number
    await expect(client.request('gpio', 'pulse', { line: 'light_printer', ms: 'long' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    // @ts-expect-error -- no such device in the API
    await expect(client.request('toaster', 'set', {})).rejects.toMatchObject({ code: 'UNKNOWN_DEVICE' });
    expect(mqtt.sent).toHaveLength(0);
  });

  it('times out with TIMEOUT and forgets the request', async () => {
    vi.useFakeTimers();
    try {
      const { client, mqtt } = await fakeClient();
      const result = client.request('gpio', 'read', {}, { timeoutMs: 500 });
      const caught = result.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(501);
      const err = await caught;
      expect(err).toBeInstanceOf(KioskRequestError);
      expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
      // a late answer is ignored
      mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: {} }, 'ui1-1');
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes progress events of this transaction only, and unsubscribes when done', async () => {
    const { client, mqtt } = await fakeClient();
    const seen: string[] = [];
    const result = client.request('card', 'sale', { amount: 2500, reference: 'fee-1', idempotencyKey: 'k-1' }, { onProgress: (p) => seen.push(p.code) });
    await published(mqtt, 1);
    expect(mqtt.subscribed.flat()).toContain('kiosk/k1/device/card/event/progress');
    const progress = (transaction: string, code: string): object => ({
      transaction, idempotencyKey: 'k-1', operation: 'sale', code,
      messages: { en: '', ar: '', es: '', fr: '', de: '', ru: '', zh: '' },
    });
    mqtt.deliver('kiosk/k1/device/card/event/progress', progress('someone-else', 'PIN_ENTRY'));
    mqtt.deliver('kiosk/k1/device/card/event/progress', progress('ui1-1', 'PRESENT_CARD'));
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: {} }, 'ui1-1');
    await result;
    expect(seen).toEqual(['PRESENT_CARD']);
    expect(mqtt.unsubscribed.flat()).toContain('kiosk/k1/device/card/event/progress');
  });
});

describe('request (failures)', () => {
  it('sends nothing when the progress subscription fails, and subscribes again next time', async () => {
    const { client, mqtt } = await fakeClient();
    mqtt.failSubscribe = true;
    const params = { amountDue: 500, currency: 'EUR' };
    await expect(client.request('cash', 'accept', params, { onProgress: () => undefined })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(mqtt.sent).toHaveLength(0);
    mqtt.failSubscribe = false;
    const next = client.request('cash', 'accept', params, { onProgress: () => undefined });
    await published(mqtt, 1);
    expect(mqtt.subscribed.flat()).toContain('kiosk/k1/device/cash/event/credit');
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'error', error: { code: 'DEVICE_BUSY', message: 'busy', retryable: true } }, 'ui1-2');
    await expect(next).rejects.toMatchObject({ code: 'DEVICE_BUSY', retryable: true });
  });
});

describe('request (MQTT 3.1.1)', () => {
  it('matches the answer on the conventional response topic by transaction', async () => {
    const { client, mqtt } = await fakeClient({ protocolVersion: 4 });
    expect(mqtt.subscribed.flat()).toContain('kiosk/k1/device/+/response/+');
    const a = client.request('gpio', 'read', {});
    const b = client.request('gpio', 'read', {});
    await published(mqtt, 2);
    expect(mqtt.sent[0]?.properties).toBeUndefined();
    mqtt.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { b: true }, outputs: {} }, transaction: 'ui1-2' });
    mqtt.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { a: true }, outputs: {} }, transaction: 'ui1-1' });
    await expect(a).resolves.toEqual({ inputs: { a: true }, outputs: {} });
    await expect(b).resolves.toEqual({ inputs: { b: true }, outputs: {} });
  });
});

describe('live values and subscriptions', () => {
  it('keeps device state, bridge availability and alerts current', async () => {
    const { client, mqtt } = await fakeClient();
    const statuses: Array<string | undefined> = [];
    client.state('gpio').subscribe((s) => statuses.push(s?.status));
    const detail = { backend: 'sim', inputs: { door: true }, outputs: {} };
    mqtt.deliver('kiosk/k1/device/gpio/state', { status: 'ready', detail, since: '2026-01-01T00:00:00Z' });
    expect(client.state('gpio').get()?.detail.inputs).toEqual({ door: true });
    mqtt.deliver('kiosk/k1/device/gpio/state', '');
    expect(statuses).toEqual([undefined, 'ready', undefined]);
    mqtt.deliver('kiosk/k1/bridge/state', { state: 'online' });
    expect(client.bridge.get().online).toBe(true);
    mqtt.deliver('kiosk/k1/bridge/state', { state: 'offline', reason: 'connection-lost' });
    expect(client.bridge.get()).toEqual({ online: false, reason: 'connection-lost' });
    mqtt.deliver('kiosk/k1/bridge/alerts', { kioskId: 'k1', at: 'now', alerts: [{ id: 'PAPER_OUT:printer', code: 'PAPER_OUT', severity: 'critical', message: 'm', since: 'now' }] });
    expect(client.alerts.get()?.alerts.map((a) => a.code)).toEqual(['PAPER_OUT']);
  });

  it('delivers events to every handler and subscribes every filter again after a reconnect', async () => {
    const { client, mqtt } = await fakeClient();
    const lines: string[] = [];
    const off = await client.on('gpio', 'change', (e) => lines.push(e.line));
    await client.on('gpio', 'change', (e) => lines.push(e.line.toUpperCase()));
    expect(mqtt.subscribed.flat().filter((f) => f === 'kiosk/k1/device/gpio/event/change')).toHaveLength(1);
    mqtt.deliver('kiosk/k1/device/gpio/event/change', { line: 'door', value: true, direction: 'input', at: 'now' });
    off();
    mqtt.deliver('kiosk/k1/device/gpio/event/change', { line: 'presence', value: true, direction: 'input', at: 'now' });
    expect(lines).toEqual(['door', 'DOOR', 'PRESENCE']);
    mqtt.subscribed.length = 0;
    mqtt.emit('connect');
    await settle();
    expect(mqtt.subscribed.flat()).toEqual(
      expect.arrayContaining(['kiosk/k1/bridge/state', 'kiosk/k1/device/+/state', 'kiosk/k1/client/ui1/response', 'kiosk/k1/device/gpio/event/change']),
    );
  });
});
