/**
 * Operations end to end: the real daemon (card terminal and printer simulators) against a real Mosquitto.
 * Card sales over MQTT, then end of day by a technician: the settlement's card total equals the
 * terminal's own end-of-day total and the money journal; the settlement ticket prints; the settlement
 * and the day's KPIs, written to a real PostgreSQL fleet store as the fleet link sends them, agree there
 * (v_settlement_check). The /metrics endpoint is scraped and checked with Debian's promtool.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kpiDailySchema, settlementSchema } from '../../src/api/fleet-records.js';
import { migrate } from '../../src/fleet/store/migrate.js';
import { parseFleetMessage } from '../../src/fleet/store/parse.js';
import { writeBatch } from '../../src/fleet/store/writer.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { hasPostgres, startPostgres, type PgServer } from '../helpers/postgres.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

describe.skipIf(!hasMosquitto)('KPIs, end of day, audit and metrics on the real daemon', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      config: {
        simulation: true,
        devices: { card: { ackTimeoutMs: 2000, idleTimeoutMs: 4000 }, printer: {} },
        operations: { timeZone: 'Asia/Dubai', endOfDay: { printer: 'printer' }, metrics: { enabled: true, port: 0 } },
      },
    });
    probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/card/state', (p) => p.status === 'ready');
    await probe.waitFor('device/printer/state', (p) => p.status === 'ready');
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('a day of card sales settles to the terminal and the journal, prints, and the fleet store agrees', async () => {
    let total = 0;
    for (const [i, amount] of [2500, 1200, 9900].entries()) {
      const res = await probe.request('card', 'sale', { amount, currency: 'AED', reference: `fee-${i}`, idempotencyKey: `ops-${i}` }, { timeoutMs: 20_000 });
      expect(res).toMatchObject({ status: 'ok', data: { result: 'approved' } });
      total += amount;
    }
    expect(await probe.bridge('end-of-day', {})).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
    const res = await probe.request('', 'end-of-day', { print: true }, { scope: 'bridge', role: 'technician', timeoutMs: 30_000 });
    expect(res.status, JSON.stringify(res)).toBe('ok');
    const { settlement, printed } = res.status === 'ok' ? (res.data as { settlement: unknown; printed: boolean }) : { settlement: undefined, printed: false };
    const s = settlementSchema.parse(settlement);
    expect(printed).toBe(true);
    expect(s).toMatchObject({ currency: 'AED', card: { count: 3, amount: total, terminal: { amount: total } }, journal: { count: 3, amount: total }, matches: true });

    const report = await probe.bridge('kpi', {});
    const kpi = kpiDailySchema.parse((report as { data: { kpi: unknown } }).data.kpi);
    expect(kpi.final).toBe(true);
    expect(kpi.services).toContainEqual(expect.objectContaining({ service: 'unassigned', method: 'card', currency: 'AED', started: 3, completed: 3, failed: 0, amount: total }));
    expect(kpi.devices.card?.fittedSec).toBeGreaterThanOrEqual(0);

    // Every technician op is in the audit trail, and it verifies.
    const verify = await probe.request('', 'audit-verify', {}, { scope: 'bridge', role: 'technician' });
    expect(verify).toMatchObject({ status: 'ok', data: { findings: [] } });
    // An op is audited after its answer went out (each record fsync'd): wait for the write, not for a time.
    await vi.waitFor(() => expect(kiosk.daemon.operations.audit?.list().map((e) => e.type)).toContain('bridge.audit-verify'), { timeout: 10_000 });
    const trail = kiosk.daemon.operations.audit?.list() ?? [];
    expect(trail.map((e) => e.type)).toEqual(expect.arrayContaining(['daemon.started', 'card.sale.intent', 'card.sale.outcome', 'card.end-of-day', 'settlement.end-of-day', 'bridge.end-of-day']));
    expect(JSON.stringify(trail)).not.toMatch(/476173|\*\*\*\*/);

    if (!hasPostgres) return;
    const server: PgServer = await startPostgres({ settings: { fsync: 'off' } });
    const db = new pg.Client({ connectionString: server.url });
    try {
      await db.connect();
      await migrate(db);
      const kioskId = kiosk.daemon.kioskId;
      const msg = (suffix: string, seq: number, kind: string, body: unknown) => ({
        parsed: parseFleetMessage('fleet', `fleet/eu/${kioskId}/${suffix}`, Buffer.from(JSON.stringify({ seq, bootId: kiosk.daemon.bootId, at: new Date().toISOString(), kind, body }))),
        receivedAt: new Date(),
      });
      await writeBatch(db, [msg('kpi', 1, 'kpi', kpi), msg('settlement', 2, 'settlement', s)]);
      const rows = (await db.query('SELECT settled_amount::int, journal_amount::int, kpi_amount::int, matches, agrees FROM v_settlement_check')).rows;
      expect(rows).toEqual([{ settled_amount: total, journal_amount: total, kpi_amount: total, matches: true, agrees: true }]);
    } finally {
      await db.end().catch(() => undefined);
      await server.destroy();
    }
  }, 120_000);

  it.skipIf(!hasPromtool)('serves /metrics on loopback that promtool check metrics accepts', async () => {
    await probe.bridge('health', {});
    const url = kiosk.daemon.operations.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(url as string)).text();
    expect(text).toMatch(/^kioskd_device_status\{device="card",status="ready"\} 1$/m);
    expect(text).toMatch(/^kioskd_transactions_completed_today\{method="card",currency="AED"\} 3$/m);
    expect(text).toMatch(/^kioskd_device_availability_ratio\{device="card",kind="card"\} /m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text });
    expect(check.status, `${check.stdout.toString()}${check.stderr.toString()}`).toBe(0);
    expect(`${check.stdout.toString()}${check.stderr.toString()}`).toBe('');
    expect((await fetch(url?.replace('/metrics', '/other') as string)).status).toBe(404);
  });
});
