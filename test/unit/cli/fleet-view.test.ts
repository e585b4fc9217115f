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
    expect(v.summary()).toEqual({ kiosks: 2, online: 1, offline: 1, critical: 1, warning: 0 });
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
