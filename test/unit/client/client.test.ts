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
    expect(sent.body).toEqual({ line: 'light_printer', value: 1, transaction: 'ui1:1' });
    expect(sent.properties).toEqual({ responseTopic: 'kiosk/k1/client/ui1/response', correlationData: 'ui1:1' });
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: { line: 'light_printer', value: true, extra: 1 } }, 'ui1:1');
    // parsed by the command's output schema (unknown keys stripped)
    await expect(result).resolves.toEqual({ line: 'light_printer', value: true });
  });

  it('rejects with the daemon error code', async () => {
    const { client, mqtt } = await fakeClient();
    const result = client.request('gpio', 'set', { line: 'nope', value: true });
    await published(mqtt, 1);
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'error', error: { code: 'GPIO_LINE_UNKNOWN', message: 'no line', retryable: false } }, 'ui1:1');
    // the error carries the transaction as the caller knows it (without the client's scope)
    await expect(result).rejects.toMatchObject({ name: 'KioskRequestError', code: 'GPIO_LINE_UNKNOWN', retryable: false, transaction: '1' });
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
      mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: {} }, 'ui1:1');
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes progress events of this transaction only, and unsubscribes when done', async () => {
    const { client, mqtt } = await fakeClient();
    const seen: string[] = [];
    const result = client.request('card', 'sale', { amount: 2500, reference: 'fee-1', idempotencyKey: 'k-1' }, { onProgress: (p) => seen.push(`${p.code} ${p.transaction}`) });
    await published(mqtt, 1);
    expect(mqtt.subscribed.flat()).toContain('kiosk/k1/device/card/event/progress');
    const progress = (transaction: string, code: string): object => ({
      transaction, idempotencyKey: 'k-1', operation: 'sale', code,
      messages: { en: '', ar: '', es: '', fr: '', de: '', ru: '', zh: '' },
    });
    mqtt.deliver('kiosk/k1/device/card/event/progress', progress('someone-else', 'PIN_ENTRY'));
    mqtt.deliver('kiosk/k1/device/card/event/progress', progress('ui1:1', 'PRESENT_CARD'));
    mqtt.deliver('kiosk/k1/device/card/event/progress', progress('1', 'PIN_ENTRY'));
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'ok', data: {} }, 'ui1:1');
    await result;
    expect(seen).toEqual(['PRESENT_CARD 1']);
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
    mqtt.deliver('kiosk/k1/client/ui1/response', { status: 'error', error: { code: 'DEVICE_BUSY', message: 'busy', retryable: true } }, 'ui1:2');
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
    mqtt.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { b: true }, outputs: {} }, transaction: 'ui1:2' });
    mqtt.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { a: true }, outputs: {} }, transaction: 'ui1:1' });
    await expect(a).resolves.toEqual({ inputs: { a: true }, outputs: {} });
    await expect(b).resolves.toEqual({ inputs: { b: true }, outputs: {} });
  });

  it('two clients using the same transaction each get their own answer (transactions are scoped per client)', async () => {
    const one = await fakeClient({ protocolVersion: 4, clientId: 'ui-a' });
    const two = await fakeClient({ protocolVersion: 4, clientId: 'ui-b' });
    const a = one.client.request('gpio', 'read', {}, { transaction: 'same' });
    const b = two.client.request('gpio', 'read', {}, { transaction: 'same' });
    await published(one.mqtt, 1);
    await published(two.mqtt, 1);
    expect([one.mqtt.sent[0]?.body.transaction, two.mqtt.sent[0]?.body.transaction]).toEqual(['ui-a:same', 'ui-b:same']);
    // the broker gives both clients both answers on the shared response topic
    for (const m of [one.mqtt, two.mqtt]) {
      m.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { who: false }, outputs: {} }, transaction: 'ui-b:same' });
      m.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: { who: true }, outputs: {} }, transaction: 'ui-a:same' });
    }
    await expect(a).resolves.toEqual({ inputs: { who: true }, outputs: {} });
    await expect(b).resolves.toEqual({ inputs: { who: false }, outputs: {} });
    // one client cannot wait twice on one transaction
    const first = one.client.request('gpio', 'read', {}, { transaction: 'again' });
    await expect(one.client.request('gpio', 'read', {}, { transaction: 'again' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    one.mqtt.deliver('kiosk/k1/device/gpio/response/read', { status: 'ok', data: { inputs: {}, outputs: {} }, transaction: 'ui-a:again' });
    await first;
  });

  it('subscribes to simulator responses only when it first drives a simulator (a UI user may not read them)', async () => {
    const { client, mqtt } = await fakeClient({ protocolVersion: 4 });
    expect(mqtt.subscribed.flat()).not.toContain('kiosk/k1/sim/+/response/+');
    const r = client.sim('gpio', 'input', { line: 'presence', value: true });
    await published(mqtt, 1);
    expect(mqtt.subscribed.flat()).toContain('kiosk/k1/sim/+/response/+');
    mqtt.deliver('kiosk/k1/sim/gpio/response/input', { status: 'ok', data: {}, transaction: 'ui1:1' });
    await r;
  });
});

