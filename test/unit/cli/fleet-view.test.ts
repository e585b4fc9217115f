import { describe, expect, it } from 'vitest';
import { FleetView } from '../../../src/cli/fleet-view.js';

const rec = (seq: number, bootId = 'b1', extra: Record<string, unknown> = {}): string => JSON.stringify({ seq, bootId, at: `t${seq}`, kind: 'health', body: {}, ...extra });

describe('fleet watcher view', () => {
  it('one row per kiosk from state, info, device states and alerts', () => {
    const v = new FleetView();
    v.ingest('fleet/eu/k2/state', JSON.stringify({ state: 'online', kioskId: 'k2', version: '1.2' }));
    v.ingest('fleet/eu/k1/state', JSON.stringify({ state: 'offline', reason: 'connection-lost', kioskId: 'k1' }));
    v.ingest('fleet/eu/k1/device/printer/state', JSON.stringify({ status: 'fault', detail: {}, since: 'x' }));
    v.ingest('fleet/eu/k1/alerts', JSON.stringify({ kioskId: 'k1', at: 'x', alerts: [{ id: 'PAPER_OUT:printer', severity: 'critical', message: 'load paper' }] }));
    v.ingest('fleet/eu/k1/device/printer/state', 'not json');
    v.ingest('elsewhere/x', '{}');
    const rows = v.rows();
    expect(rows.map((r) => [r.region, r.kioskId, r.state])).toEqual([['eu', 'k1', 'offline'], ['eu', 'k2', 'online']]);
    expect(rows[0]).toMatchObject({ reason: 'connection-lost', devices: { printer: 'fault' }, alerts: [{ id: 'PAPER_OUT:printer', severity: 'critical' }] });
    expect(v.summary()).toEqual({ kiosks: 2, online: 1, offline: 1, stale: 2, critical: 1, warning: 0 });
  });

  it('counts seq gaps not explained by dropped records, and restarts by boot id', () => {
    const v = new FleetView();
    v.ingest('fleet/eu/k1/health', rec(0), true); // the retained latest at subscription...
    v.ingest('fleet/eu/k1/health', rec(3)); // ...then live ones: 1 and 2 went out before we listened, not a gap
    v.ingest('fleet/eu/k1/health', rec(4));
    v.ingest('fleet/eu/k1/health', rec(7, 'b1', { dropped: 2 })); // 5 and 6 dropped on purpose
    expect(v.rows()[0]).toMatchObject({ gaps: 0, lastSeq: 7, lastHealthAt: 't7' });
    v.ingest('fleet/eu/k1/event/alert', rec(11, 'b2', { kind: 'alert' })); // 8-10 lost
    expect(v.rows()[0]).toMatchObject({ gaps: 1, restarts: 1, lastSeq: 11, lastHealthAt: 't7' });
  });
});

describe('fleet watcher: age of the last record', () => {
  const at = (iso: string, seq: number, kind = 'health'): string => JSON.stringify({ seq, bootId: 'b1', at: iso, kind, body: {} });

  it('shows each kiosk\'s last record age and marks the stale ones, offline or not', async () => {
    const { renderFleet, formatAge } = await import('../../../src/cli/fleet.js');
    const v = new FleetView();
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    v.ingest('fleet/eu/fresh/state', JSON.stringify({ state: 'online' }));
    v.ingest('fleet/eu/fresh/health', at('2026-03-01T11:59:18.000Z', 5), true);
    v.ingest('fleet/eu/fresh/event/alert', at('2026-03-01T11:59:50.000Z', 6, 'alert'));
    v.ingest('fleet/eu/gone/state', JSON.stringify({ state: 'offline', reason: 'connection-lost' }));
    v.ingest('fleet/eu/gone/device/printer/state', JSON.stringify({ status: 'ready', detail: {}, since: 'x' }));
    v.ingest('fleet/eu/gone/health', at('2026-03-01T08:48:00.000Z', 9), true);
    v.ingest('fleet/eu/silent/state', JSON.stringify({ state: 'online' }));
    const rows = v.rows(now, 900);
    expect(rows.map((r) => [r.kioskId, r.ageSec, r.stale])).toEqual([['fresh', 10, false], ['gone', 11_520, true], ['silent', undefined, true]]);
    expect(v.summary(now, 900)).toMatchObject({ kiosks: 3, stale: 2 });
    const text = renderFleet(v, now, 900);
    expect(text).toContain('3 kiosks: 2 online, 1 offline, 2 stale (no record for 15m00s)');
    expect(text).toMatch(/fresh\s+online\s+0 ok\s+-\s+10s\s+6/);
    expect(text).toMatch(/gone\s+offline \(connection-lost\)\s+1 ok\s+-\s+3h12m STALE/);
    expect(text).toMatch(/silent\s+online\s+0 ok\s+-\s+never STALE/);
    expect([59, 61, 3599, 3600, 90_000].map(formatAge)).toEqual(['59s', '1m01s', '59m59s', '1h00m', '1d01h']);
  });
});
