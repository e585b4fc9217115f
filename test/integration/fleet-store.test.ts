/**
 * The fleet store against a real PostgreSQL (a throwaway cluster): migrations, idempotent writes, and what
 * the dashboard views make of the records.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, StoreTooNewError } from '../../src/fleet/store/migrate.js';
import { parseFleetMessage } from '../../src/fleet/store/parse.js';
import { writeBatch, type Arrival } from '../../src/fleet/store/writer.js';
import { auditHead, kpi, settlement } from '../helpers/fleet-records.js';
import { hasPostgres, startPostgres, type PgServer } from '../helpers/postgres.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function msg(topic: string, body: unknown, receivedAt = new Date()): Arrival {
  return { parsed: parseFleetMessage('fleet', topic, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))), receivedAt };
}
function rec(kiosk: string, kind: string, seq: number, body: unknown, extra: Record<string, unknown> = {}): Arrival {
  const suffix = { alert: 'event/alert', health: 'health', kpi: 'kpi', settlement: 'settlement', audit: 'audit' }[kind];
  return msg(`fleet/eu/${kiosk}/${suffix}`, { seq, bootId: 'b1', at: new Date(T0 + seq * 1000).toISOString(), kind, body, ...extra });
}
const health = (at: string): unknown => ({ kioskId: 'k', at, uptimeSec: 5, system: { cpuTempC: 51.5, diskFreeBytes: 1e9, memFreeBytes: 2e8, loadavg: [0.5, 0.4, 0.3] }, devices: { printer: { status: 'ready' }, card: { status: 'offline' } }, fleet: { queued: 2, dropped: 0 } });
const alertEv = (action: string, code: string): unknown => ({ action, at: '2026-03-01T10:00:00.000Z', alert: { id: `${code}:printer`, code, severity: 'critical', subject: 'printer', message: 'x', since: '2026-03-01T10:00:00.000Z' } });

describe.skipIf(!hasPostgres)('fleet store (PostgreSQL)', () => {
  let server: PgServer;
  let db: pg.Client;
  const q = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => (await db.query<T>(sql)).rows;

  beforeAll(async () => {
    server = await startPostgres({ settings: { fsync: 'off' } });
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await server?.destroy();
  });

  it('migrates once, in order, and refuses a store migrated by a newer kioskd', async () => {
    expect(await migrate(db)).toEqual([1, 2, 3]);
    expect(await migrate(db)).toEqual([]);
    expect((await q<{ version: number }>('SELECT version FROM schema_migration ORDER BY version')).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await expect(migrate(db, MIGRATIONS.slice(0, 2))).rejects.toBeInstanceOf(StoreTooNewError);
  });

  it('a record delivered twice (in one batch or two) is stored once', async () => {
    const batch = [rec('k1', 'health', 0, health('2026-03-01T10:00:00Z')), rec('k1', 'alert', 1, alertEv('raised', 'PAPER_OUT')), rec('k1', 'health', 0, health('2026-03-01T10:00:00Z'))];
    expect(await writeBatch(db, batch)).toMatchObject({ inserted: 2, duplicates: 1 });
    expect(await writeBatch(db, batch)).toMatchObject({ inserted: 0, duplicates: 3 });
    expect(await q('SELECT count(*)::int AS n FROM fleet_record')).toEqual([{ n: 2 }]);
    expect(await q('SELECT cpu_temp_c, devices_not_ready, queued, load1 FROM health')).toEqual([{ cpu_temp_c: 51.5, devices_not_ready: 1, queued: 2, load1: 0.5 }]);
    expect(await q('SELECT action, code, severity, subject FROM alert_event')).toEqual([{ action: 'raised', code: 'PAPER_OUT', severity: 'critical', subject: 'printer' }]);
    expect(await q('SELECT code, raised::int, kiosks::int FROM v_alerts_day')).toEqual([{ code: 'PAPER_OUT', raised: 1, kiosks: 1 }]);
  });

  it('names the records that never arrived, unless the kiosk said it dropped them', async () => {
    await writeBatch(db, [rec('k1', 'health', 4, health('2026-03-01T10:00:04Z')), rec('k1', 'health', 7, health('2026-03-01T10:00:07Z'), { dropped: 2 })]);
    expect(await q('SELECT kiosk_id, prev_seq::int, seq::int, missing::int FROM v_record_gaps')).toEqual([{ kiosk_id: 'k1', prev_seq: 1, seq: 4, missing: 2 }]);
  });

  it('keeps the newest current state whatever the arrival order, and each boot\'s online/offline', async () => {
    const t = (s: number): Date => new Date(T0 + s * 1000);
    await writeBatch(db, [msg('fleet/eu/k1/state', { state: 'offline', reason: 'shutdown', bootId: 'b1', since: '2026-03-01T09:00:00Z' }, t(20))]);
    await writeBatch(db, [msg('fleet/eu/k1/state', { state: 'online', bootId: 'b1', version: '1.0', since: '2026-03-01T09:00:00Z' }, t(10))]);
    expect(await q('SELECT state, reason FROM kiosk_state')).toEqual([{ state: 'offline', reason: 'shutdown' }]);
    expect(await q('SELECT boot_id, version, offline_reason, online_at IS NOT NULL AS was_online FROM kiosk_boot')).toEqual([{ boot_id: 'b1', version: '1.0', offline_reason: 'shutdown', was_online: true }]);
    await writeBatch(db, [
      msg('fleet/eu/k1/device/printer/state', { status: 'fault', since: '2026-03-01T10:00:00Z', detail: { paper: 'out' }, error: { code: 'PAPER_OUT', at: '2026-03-01T10:00:00Z' } }, t(30)),
      msg('fleet/eu/k1/alerts', { kioskId: 'k1', at: '2026-03-01T10:00:30Z', alerts: [{ id: 'PAPER_OUT:printer', code: 'PAPER_OUT', severity: 'critical', subject: 'printer', message: 'Refill paper', since: '2026-03-01T10:00:00Z' }] }, t(30)),
      msg('fleet/eu/k1/info', { kioskId: 'k1', version: '1.0', bootId: 'b1', simulation: false, devices: {} }, t(30)),
    ]);
    expect(await q('SELECT kiosk_id, state, alerts_critical::int, devices_not_ready::int, last_seq::int, stale FROM v_kiosk_overview')).toEqual([
      { kiosk_id: 'k1', state: 'offline', alerts_critical: 1, devices_not_ready: 1, last_seq: 7, stale: true },
    ]);
    expect(await q('SELECT alert_id, code FROM v_active_alerts')).toEqual([{ alert_id: 'PAPER_OUT:printer', code: 'PAPER_OUT' }]);
  });

  it('KPI summaries: the latest of each day feeds availability, transactions, cash and faults', async () => {
    await writeBatch(db, [rec('k2', 'kpi', 11, kpi('2026-03-01', true, 2)), rec('k2', 'kpi', 10, kpi('2026-03-01', false, 1)), rec('k3', 'kpi', 1, kpi('2026-03-01', true, 1))]);
    expect(await q(`SELECT kind, kiosks::int, availability_pct::float8, faults::int FROM v_availability_day WHERE day = '2026-03-01' ORDER BY kind`)).toEqual([
      { kind: 'card', kiosks: 2, availability_pct: 100, faults: 0 },
      { kind: 'printer', kiosks: 2, availability_pct: Math.round((10_000 * (2 * 86_400 - 3 * 3600)) / (2 * 86_400)) / 100, faults: 3 },
    ]);
    expect(await q(`SELECT service, method, started::int, completed::int, amount_minor::int, completion_pct::float8 FROM v_transactions_day WHERE service = 'fine-payment' ORDER BY method`)).toEqual([
      { service: 'fine-payment', method: 'card', started: 30, completed: 24, amount_minor: 360_000, completion_pct: 80 },
      { service: 'fine-payment', method: 'cash', started: 15, completed: 15, amount_minor: 150_000, completion_pct: 100 },
    ]);
    expect(await q(`SELECT denomination, sum(count)::int AS n FROM v_cash_day GROUP BY 1 ORDER BY 1`)).toEqual([{ denomination: 5000, n: 12 }, { denomination: 10000, n: 9 }]);
    expect(await q(`SELECT code, faults::int FROM v_faults_day`)).toEqual([{ code: 'PAPER_OUT', faults: 3 }]);
    expect(await q(`SELECT visitors FROM v_kpi_kiosk_day WHERE kiosk_id = 'k2'`)).toEqual([{ visitors: 60 }]);
  });

  it('settlements are stored once and checked against the same day\'s KPI summary', async () => {
    await writeBatch(db, [rec('k2', 'settlement', 12, settlement('2026-03-01', 'eod-1', 2)), rec('k2', 'settlement', 12, settlement('2026-03-01', 'eod-1', 2))]);
    await writeBatch(db, [rec('k3', 'settlement', 2, { ...settlement('2026-03-01', 'eod-1', 2), matches: true })]); // k3's KPI says scale 1
    expect(await q(`SELECT kiosk_id, settled_amount::int, kpi_amount::int, agrees FROM v_settlement_check ORDER BY kiosk_id`)).toEqual([
      { kiosk_id: 'k2', settled_amount: 340_000, kpi_amount: 340_000, agrees: true },
      { kiosk_id: 'k3', settled_amount: 340_000, kpi_amount: 170_000, agrees: false },
    ]);
    expect(await q(`SELECT settlements::int, card_amount::int, mismatches::int FROM v_settlement_day`)).toEqual([{ settlements: 2, card_amount: 480_000, mismatches: 0 }]);
  });

  it('audit heads: a rewritten or shortened chain shows up remotely', async () => {
    await writeBatch(db, [rec('k2', 'audit', 20, auditHead(100, 'a')), rec('k2', 'audit', 21, auditHead(150, 'b')), rec('k2', 'audit', 22, auditHead(100, 'c')), rec('k2', 'audit', 23, auditHead(120, 'd'))]);
    expect(await q(`SELECT length::int, head FROM v_audit_latest`)).toEqual([{ length: 150, head: 'b'.repeat(64) }]);
    expect(await q(`SELECT problem, length::int FROM v_audit_anomalies ORDER BY problem, length`)).toEqual([
      { problem: 'rewritten', length: 100 },
      { problem: 'shortened', length: 100 },
      { problem: 'shortened', length: 120 },
    ]);
  });

  it('records what it could not use (topic and reason, never the payload)', async () => {
    const r = await writeBatch(db, [
      msg('fleet/eu/k9/health', 'not json {'),
      rec('k9', 'settlement', 1, { settlementId: 'x', day: 'yesterday', card: 'PAN 4111111111111111' }),
      msg('fleet/eu/k9/event/alert', { seq: 1, bootId: 'b', at: 'x', kind: 'health', body: {} }),
    ]);
    expect(r).toMatchObject({ inserted: 0, rejected: 3 });
    const rows = await q<{ topic: string; reason: string }>('SELECT topic, reason FROM ingest_rejected ORDER BY id');
    expect(rows.map((x) => x.reason)).toEqual(['not JSON', expect.stringMatching(/^settlement: /), 'a health record on the event/alert topic']);
    expect(JSON.stringify(rows)).not.toContain('4111');
  });
});
