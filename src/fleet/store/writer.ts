/**
 * Writes a batch of parsed fleet messages in one transaction. Records are inserted with ON CONFLICT DO
 * NOTHING on (kiosk, boot id, seq), so a redelivered record is a no-op; current-state rows are replaced
 * only by a newer arrival. Rows go in key order in every statement, so that two workers' transactions
 * lock rows in the same order (a deadlock is still retried). Each table gets one statement per batch:
 * the rows travel as one JSON parameter and jsonb_to_recordset turns them back into columns.
 */
import type pg from 'pg';
import type { Item, Parsed, RecordItem } from './parse.js';

export interface Arrival {
  parsed: Parsed;
  /** When the ingest received it (orders current-state replacements). */
  receivedAt: Date;
}

export interface WriteResult {
  /** Records that were new. */
  inserted: number;
  /** Records already in the store (redelivered). */
  duplicates: number;
  current: number;
  rejected: number;
}

type Row = Record<string, unknown>;

const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

function recordRows(items: Array<{ kioskId: string; record: RecordItem }>, kind: RecordItem['kind']): Row[] {
  return items.filter((i) => i.record.kind === kind).map(({ kioskId, record: r }) => ({ kiosk_id: kioskId, boot_id: r.bootId, seq: r.seq, at: r.at, body: r.body }));
}

/** Last arrival per key wins (a statement may not upsert one row twice). */
function latest<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

