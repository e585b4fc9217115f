/**
 * Accessible mode as a unit: driven by the GPIO state the daemon feeds its tap (the headset-sense line),
 * by the UI/session interface (set/reset), telling the audio device, publishing its retained state and
 * events with the API's schemas.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceStateMessage } from '../../../src/api/envelope.js';
import { accessibleEventSchema, accessibleStateSchema } from '../../../src/api/kiosk.js';
import { makeTopics } from '../../../src/api/topics.js';
import { ManualClock } from '../../../src/core/clock.js';
import { KioskError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { AccessibleMode } from '../../../src/daemon/accessibility.js';
import { accessibilityConfigSchema } from '../../../src/daemon/config/accessibility.js';
import { validateConfig } from '../../../src/daemon/config/load.js';

const topics = makeTopics('kiosk', 'k1');

function setup(config: Record<string, unknown> = { headset: { input: 'headset' } }, audio: string | null = 'audio') {
  const clock = new ManualClock();
  const retained: unknown[] = [];
  const events: unknown[] = [];
  const calls: string[] = [];
  let audioFails: string | undefined;
  const mode = new AccessibleMode({
    config: accessibilityConfigSchema.parse(config),
    clock,
    log: createLogger({ level: 'fatal', journald: false, write: () => undefined }),
    topics,
    publishRetained: (topic, payload) => {
      expect(topic).toBe('kiosk/k1/bridge/accessible');
      retained.push(accessibleStateSchema.parse(JSON.parse(payload)));
    },
    publishEvent: (topic, payload) => {
      expect(topic).toBe('kiosk/k1/bridge/event/accessible');
      events.push(accessibleEventSchema.parse(JSON.parse(payload)));
    },
    call: async (device, command, input) => {
      if (audioFails) throw new KioskError(audioFails);
      calls.push(`${device}.${command} ${JSON.stringify(input)}`);
      return {};
    },
    devices: { gpio: 'gpio', audio: audio ?? undefined },
  });
  const gpio = (inputs: Record<string, boolean>, status: DeviceStateMessage['status'] = 'ready'): void =>
    mode.tap.state?.('gpio', { status, detail: { backend: 'sim', inputs, outputs: {} }, since: clock.iso() });
  const audioState = (status: DeviceStateMessage['status']): void => mode.tap.state?.('audio', { status, detail: {}, since: clock.iso() });
  return { clock, mode, retained, events, calls, gpio, audioState, failAudio: (code: string | undefined) => (audioFails = code) };
}

describe('accessible mode', () => {
  it('a headset plug turns it on (slow speech, timeouts doubled); the unplug turns it off and resets the audio', async () => {
    const t = setup({ headset: { input: 'headset' }, audio: { volumeLevel: 3 } });
    t.gpio({ headset: false, door: false });
    expect(t.mode.state).toMatchObject({ on: false, headset: false, timeoutScale: 1 });
    expect(t.events).toHaveLength(0);
    t.clock.advance(5000);
    t.gpio({ headset: true, door: false });
    await t.mode.settled();
    expect(t.mode.state).toMatchObject({ on: true, source: 'headset', headset: true, timeoutScale: 2, since: '2026-01-01T00:00:05.000Z' });
    expect(t.mode.timeoutScale()).toBe(2);
    expect(t.calls).toEqual(['audio.rate {"rate":"slow"}', 'audio.volume {"level":3}']);
    expect(t.events).toEqual([{ on: true, source: 'headset', language: null, at: '2026-01-01T00:00:05.000Z' }]);
    // Another input changing is not a plug.
    t.gpio({ headset: true, door: true });
    expect(t.events).toHaveLength(1);
    t.gpio({ headset: false, door: true });
    await t.mode.settled();
    expect(t.mode.state).toMatchObject({ on: false, source: 'headset', headset: false, timeoutScale: 1 });
    expect(t.calls.at(-1)).toBe('audio.reset {}');
    expect(t.retained.at(-1)).toMatchObject({ on: false, headset: false });
  });

  it('a jack whose switch opens on a plug: pluggedWhen inactive', () => {
    const t = setup({ headset: { input: 'jack', pluggedWhen: 'inactive' } });
    t.gpio({ jack: true });
    expect(t.mode.state).toMatchObject({ on: false, headset: false });
    t.gpio({ jack: false });
    expect(t.mode.state).toMatchObject({ on: true, headset: true });
  });

  it('a headset already plugged at start turns it on; a GPIO device that is not running is not read', () => {
    const t = setup();
    t.gpio({ headset: true }, 'offline');
    expect(t.mode.state).toMatchObject({ on: false, headset: null });
    t.gpio({ headset: true });
    expect(t.mode.state).toMatchObject({ on: true, source: 'start', headset: true });
  });

  it('the session interface: set({on, language, source}) and reset(); reset forgets the language and resets audio even when off', async () => {
    const t = setup({});
    await t.mode.set({ language: 'ar', source: 'session' });
    expect(t.mode.state).toMatchObject({ on: false, language: 'ar', source: 'start' });
    expect(t.calls).toEqual([]);
    await t.mode.set({ on: true, source: 'session' });
    await t.mode.settled();
    expect(t.mode.state).toMatchObject({ on: true, language: 'ar', source: 'session', timeoutScale: 2 });
    expect(t.calls).toEqual(['audio.rate {"rate":"slow"}']);
    const same = t.events.length;
    await t.mode.set({ on: true, language: 'ar', source: 'ui' });
    expect(t.events).toHaveLength(same); // nothing changed, nothing published
    await expect(t.mode.set({ language: 'tlh', source: 'session' })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(t.mode.state.language).toBe('ar');
    expect(await t.mode.reset()).toMatchObject({ on: false, language: null, source: 'reset', timeoutScale: 1 });
    expect(t.calls.at(-1)).toBe('audio.reset {}');
    expect(t.events.at(-1)).toMatchObject({ on: false, source: 'reset', language: null });
    t.calls.length = 0;
    await t.mode.reset();
    expect(t.calls).toEqual(['audio.reset {}']); // the session's audio is cleared whatever the mode was
  });

  it('reset while the headset stays plugged: off until the headset is plugged in again', async () => {
    const t = setup();
    t.gpio({ headset: false });
    t.gpio({ headset: true });
    await t.mode.reset();
    t.gpio({ headset: true });
    expect(t.mode.state).toMatchObject({ on: false, headset: true });
    t.gpio({ headset: false });
    t.gpio({ headset: true });
    expect(t.mode.state).toMatchObject({ on: true, source: 'headset' });
  });

  it('an audio device that is down is logged, the mode still changes, and the defaults are applied when it comes up', async () => {
    const t = setup();
    t.failAudio('DEVICE_UNAVAILABLE');
    t.audioState('starting');
    await t.mode.set({ on: true, source: 'ui' });
    await t.mode.settled();
    expect(t.mode.state.on).toBe(true);
    expect(t.calls).toEqual([]);
    t.failAudio(undefined);
    t.audioState('ready');
    await t.mode.settled();
    expect(t.calls).toEqual(['audio.rate {"rate":"slow"}']);
    t.audioState('busy');
    await t.mode.settled();
    expect(t.calls).toHaveLength(1); // ready -> busy is not a restart
  });

  it('without an audio device configured, nothing is called', async () => {
    const t = setup({}, null);
    await t.mode.set({ on: true, source: 'ui' });
    await t.mode.reset();
    expect(t.calls).toEqual([]);
  });

  it('the config refuses lines that devices.gpio does not have', () => {
    const gpio = { backend: 'sim', inputs: { headset: { line: 'GPIO24' }, assist: { line: 'GPIO23' } }, outputs: { assist_light: { line: 'GPIO16' } } };
    expect(() => validateConfig({ devices: { gpio }, accessibility: { headset: { input: 'headset' } }, assistance: { button: 'assist', light: 'assist_light' } }, 't')).not.toThrow();
    expect(() => validateConfig({ devices: { gpio }, accessibility: { headset: { input: 'hedset' } } }, 't')).toThrow(/accessibility.headset.input: no GPIO input named "hedset"/);
    expect(() => validateConfig({ devices: { gpio }, assistance: { light: 'assist' } }, 't')).toThrow(/assistance.light: no GPIO output named "assist"/);
    expect(() => validateConfig({ assistance: { button: 'assist' } }, 't')).toThrow(/devices.gpio is not configured/);
    expect(() => validateConfig({ accessibility: { timeoutScale: 0.5 } }, 't')).toThrow(/timeoutScale/);
  });
});
