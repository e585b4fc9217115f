import { describe, expect, it } from 'vitest';
import { renderStatus, snapshotFrom } from '../../../src/cli/status.js';

describe('kioskd status rendering', () => {
  it('reads the retained topics into one snapshot and prints devices, alerts and both links', () => {
    const retained = new Map<string, unknown>([
      ['bridge/state', { state: 'online', bootId: 'b1', version: '0.1.0', since: '2026-11-25T06:00:00.000Z' }],
      ['device/printer/state', { status: 'offline', detail: { paper: 'ok', cover: 'closed' }, since: '2026-11-25T08:00:00.000Z', error: { code: 'DEVICE_NOT_FOUND', at: 'x' } }],
      ['device/gpio/state', { status: 'ready', detail: { backend: 'sim', inputs: { door: false } }, since: '2026-11-25T06:00:01.000Z' }],
      ['bridge/alerts', { kioskId: 'k1', at: 'x', alerts: [{ id: 'DEVICE_OFFLINE:printer', code: 'DEVICE_OFFLINE', severity: 'critical', subject: 'printer', message: 'check the cable', since: 'x', value: 130 }] }],
      ['bridge/fleet', { connected: false, url: 'mqtts://fleet.example:8883', base: 'fleet/eu/k1', queued: 17, since: 'y' }],
      ['device/broken/state', { nonsense: true }],
    ]);
    const snap = snapshotFrom('k1', 'mqtt://127.0.0.1:1883', retained);
    expect(Object.keys(snap.devices).sort()).toEqual(['gpio', 'printer']);
    const text = renderStatus(snap);
    expect(text).toContain('kiosk k1: daemon online, kioskd 0.1.0');
    expect(text).toMatch(/printer\s+offline\s+2026-11-25T08:00:00.000Z\s+DEVICE_NOT_FOUND/);
    expect(text).toMatch(/gpio\s+ready/);
    expect(text).toMatch(/critical\s+DEVICE_OFFLINE:printer\s+x\s+check the cable/);
    expect(text).toMatch(/fleet\s+mqtts:\/\/fleet.example:8883\s+down\s+17 queued/);
  });

  it('shows the card terminal\'s identity and the transactions waiting for a technician', () => {
    const retained = new Map<string, unknown>([
      ['bridge/state', { state: 'online', bootId: 'b1', since: 'x' }],
      ['device/card/state', {
        status: 'ready', since: 'x',
        detail: {
          protocol: 'zvt', link: 'tcp', pendingRecovery: 0,
          identity: { terminalId: '52500245', model: 'cVEND box+', serialNumber: '11e930ec', softwareVersion: 'GER-APP-v2.0.9' },
          attention: [{ idempotencyKey: 'fee-77', operation: 'sale', reason: 'AMOUNT_MISMATCH', requested: { amount: 125000, currency: 'AED' }, terminal: { amount: 100, currency: 'EUR' }, charged: 'no', at: '2026-11-25T09:00:00.000Z' }],
        },
      }],
    ]);
    const text = renderStatus(snapshotFrom('k1', 'u', retained));
    expect(text).toMatch(/card\s+cVEND box\+\s+11e930ec\s+GER-APP-v2.0.9\s+52500245/);
    expect(text).toContain('FOR A TECHNICIAN:');
    expect(text).toMatch(/card\s+fee-77\s+sale AMOUNT_MISMATCH\s+AED 1250.00\s+EUR 1.00\s+no/);
  });

  it('shows accessible mode and a call for assistance waiting (and, once acknowledged, who did)', () => {
    const retained = new Map<string, unknown>([
      ['bridge/state', { state: 'online', bootId: 'b1', since: 'x' }],
      ['bridge/accessible', { on: true, source: 'headset', language: 'ar', headset: true, timeoutScale: 2, since: '2026-11-25T09:00:00.000Z' }],
      ['bridge/assistance', { requested: true, since: '2026-11-25T09:01:00.000Z', via: 'button', presses: 3, lastAck: null }],
    ]);
    const text = renderStatus(snapshotFrom('k1', 'u', retained));
    expect(text).toContain('ACCESSIBLE MODE: on (headset, since 2026-11-25T09:00:00.000Z, timeouts x2), headset plugged in');
    expect(text).toContain('ASSISTANCE REQUESTED via button since 2026-11-25T09:01:00.000Z (3x): go to the kiosk');
    retained.set('bridge/assistance', { requested: false, since: null, via: null, presses: 0, lastAck: { technician: 'tech-7', at: 'y', waitedSec: 95 } });
    retained.set('bridge/accessible', { on: false, source: 'reset', language: null, headset: null, timeoutScale: 1, since: 'z' });
    const after = renderStatus(snapshotFrom('k1', 'u', retained));
    expect(after).toContain('ACCESSIBLE MODE: off\n');
    expect(after).toContain('ASSISTANCE: none waiting (last acknowledged by tech-7 at y after 95 s)');
  });

  it('a kiosk that never published is unknown', () => {
    expect(snapshotFrom('k1', 'u', new Map()).bridge.state).toBe('unknown');
  });
});