const byKey = (...keys: string[]) => (a: Row, b: Row): number => {
  for (const k of keys) {
    const x = String(a[k]);
    const y = String(b[k]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return Number(a.seq ?? 0) - Number(b.seq ?? 0);
};

const STATEMENTS = {
  kiosk: `INSERT INTO kiosk (kiosk_id, region, last_received)
    SELECT r.kiosk_id, r.region, r.received_at FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, region text, received_at timestamptz)
    ON CONFLICT (kiosk_id) DO UPDATE SET region = excluded.region, last_received = greatest(kiosk.last_received, excluded.last_received)`,
  record: `INSERT INTO fleet_record (kiosk_id, boot_id, seq, kind, at, dropped)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, kind text, at timestamptz, dropped int)
    ON CONFLICT DO NOTHING`,
  health: `INSERT INTO health (kiosk_id, boot_id, seq, at, uptime_sec, cpu_temp_c, disk_free_bytes, mem_free_bytes, load1, devices_not_ready, queued, body)
    SELECT r.kiosk_id, r.boot_id, r.seq, r.at, (r.body->>'uptimeSec')::float8, (r.body->'system'->>'cpuTempC')::float8,
      (r.body->'system'->>'diskFreeBytes')::float8::bigint, (r.body->'system'->>'memFreeBytes')::float8::bigint,
      (r.body->'system'->'loadavg'->>0)::float8,
      (SELECT count(*) FROM jsonb_each(coalesce(r.body->'devices', '{}')) d WHERE d.value->>'status' NOT IN ('ready', 'busy', 'disabled')),
      (r.body->'fleet'->>'queued')::int, r.body
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, at timestamptz, body jsonb)
    ON CONFLICT DO NOTHING`,
  alert: `INSERT INTO alert_event (kiosk_id, boot_id, seq, at, action, alert_id, code, severity, subject, since, value, message)
    SELECT r.kiosk_id, r.boot_id, r.seq, r.at, r.body->>'action', r.body->'alert'->>'id', r.body->'alert'->>'code', r.body->'alert'->>'severity',
      r.body->'alert'->>'subject', (r.body->'alert'->>'since')::timestamptz, (r.body->'alert'->>'value')::float8, r.body->'alert'->>'message'
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, at timestamptz, body jsonb)
    ON CONFLICT DO NOTHING`,
  kpi: `INSERT INTO kpi_record (kiosk_id, boot_id, seq, at, day, final, body)
    SELECT r.kiosk_id, r.boot_id, r.seq, r.at, (r.body->>'day')::date, (r.body->>'final')::boolean, r.body
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, at timestamptz, body jsonb)
    ON CONFLICT DO NOTHING`,
  settlement: `INSERT INTO settlement (kiosk_id, settlement_id, boot_id, seq, day, closed_at, currency, card_count, card_amount,
      terminal_count, terminal_amount, cash_count, cash_amount, journal_count, journal_amount, matches, body)
    SELECT r.kiosk_id, r.body->>'settlementId', r.boot_id, r.seq, (r.body->>'day')::date, (r.body->>'closedAt')::timestamptz, r.body->>'currency',
      (r.body->'card'->>'count')::int, (r.body->'card'->>'amount')::bigint,
      (r.body->'card'->'terminal'->>'count')::int, (r.body->'card'->'terminal'->>'amount')::bigint,
      (r.body->'cash'->>'count')::int, (r.body->'cash'->>'amount')::bigint,
      (r.body->'journal'->>'count')::int, (r.body->'journal'->>'amount')::bigint, (r.body->>'matches')::boolean, r.body
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, at timestamptz, body jsonb)
    ON CONFLICT DO NOTHING`,
  audit: `INSERT INTO audit_head (kiosk_id, boot_id, seq, at, chain, length, head)
    SELECT r.kiosk_id, r.boot_id, r.seq, r.at, r.body->>'chain', (r.body->>'length')::bigint, r.body->>'head'
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, seq bigint, at timestamptz, body jsonb)
    ON CONFLICT DO NOTHING`,
  state: `INSERT INTO kiosk_state (kiosk_id, state, reason, boot_id, version, since, received_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, state text, reason text, boot_id text, version text, since timestamptz, received_at timestamptz)
    ON CONFLICT (kiosk_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, boot_id = excluded.boot_id,
      version = excluded.version, since = excluded.since, received_at = excluded.received_at
    WHERE kiosk_state.received_at <= excluded.received_at`,
  boot: `INSERT INTO kiosk_boot (kiosk_id, boot_id, version, started_at, online_at, offline_at, offline_reason)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, boot_id text, version text, started_at timestamptz, online_at timestamptz, offline_at timestamptz, offline_reason text)
    ON CONFLICT (kiosk_id, boot_id) DO UPDATE SET version = coalesce(excluded.version, kiosk_boot.version),
      started_at = coalesce(kiosk_boot.started_at, excluded.started_at), online_at = coalesce(kiosk_boot.online_at, excluded.online_at),
      offline_at = coalesce(excluded.offline_at, kiosk_boot.offline_at), offline_reason = coalesce(excluded.offline_reason, kiosk_boot.offline_reason)`,
  info: `INSERT INTO kiosk_info (kiosk_id, version, boot_id, simulation, body, received_at)
    SELECT r.kiosk_id, r.body->>'version', r.body->>'bootId', (r.body->>'simulation')::boolean, r.body, r.received_at
    FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, body jsonb, received_at timestamptz)
    ON CONFLICT (kiosk_id) DO UPDATE SET version = excluded.version, boot_id = excluded.boot_id, simulation = excluded.simulation,
      body = excluded.body, received_at = excluded.received_at WHERE kiosk_info.received_at <= excluded.received_at`,
  device: `INSERT INTO device_state (kiosk_id, device, status, since, error_code, detail, received_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, device text, status text, since timestamptz, error_code text, detail jsonb, received_at timestamptz)
    ON CONFLICT (kiosk_id, device) DO UPDATE SET status = excluded.status, since = excluded.since, error_code = excluded.error_code,
      detail = excluded.detail, received_at = excluded.received_at WHERE device_state.received_at <= excluded.received_at`,
  alerts: `INSERT INTO active_alerts (kiosk_id, at, alerts, received_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(kiosk_id text, at timestamptz, alerts jsonb, received_at timestamptz)
    ON CONFLICT (kiosk_id) DO UPDATE SET at = excluded.at, alerts = excluded.alerts, received_at = excluded.received_at
    WHERE active_alerts.at <= excluded.at`,
  rejected: `INSERT INTO ingest_rejected (received_at, topic, reason)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(received_at timestamptz, topic text, reason text)`,
} as const;

/** The rows of each statement for one batch, in key order. */
export function plan(batch: Arrival[]): Array<[keyof typeof STATEMENTS, Row[]]> {
  type At<T extends Item['type']> = Extract<Item, { type: T }> & { receivedAt: string };
  const items = batch.flatMap((a) => (a.parsed.type === 'rejected' ? [] : [{ ...a.parsed, receivedAt: a.receivedAt.toISOString() }]));
  const of = <T extends Item['type']>(t: T): Array<At<T>> => items.filter((i): i is At<T> => i.type === t);
  const records = of('record');
  const states = of('state');
  const boots = new Map<string, Row>();
  for (const s of states) {
    if (!s.state.bootId) continue;
    const key = `${s.kioskId}\u0000${s.state.bootId}`;
    const row = boots.get(key) ?? { kiosk_id: s.kioskId, boot_id: s.state.bootId };
    if (s.state.version) row.version = s.state.version;
    if (s.state.since) row.started_at = s.state.since;
    if (s.state.state === 'online') row.online_at ??= s.receivedAt;
    else {
      row.offline_at = s.receivedAt;
      if (s.state.reason) row.offline_reason = s.state.reason;
    }
    boots.set(key, row);
  }
  const rows: Array<[keyof typeof STATEMENTS, Row[]]> = [
    ['kiosk', latest(items, (i) => i.kioskId).map((i) => ({ kiosk_id: i.kioskId, region: i.region, received_at: i.receivedAt }))],
    ['record', records.map(({ kioskId, record: r }) => ({ kiosk_id: kioskId, boot_id: r.bootId, seq: r.seq, kind: r.kind, at: r.at, dropped: r.dropped }))],
    ...(['health', 'alert', 'kpi', 'settlement', 'audit'] as const).map((k): [keyof typeof STATEMENTS, Row[]] => [k, recordRows(records, k)]),
    ['state', latest(states, (s) => s.kioskId).map((s) => ({ kiosk_id: s.kioskId, state: s.state.state, reason: s.state.reason, boot_id: s.state.bootId, version: s.state.version, since: s.state.since, received_at: s.receivedAt }))],
    ['boot', [...boots.values()]],
    ['info', latest(of('info'), (i) => i.kioskId).map((i) => ({ kiosk_id: i.kioskId, body: i.info, received_at: i.receivedAt }))],
    ['device', latest(of('device'), (d) => `${d.kioskId}/${d.device}`).map((d) => ({ kiosk_id: d.kioskId, device: d.device, status: d.state.status, since: d.state.since, error_code: d.state.error?.code, detail: d.state.detail, received_at: d.receivedAt }))],
    ['alerts', latest(of('alerts'), (a) => a.kioskId).map((a) => ({ kiosk_id: a.kioskId, at: a.alerts.at, alerts: a.alerts.alerts, received_at: a.receivedAt }))],
    ['rejected', batch.flatMap((a) => (a.parsed.type === 'rejected' ? [{ received_at: a.receivedAt.toISOString(), topic: a.parsed.topic, reason: a.parsed.reason }] : []))],
  ];
  return rows.filter(([, r]) => r.length > 0).map(([k, r]) => [k, k === 'rejected' ? r : [...r].sort(byKey('kiosk_id', 'device', 'boot_id'))]);
}

/** Write one batch in one transaction (retried on deadlock). Resolves once committed. */
export async function writeBatch(client: pg.ClientBase, batch: Arrival[], retries = 3): Promise<WriteResult> {
  const steps = plan(batch);
  const records = steps.find(([k]) => k === 'record')?.[1].length ?? 0;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query('BEGIN');
      let inserted = 0;
      for (const [k, rows] of steps) {
        const r = await client.query(STATEMENTS[k], [JSON.stringify(rows)]);
        if (k === 'record') inserted = r.rowCount ?? 0;
      }
      await client.query('COMMIT');
      const current = steps.filter(([k]) => ['state', 'info', 'device', 'alerts'].includes(k)).reduce((n, [, r]) => n + r.length, 0);
      const rejected = steps.find(([k]) => k === 'rejected')?.[1].length ?? 0;
      return { inserted, duplicates: records - inserted, current, rejected };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code;
      if (attempt >= retries || !code || !RETRYABLE.has(code)) throw err;
    }
  }
}
