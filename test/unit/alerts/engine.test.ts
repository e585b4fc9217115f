import { describe, expect, it } from 'vitest';
import { activeAlertsSchema, alertEventSchema, type ActiveAlerts, type AlertEvent } from '../../../src/api/alerts.js';
import type { DeviceStateMessage, Health } from '../../../src/api/envelope.js';
import { alertsConfigSchema } from '../../../src/health/alerts/config.js';
import { AlertEngine } from '../../../src/health/alerts/engine.js';
import { ManualClock } from '../../../src/core/clock.js';
import { createLogger } from '../../../src/core/logger.js';

function setup(overrides: Record<string, unknown> = {}, backlog: number | null = null) {
  const clock = new ManualClock();
  const changes: Array<{ event: AlertEvent; active: ActiveAlerts }> = [];
  let synced: boolean | null = null;
  const engine = new AlertEngine({
    config: alertsConfigSchema.parse({ enabled: true, deviceDownSec: 60, doorInputs: ['door'], tamperInputs: ['tamper'], ...overrides }),
    kioskId: 'k1',
    clock,
    log: createLogger({ level: 'fatal', journald: false, write: () => undefined }),
    clockSynced: async () => synced,
    fleetBacklog: () => backlog,
    onChange: (event, active) => changes.push({ event: alertEventSchema.parse(event), active: activeAlertsSchema.parse(active) }),
  });
  const state = (status: DeviceStateMessage['status'], detail: Record<string, unknown> = {}): DeviceStateMessage => ({ status, detail, since: clock.iso() });
  return { clock, engine, changes, state, setSynced: (v: boolean | null) => (synced = v) };
}

const ids = (a: ActiveAlerts | undefined): string[] => (a?.alerts ?? []).map((x) => x.id).sort();

function health(system: Partial<Health['system']>): Health {
  return {
    at: '2026-01-01T00:00:00.000Z', uptimeSec: 1, bootId: 'b', version: 'v',
    system: { loadavg: [0, 0, 0], memTotalBytes: 1, memFreeBytes: 1, processRssBytes: 1, diskFreeBytes: 10e9, cpuTempC: 50, throttled: '0x0', ...system },
    mqtt: { connected: true, reconnects: 0 }, devices: {},
  };
}

