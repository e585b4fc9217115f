/**
 * The operator's view of the fleet, built from the fleet link's topics (src/api/fleet-topics.ts) as they
 * arrive: one row per kiosk with its link state, devices, active alerts, the last record seen and its
 * age (stale past a limit: an offline kiosk no longer shows its last "5 ok" as if current). Pure: feed
 * it messages, read rows at a given time.
 */
import { splitFleetTopic } from '../api/fleet-topics.js';
export interface KioskRow {
  /** The kiosk's topic prefix, e.g. fleet/eu-west/k-0042. */
  base: string;
  kioskId: string;
  region: string;
  state: 'online' | 'offline' | 'unknown';
  reason?: string;
  version?: string;
  devices: Record<string, string>;
  alerts: Array<{ id: string; severity: string; message: string }>;
  lastHealthAt?: string;
  /** The newest record's own time (any kind), as the kiosk stamped it. */
  lastRecordAt?: string;
  /** Seconds from lastRecordAt to the view's `now`; absent without a record. */
  ageSec?: number;
  /** No record for longer than the stale limit (or none at all). */
  stale: boolean;
  lastSeq?: number;
  /** seq gaps seen (beyond records declared dropped). */
  gaps: number;
  restarts: number;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

type Tracked = Omit<KioskRow, 'ageSec' | 'stale'> & { bootId?: string; liveSeq?: number; lastRecordMs?: number };

export class FleetView {
  private readonly kiosks = new Map<string, Tracked>();

  private row(base: string): Tracked {
    let r = this.kiosks.get(base);
    if (!r) {
      const parts = base.split('/');
      r = { base, kioskId: parts.at(-1) ?? base, region: parts.length > 2 ? (parts.at(-2) ?? '') : '', state: 'unknown', devices: {}, alerts: [], gaps: 0, restarts: 0 };
      this.kiosks.set(base, r);
    }
    return r;
  }

  /**
   * One message from the fleet broker. Unknown topics and bad JSON are ignored. `retained`: delivered
   * from the broker's store at subscription, so records sent before it were never seen (not a gap).
   */
  ingest(topic: string, text: string, retained = false): void {
    const m = splitFleetTopic(topic);
    if (!m) return;
    let payload: Record<string, unknown>;
    try {
      payload = obj(JSON.parse(text));
    } catch {
      return;
    }
    const r = this.row(m.base);
    const kind = m.suffix;
    if (kind === 'state') {
      r.state = payload.state === 'online' || payload.state === 'offline' ? payload.state : 'unknown';
      if (typeof payload.reason === 'string') r.reason = payload.reason;
      else delete r.reason;
      if (typeof payload.kioskId === 'string') r.kioskId = payload.kioskId;
      if (typeof payload.version === 'string') r.version = payload.version;
    } else if (kind === 'info') {
      if (typeof payload.region === 'string') r.region = payload.region;
      if (typeof payload.version === 'string') r.version = payload.version;
    } else if (kind === 'alerts') {
      const list = Array.isArray(payload.alerts) ? payload.alerts.map(obj) : [];
      r.alerts = list.map((a) => ({ id: String(a.id), severity: String(a.severity), message: String(a.message) }));
    } else if (m.device !== undefined) {
      r.devices[m.device] = typeof payload.status === 'string' ? payload.status : '?';
    } else {
      this.record(r, payload, kind === 'health', retained);
    }
  }

  /** A store-and-forward record: track seq gaps and restarts (a new bootId). */
  private record(r: Tracked, rec: Record<string, unknown>, health: boolean, retained: boolean): void {
    const seq = typeof rec.seq === 'number' ? rec.seq : undefined;
    if (typeof rec.bootId === 'string' && r.bootId !== undefined && rec.bootId !== r.bootId) r.restarts++;
    if (typeof rec.bootId === 'string') r.bootId = rec.bootId;
    // Gaps only between two live records: before the first, we simply were not listening.
    if (seq !== undefined && !retained && r.liveSeq !== undefined && seq > r.liveSeq + 1) {
      const dropped = typeof rec.dropped === 'number' ? rec.dropped : 0;
      if (seq - r.liveSeq - 1 > dropped) r.gaps++;
    }
    if (seq !== undefined && !retained && (r.liveSeq === undefined || seq > r.liveSeq)) r.liveSeq = seq;
    if (seq !== undefined && (r.lastSeq === undefined || seq > r.lastSeq)) r.lastSeq = seq;
    if (health && typeof rec.at === 'string') r.lastHealthAt = rec.at;
    const at = typeof rec.at === 'string' ? Date.parse(rec.at) : Number.NaN;
    if (!Number.isNaN(at) && (r.lastRecordMs === undefined || at > r.lastRecordMs)) {
      r.lastRecordMs = at;
      r.lastRecordAt = rec.at as string;
    }
  }

  /** Rows at `now` (ms): a kiosk whose last record is older than `staleSec` is stale. */
  rows(now = Date.now(), staleSec = 900): KioskRow[] {
    return [...this.kiosks.values()]
      .map(({ bootId: _b, liveSeq: _l, lastRecordMs, ...r }) => {
        const ageSec = lastRecordMs === undefined ? undefined : Math.max(0, Math.floor((now - lastRecordMs) / 1000));
        return { ...r, ...(ageSec !== undefined ? { ageSec } : {}), stale: ageSec === undefined || ageSec > staleSec };
      })
      .sort((a, b) => a.region.localeCompare(b.region) || a.kioskId.localeCompare(b.kioskId));
  }

  summary(now = Date.now(), staleSec = 900): { kiosks: number; online: number; offline: number; stale: number; critical: number; warning: number } {
    const rows = this.rows(now, staleSec);
    return {
      kiosks: rows.length,
      online: rows.filter((r) => r.state === 'online').length,
      offline: rows.filter((r) => r.state === 'offline').length,
      stale: rows.filter((r) => r.stale).length,
      critical: rows.reduce((n, r) => n + r.alerts.filter((a) => a.severity === 'critical').length, 0),
      warning: rows.reduce((n, r) => n + r.alerts.filter((a) => a.severity === 'warning').length, 0),
    };
  }
}
