/**
 * The printer end to end: the real daemon with the printer simulated on a real PTY, against a real
 * Mosquitto. A 7-language receipt with a QR code goes in as an MQTT request and comes out of the virtual
 * printer as a page; paper out and duplicate keys behave over the bus as they do in the driver.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceStateSchema } from '../../src/api/envelope.js';
import { printerApi } from '../../src/drivers/printer/api.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { bootKiosk, type Kiosk } from '../helpers/kiosk.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import type { Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { sevenLanguageReceipt } from '../fixtures/printer/receipts.js';

const config = { simulation: true, devices: { printer: { statusPollMs: 200 } } };

describe.skipIf(!hasMosquitto || !hasPty)('printer through the daemon (virtual printer on a PTY, real Mosquitto)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  let fixture: Kiosk | undefined;
  beforeAll(async () => {
    fixture = await bootKiosk({ config, ready: ['printer'], readyTimeoutMs: 20_000 });
    ({ broker, kiosk, probe } = fixture);
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  it('prints a 7-language receipt with a QR code from an MQTT request, with progress events', async () => {
    const res = await probe.request('printer', 'print', { document: sevenLanguageReceipt(), idempotencyKey: 'mqtt-7lang-0001', transaction: 'tx-7lang' }, { timeoutMs: 30_000 });
    expect(res.status).toBe('ok');
    const data = printerApi.commands.print.output.parse(res.status === 'ok' ? res.data : null);
    expect(data).toMatchObject({ duplicate: false, rasterBlocks: 4 });
    const progress = probe.messages.filter((m) => m.topic === `${kiosk.base}/device/printer/event/progress`).map((m) => printerApi.events.progress.payload.parse(m.payload));
    expect(progress.map((p) => p.phase)).toContain('done');
    expect(progress.every((p) => p.transaction === 'tx-7lang' && p.jobId === data.jobId)).toBe(true);

    const page = await probe.sim('printer', 'lastPage', {});
    expect(page.status).toBe('ok');
    const out = printerApi.sim.lastPage.output.parse(page.status === 'ok' ? page.data : null);
    expect(out.pages).toBe(1);
    const png = PNG.sync.read(Buffer.from(out.png, 'base64'));
    expect(png.width).toBe(576);
    expect(png.height).toBeGreaterThan(400);

    // the preview of the same document is the same picture, without printing
    const preview = await probe.request('printer', 'preview', { document: sevenLanguageReceipt() });
    expect(preview.status === 'ok' && (preview.data as { png: string }).png).toBe(out.png);
  });

  it('answers the same key again as a duplicate without printing', async () => {
    const res = await probe.request('printer', 'print', { document: sevenLanguageReceipt(), idempotencyKey: 'mqtt-7lang-0001' });
    expect(res.status === 'ok' && (res.data as { duplicate: boolean }).duplicate).toBe(true);
    const page = await probe.sim('printer', 'lastPage', {});
    expect(page.status === 'ok' && (page.data as { pages: number }).pages).toBe(1);
  });

  it('publishes paper out in the retained state and refuses a job with PAPER_OUT', async () => {
    await probe.sim('printer', 'paper', { state: 'out' });
    await probe.waitFor('device/printer/state', (p: { detail?: { paper?: string } }) => p.detail?.paper === 'out');
    // a UI connecting now gets it from the retained state
    const late = await Probe.connect(broker.url, kiosk.base);
    const state = await late.waitFor('device/printer/state');
    await late.close();
    expect(state.retain).toBe(true);
    expect(deviceStateSchema.parse(state.payload)).toMatchObject({ status: 'fault', detail: { paper: 'out', cover: 'closed' } });
    await probe.waitFor('device/printer/event/status', (p: { paper: string }) => p.paper === 'out');
    const res = await probe.request('printer', 'print', { document: sevenLanguageReceipt(), idempotencyKey: 'mqtt-paper-0001' });
    expect(res.status === 'error' && res.error.code).toBe('PAPER_OUT');
    await probe.sim('printer', 'paper', { state: 'ok' });
    await probe.waitFor('device/printer/state', (p: { status: string; detail?: { paper?: string } }) => p.status === 'ready' && p.detail?.paper === 'ok', 10_000, true);
  });

  it('goes offline when unplugged and comes back by itself when replugged', async () => {
    const mark = probe.messages.length;
    const statesSince = (): string[] =>
      probe.messages.slice(mark).filter((m) => m.topic === `${kiosk.base}/device/printer/state`).map((m) => (m.payload as { status: string }).status);
    await probe.sim('printer', 'unplug', { replugAfterMs: 500 });
    for (let i = 0; i < 400 && !statesSince().includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(statesSince()).toContain('offline');
    expect(statesSince()).not.toContain('fault');
    expect(statesSince().at(-1)).toBe('ready');
    const res = await probe.request('printer', 'print', { document: { blocks: [{ type: 'text', text: 'after replug' }] }, idempotencyKey: 'mqtt-replug-0001' });
    expect(res.status).toBe('ok');
  });

  it('rejects a malformed document with INVALID_PAYLOAD', async () => {
    const res = await probe.request('printer', 'print', { document: { blocks: [{ type: 'text' }] }, idempotencyKey: 'mqtt-bad-0001' });
    expect(res.status === 'error' && res.error.code).toBe('INVALID_PAYLOAD');
  });
});
