/**
 * The audio device end to end: the real daemon (spawned CLI) with the simulated sound card, against a
 * real Mosquitto. A spoken receipt and an interrupting prompt go in as MQTT requests; started/ended
 * events and the retained state come back on the bus, checked with the daemon's own schemas; the
 * simulator's WAV files are measured by SoX.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceStateSchema } from '../../src/api/envelope.js';
import { audioApi } from '../../src/drivers/audio/api.js';
import { bootKiosk, type Kiosk } from '../helpers/kiosk.js';
import { hasEspeak, hasMosquitto, hasSox } from '../helpers/env.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { soxStat } from '../unit/audio/harness.js';

const config = { simulation: true, devices: { audio: { sim: { pace: 'manual' }, prompts: { welcome: { en: 'Welcome.', ar: 'أهلا وسهلا.' } } } } };

describe.skipIf(!hasMosquitto || !hasEspeak || !hasSox)('audio through the daemon (simulated card, real Mosquitto)', () => {
  let probe: Probe;

  let fixture: Kiosk | undefined;
  beforeAll(async () => {
    fixture = await bootKiosk({ config, ready: ['audio'], readyTimeoutMs: 20_000 });
    ({ probe } = fixture);
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  it('speaks a receipt, is cut by an interrupting prompt, and reports both on the bus', async () => {
    const receipt = { blocks: [{ type: 'text', text: 'Receipt' }, { type: 'row', key: 'Fee', value: 'AED 150.00' }] };
    const res = await probe.request('audio', 'speakReceipt', { document: receipt, lang: 'en', transaction: 'tx-receipt' });
    expect(res.status).toBe('ok');
    const first = audioApi.commands.speakReceipt.output.parse(res.status === 'ok' ? res.data : null);
    const started = audioApi.events.started.payload.parse((await probe.waitFor('device/audio/event/started', (p: { id: string }) => p.id === first.id)).payload);
    expect(started).toMatchObject({ kind: 'speech', lang: 'en', transaction: 'tx-receipt' });
    const state = deviceStateSchema.parse((await probe.waitFor('device/audio/state', (p: { detail: { speaking: boolean } }) => p.detail.speaking)).payload);
    expect(audioApi.stateDetail.parse(state.detail)).toMatchObject({ player: 'sim', volume: { level: 2, gainDb: -12 } });

    const cut = await probe.request('audio', 'say', { lang: 'ar', prompt: 'welcome', interrupt: true });
    expect(cut.status).toBe('ok');
    const ended = audioApi.events.ended.payload.parse((await probe.waitFor('device/audio/event/ended', (p: { id: string }) => p.id === first.id)).payload);
    expect(ended.outcome).toBe('interrupted');
    await probe.waitFor('device/audio/event/started', (p: { lang?: string }) => p.lang === 'ar');
    expect((await probe.sim('audio', 'finish', {})).status).toBe('ok');
    await probe.waitFor('device/audio/event/ended', (p: { outcome: string }) => p.outcome === 'done');

    const played = await probe.sim('audio', 'played', { last: 2 });
    const files = audioApi.sim.played.output.parse(played.status === 'ok' ? played.data : null).played;
    expect(files.map((f) => f.outcome)).toEqual(['cut', 'played']);
    const sox = soxStat(files[1]!.file);
    expect(sox.seconds).toBeGreaterThan(0.5);
    expect(20 * Math.log10(sox.max)).toBeCloseTo(files[1]!.peakDb!, 1);
  });

  it('refuses with stable codes: text too long, unknown clip, nothing to repeat after reset', async () => {
    const long = await probe.request('audio', 'say', { lang: 'en', text: 'x'.repeat(700) });
    expect(long).toMatchObject({ status: 'error', error: { code: 'TEXT_TOO_LONG' } });
    expect(await probe.request('audio', 'play', { clip: 'fanfare' })).toMatchObject({ status: 'error', error: { code: 'CLIP_UNKNOWN' } });
    expect(await probe.request('audio', 'say', { lang: 'ja', text: 'konnichiwa' })).toMatchObject({ status: 'error', error: { code: 'INVALID_PAYLOAD' } });
    expect((await probe.request('audio', 'reset', {})).status).toBe('ok');
    expect(await probe.request('audio', 'repeat', {})).toMatchObject({ status: 'error', error: { code: 'NOTHING_TO_REPEAT' } });
  });
});
