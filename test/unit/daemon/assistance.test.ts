/**
 * The assistance path as a unit: a button press (GPIO state fed to its tap) latches one request, holds
 * one alert condition for the real alert engine, lights the light, survives a restart, and a
 * technician's acknowledgement (audited) clears it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertEventSchema, type AlertEvent } from '../../../src/api/alerts.js';
import type { DeviceStateMessage } from '../../../src/api/envelope.js';
import { assistanceEventSchema, assistanceStateSchema } from '../../../src/api/kiosk.js';
import { makeTopics } from '../../../src/api/topics.js';
import { ManualClock } from '../../../src/core/clock.js';
import { createLogger } from '../../../src/core/logger.js';
import { Assistance } from '../../../src/daemon/assistance.js';
import { assistanceConfigSchema } from '../../../src/daemon/config/accessibility.js';
import { alertsConfigSchema } from '../../../src/health/alerts/config.js';
import { AlertEngine } from '../../../src/health/alerts/engine.js';

function setup(dir = mkdtempSync(join(tmpdir(), 'assist-'))) {
  const clock = new ManualClock();
  const lines: string[] = [];
  const log = createLogger({ level: 'info', journald: false, write: (l: string) => lines.push(l) });
  const alerts: AlertEvent[] = [];
  const events: Array<Record<string, unknown>> = [];
  const calls: string[] = [];
  let engine: AlertEngine | undefined = undefined;
  const unit = new Assistance({
    config: assistanceConfigSchema.parse({ button: 'assist', light: 'assist_light' }),
    clock,
    log,
    topics: makeTopics('kiosk', 'k1'),
    publishRetained: (topic, payload) => {
      expect(topic).toBe('kiosk/k1/bridge/assistance');
      assistanceStateSchema.parse(JSON.parse(payload));
    },
    publishEvent: (topic, payload) => {
      expect(topic).toBe('kiosk/k1/bridge/event/assistance');
      events.push(assistanceEventSchema.parse(JSON.parse(payload)));
    },
    call: async (device, command, input) => {
      calls.push(`${device}.${command} ${JSON.stringify(input)}`);
      return {};
    },
    gpio: 'gpio',
    evaluate: () => engine?.evaluate(),
    file: join(dir, 'assistance.json'),
  });
  engine = new AlertEngine({
    config: alertsConfigSchema.parse({ enabled: true, clockSyncFile: false }),
    kioskId: 'k1',
    clock,
    log,
    clockSynced: async () => null,
    onChange: (event) => alerts.push(alertEventSchema.parse(event)),
    conditions: () => unit.conditions(),
  });
  const gpio = (assist: boolean, status: DeviceStateMessage['status'] = 'ready'): void =>
    unit.tap.state?.('gpio', { status, detail: { backend: 'sim', inputs: { assist }, outputs: {} }, since: clock.iso() });
  return { dir, clock, unit, alerts, events, calls, lines, gpio };
}

describe('assistance', () => {
  it('a press raises one alert and lights the light; pressing again counts; the technician acknowledges, audited', async () => {
    const t = setup();
    await t.unit.start();
    t.gpio(false);
    t.gpio(true); // pressed
    await t.unit.settled();
    expect(t.unit.state).toMatchObject({ requested: true, via: 'button', presses: 1, since: '2026-01-01T00:00:00.000Z' });
    expect(t.alerts.map((a) => [a.action, a.alert.code, a.alert.severity])).toEqual([['raised', 'ASSISTANCE_REQUESTED', 'critical']]);
    expect(t.calls).toEqual(['gpio.set {"line":"assist_light","value":true}']);
    expect(t.events).toEqual([{ action: 'requested', via: 'button', at: '2026-01-01T00:00:00.000Z' }]);
    t.gpio(false);
    t.gpio(true); // again, and again from the screen
    await t.unit.request('ui');
    await t.unit.settled();
    expect(t.unit.state.presses).toBe(3);
    expect(t.alerts).toHaveLength(1);
    expect(t.calls).toHaveLength(1);
    expect(t.events.map((e) => e.action)).toEqual(['requested', 'pressed-again', 'pressed-again']);
    // Pressing again is not written to the SD card: the file still says the first press.
    expect(JSON.parse(readFileSync(join(t.dir, 'assistance.json'), 'utf8'))).toMatchObject({ requested: true, presses: 1 });

    t.clock.advance(90_000);
    const ack = await t.unit.acknowledge('tech-7', { requester: 'tablet-1', role: 'technician' });
    await t.unit.settled();
    expect(ack).toMatchObject({ acknowledged: true, requested: false, presses: 0, lastAck: { technician: 'tech-7', waitedSec: 90 } });
    expect(t.alerts.map((a) => a.action)).toEqual(['raised', 'cleared']);
    expect(t.calls.at(-1)).toBe('gpio.set {"line":"assist_light","value":false}');
    expect(t.events.at(-1)).toMatchObject({ action: 'acknowledged', via: 'technician', technician: 'tech-7' });
    const audit = t.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'audit: assistance acknowledged');
    expect(audit).toMatchObject({ technician: 'tech-7', requester: 'tablet-1', role: 'technician', waitedSec: 90, presses: 3 });
    // Nothing pending: answered, nothing cleared twice.
    expect(await t.unit.acknowledge('tech-7', { requester: 'tablet-1', role: 'technician' })).toMatchObject({ acknowledged: false });
    expect(t.alerts).toHaveLength(2);
  });

  it('a button held at start or read while the GPIO device is down is not a press', async () => {
    const t = setup();
    await t.unit.start();
    t.gpio(true); // first reading: held (or stuck)
    t.gpio(false, 'offline');
    t.gpio(true, 'offline');
    expect(t.unit.state.requested).toBe(false);
    t.gpio(false);
    t.gpio(true);
    expect(t.unit.state.requested).toBe(true);
  });

  it('a pending request survives a restart (state file) and the light comes on again when the GPIO device is back', async () => {
    const first = setup();
    await first.unit.start();
    await first.unit.request('button');
    const saved = JSON.parse(readFileSync(join(first.dir, 'assistance.json'), 'utf8'));
    expect(saved).toMatchObject({ requested: true, via: 'button', presses: 1 });

    const second = setup(first.dir);
    await second.unit.start();
    expect(second.unit.state).toMatchObject({ requested: true, presses: 1 });
    expect(second.alerts.map((a) => a.alert.code)).toEqual(['ASSISTANCE_REQUESTED']);
    second.gpio(false, 'starting');
    second.gpio(false); // GPIO up: it set its outputs to their safe values, so the light is lit again
    await second.unit.settled();
    expect(second.calls).toEqual(['gpio.set {"line":"assist_light","value":true}']);
  });

  it('a damaged state file starts with nothing pending', async () => {
    const t = setup();
    writeFileSync(join(t.dir, 'assistance.json'), '{"requested": tr');
    await t.unit.start();
    expect(t.unit.state.requested).toBe(false);
    expect(t.lines.some((l) => l.includes('assistance state unreadable'))).toBe(true);
  });
});