describe('alert engine', () => {
  it('raises and clears printer paper and cover alerts from the printer state detail', () => {
    const { engine, changes, state } = setup();
    engine.state('printer', state('ready', { paper: 'near_end', cover: 'closed' }));
    expect(changes.map((c) => [c.event.action, c.event.alert.id, c.event.alert.severity])).toEqual([['raised', 'PAPER_NEAR_END:printer', 'warning']]);
    engine.state('printer', state('ready', { paper: 'out', cover: 'open' }));
    expect(ids(changes.at(-1)?.active)).toEqual(['COVER_OPEN:printer', 'PAPER_OUT:printer']);
    expect(changes.some((c) => c.event.action === 'cleared' && c.event.alert.code === 'PAPER_NEAR_END')).toBe(true);
    engine.state('printer', state('ready', { paper: 'ok', cover: 'closed' }));
    expect(ids(changes.at(-1)?.active)).toEqual([]);
  });

  it('cashbox near full, full and removed; a missing cashbox detail raises nothing', () => {
    const { engine, changes, state } = setup();
    engine.state('cash', state('ready', {}));
    expect(changes).toHaveLength(0);
    engine.state('cash', state('ready', { cashbox: { nearFull: true, full: false, present: true } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['CASHBOX_NEAR_FULL:cash']);
    engine.state('cash', state('ready', { cashbox: { nearFull: true, full: true, present: true } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['CASHBOX_FULL:cash']);
    engine.state('cash', state('ready', { cashbox: { nearFull: false, full: false, present: false } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['CASHBOX_REMOVED:cash']);
  });

  it('payout state: jammed, empty and near empty raise their alert, most urgent only; ok clears it', () => {
    const { engine, changes, state } = setup();
    engine.state('cash', state('ready', { payout: { state: 'near-empty' } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['PAYOUT_NEAR_EMPTY:cash']);
    engine.state('cash', state('ready', { payout: { state: 'empty' } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['PAYOUT_EMPTY:cash']);
    engine.state('cash', state('fault', { payout: { state: 'jammed' }, cashbox: { nearFull: true, full: false, present: true } }));
    expect(ids(changes.at(-1)?.active)).toEqual(expect.arrayContaining(['PAYOUT_JAMMED:cash', 'CASHBOX_NEAR_FULL:cash']));
    engine.state('cash', state('ready', { payout: { state: 'ok' } }));
    expect(ids(changes.at(-1)?.active)).toEqual([]);
  });

  it('a card mismatch on the technician list raises CARD_MISMATCH (critical) until it is resolved', () => {
    const { engine, changes, state } = setup();
    engine.state('card', state('ready', { attention: [] }));
    expect(changes).toHaveLength(0);
    const item = { idempotencyKey: 'm1', operation: 'sale', reason: 'AMOUNT_MISMATCH', requested: { amount: 125000, currency: 'AED' }, terminal: { amount: 100, currency: 'EUR' }, charged: 'no', at: 'x' };
    engine.state('card', state('ready', { attention: [item] }));
    const raised = changes.at(-1)?.event.alert;
    expect(raised).toMatchObject({ id: 'CARD_MISMATCH:card', severity: 'critical', value: 1 });
    expect(raised?.message).toContain('m1');
    engine.state('card', state('ready', { attention: [] }));
    expect(ids(changes.at(-1)?.active)).toEqual([]);
  });

  it('a device down raises only after deviceDownSec, and clears when it is back', () => {
    const { engine, changes, state, clock } = setup();
    engine.state('scanner', { ...state('offline'), error: { code: 'DEVICE_NOT_FOUND', at: clock.iso() } });
    clock.advance(59_000);
    engine.evaluate();
    expect(changes).toHaveLength(0);
    clock.advance(1_000);
    engine.state('scanner', { ...state('offline'), error: { code: 'DEVICE_NOT_FOUND', at: clock.iso() } }); // a re-publish does not restart the timer
    expect(changes.map((c) => c.event.alert.id)).toEqual(['DEVICE_OFFLINE:scanner']);
    expect(changes[0]!.event.alert.message).toContain('DEVICE_NOT_FOUND');
    engine.state('scanner', state('ready'));
    expect(changes.at(-1)?.event.action).toBe('cleared');
  });

  it('door and tamper inputs named in the config; other inputs are ignored', () => {
    const { engine, changes, state } = setup();
    engine.state('gpio', state('ready', { inputs: { door: true, tamper: false, presence: true } }));
    expect(ids(changes.at(-1)?.active)).toEqual(['DOOR_OPEN:door']);
    engine.state('gpio', state('ready', { inputs: { door: false, tamper: true, presence: true } }));
    expect(changes.at(-1)?.active.alerts.map((a) => [a.id, a.severity])).toEqual([['TAMPER:tamper', 'critical']]);
  });

  it('system: CPU hot, throttled, disk low (critical below a quarter), clock, fleet backlog', async () => {
    const { engine, changes, setSynced } = setup({ cpuHotC: 80, diskLowBytes: 1000 }, 500);
    engine.health(health({ cpuTempC: 85, throttled: '0x50005', diskFreeBytes: 900 }));
    expect(ids(changes.at(-1)?.active)).toEqual(['CPU_HOT', 'CPU_THROTTLED', 'DISK_LOW', 'FLEET_BACKLOG']);
    expect(changes.find((c) => c.event.alert.code === 'CPU_THROTTLED')?.event.alert.message).toContain('under-voltage');
    engine.health(health({ diskFreeBytes: 100, throttled: '0x50000' }));
    const disk = changes.at(-1)?.active.alerts.find((a) => a.code === 'DISK_LOW');
    expect(disk?.severity).toBe('critical');
    expect(ids(changes.at(-1)?.active)).toEqual(['DISK_LOW', 'FLEET_BACKLOG']);
    setSynced(false);
    engine.start();
    await new Promise((r) => setImmediate(r));
    engine.stop();
    expect(ids(changes.at(-1)?.active)).toContain('CLOCK_UNSYNCED');
  });

  it('disabled devices raise nothing', () => {
    const { engine, changes, state } = setup({ deviceDownSec: 0 });
    engine.state('printer', state('disabled', { paper: 'out' }));
    expect(changes).toHaveLength(0);
  });
});