describe('technician role', () => {
  it('asks on the technician namespace and reads its answers there (MQTT 5 and 3.1.1)', async () => {
    const v5 = await fakeClient({ role: 'technician', clientId: 'tech1' });
    expect(v5.mqtt.subscribed.flat()).toContain('kiosk/k1/technician/client/tech1/response');
    const r = v5.client.request('cash', 'settle', { sessionId: 's1', resolution: 'voucher', by: 'tech-7' });
    const sent = await published(v5.mqtt, 1);
    expect(sent.topic).toBe('kiosk/k1/technician/device/cash/request/settle');
    expect(sent.properties?.responseTopic).toBe('kiosk/k1/technician/client/tech1/response');
    v5.mqtt.deliver('kiosk/k1/technician/client/tech1/response', { status: 'ok', data: { sessionId: 's1', total: 0, resolution: 'voucher' } }, 'tech1:1');
    await expect(r).resolves.toMatchObject({ sessionId: 's1' });
    const v4 = await fakeClient({ role: 'technician', protocolVersion: 4 });
    expect(v4.mqtt.subscribed.flat()).toEqual(expect.arrayContaining(['kiosk/k1/technician/device/+/response/+', 'kiosk/k1/technician/bridge/response/+']));
    void v4.client.bridgeRequest('journal-verify', {}).catch(() => undefined);
    expect((await published(v4.mqtt, 1)).topic).toBe('kiosk/k1/technician/bridge/request/journal-verify');
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

  it('keeps accessible mode and assistance current and hands over their events, typed by the daemon\'s schemas', async () => {
    const { client, mqtt } = await fakeClient();
    expect(mqtt.subscribed.flat()).toEqual(expect.arrayContaining(['kiosk/k1/bridge/accessible', 'kiosk/k1/bridge/assistance']));
    mqtt.deliver('kiosk/k1/bridge/accessible', { on: true, source: 'headset', language: 'ar', headset: true, timeoutScale: 2, since: 'now' });
    expect(client.accessible.get()).toMatchObject({ on: true, language: 'ar', timeoutScale: 2 });
    mqtt.deliver('kiosk/k1/bridge/accessible', { on: 'yes' });
    expect(client.accessible.get()).toBeUndefined(); // a shape this client does not know is not passed off as the state
    mqtt.deliver('kiosk/k1/bridge/assistance', { requested: true, since: 'now', via: 'button', presses: 1, lastAck: null });
    expect(client.assistance.get()?.requested).toBe(true);
    const seen: string[] = [];
    await client.onAccessible((e) => seen.push(`accessible ${e.on} ${e.source}`));
    await client.onAssistance((e) => seen.push(`assistance ${e.action} ${e.via}`));
    mqtt.deliver('kiosk/k1/bridge/event/accessible', { on: false, source: 'reset', language: null, at: 'now' });
    mqtt.deliver('kiosk/k1/bridge/event/assistance', { action: 'acknowledged', via: 'technician', at: 'now', technician: 't1' });
    expect(seen).toEqual(['accessible false reset', 'assistance acknowledged technician']);
    void client.bridgeRequest('accessible', { on: true, language: 'zh-Hans' }).catch(() => undefined);
    expect((await published(mqtt, 1)).topic).toBe('kiosk/k1/bridge/request/accessible');
    await expect(client.bridgeRequest('accessible', { language: 'xx' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
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
