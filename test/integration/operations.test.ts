/**
 * Operations end to end: the real daemon (card terminal and printer simulators) against a real Mosquitto.
 * Card sales over MQTT, then end of day by a technician: the settlement's card total equals the
 * terminal's own end-of-day total and the money journal; the settlement ticket prints. The kiosk's fleet
 * link carries the settlement, the day's KPIs and the audit heads to a second Mosquitto (the fleet
 * broker), a `kioskd fleet ingest` worker process writes them to a real PostgreSQL, and the numbers
 * stored there are compared with the money journal read from disk. The /metrics endpoint is scraped
 * and checked with Debian's promtool.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kpiDailySchema, settlementSchema } from '../../src/api/fleet-records.js';
import { repoRoot, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { hasPostgres, startPostgres, type PgServer } from '../helpers/postgres.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

/** The money journal as the test reads it from disk: approved card sales since the start, counted here. */
function journalCardSales(stateDir: string): { count: number; amount: number; lastSeq: number } {
  const lines = readFileSync(join(stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; stream: string; type: string; data: { outcome?: { result?: string; amount?: number } } });
  const sales = lines.filter((e) => e.stream === 'card' && e.type === 'sale.outcome' && e.data.outcome?.result === 'approved');
  return { count: sales.length, amount: sales.reduce((n, e) => n + (e.data.outcome?.amount ?? 0), 0), lastSeq: Math.max(...lines.map((e) => e.seq)) };
}

describe.skipIf(!hasMosquitto || !hasPostgres)('KPIs, end of day, audit and metrics on the real daemon, through the fleet to PostgreSQL', () => {
  let broker: Broker;
  let fleetBroker: Broker;
  let server: PgServer;
  let worker: ChildProcess | undefined;
  const workerLines: string[] = [];
  let db: pg.Client;
  let kiosk: TestDaemon;
  let probe: Probe;

  beforeAll(async () => {
    [broker, fleetBroker, server] = await Promise.all([startMosquitto(), startMosquitto(), startPostgres({ settings: { fsync: 'off' } })]);
    // The fleet store's worker first: its shared subscription must exist before the kiosk publishes.
    worker = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli.js'), 'fleet', 'ingest', '--url', fleetBroker.url, '--db', server.url, '--name', 'ops', '--lanes', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [worker.stdout, worker.stderr]) s?.on('data', (d: Buffer) => workerLines.push(...d.toString().split('\n').filter(Boolean)));
    await vi.waitFor(() => expect(workerLines.some((l) => l.includes('lane connected')), workerLines.join('\n')).toBe(true), { timeout: 30_000, interval: 100 });
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
    kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      config: {
        simulation: true,
        devices: { card: { ackTimeoutMs: 2000, idleTimeoutMs: 4000 }, printer: {} },
        operations: { timeZone: 'Asia/Dubai', endOfDay: { printer: 'printer' }, metrics: { enabled: true, port: 0 } },
        fleet: { enabled: true, url: fleetBroker.url, region: 'ops', requireSubscriber: true },
      },
    });
    probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/card/state', (p) => p.status === 'ready');
    await probe.waitFor('device/printer/state', (p) => p.status === 'ready');
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    worker?.kill('SIGTERM');
    await db?.end().catch(() => undefined);
    await Promise.all([broker?.stop(), fleetBroker?.stop(), server?.destroy()]);
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
    // Paper used: the settlement ticket was the only print; the simulated printer's cut page (drawn
    // from the bytes it received) is as tall as the KPI says, at 8 dot rows a millimetre.
    const page = await probe.sim('printer', 'lastPage', {});
    const height = page.status === 'ok' ? (page.data as { height: number; pages: number }).height : 0;
    expect(page).toMatchObject({ status: 'ok', data: { pages: 1 } });
    expect(kpi.consumables?.paperUsedMm).toBe(Math.round(height / 8));

    // Every technician op is in the audit trail, and it verifies.
    const verify = await probe.request('', 'audit-verify', {}, { scope: 'bridge', role: 'technician' });
    expect(verify).toMatchObject({ status: 'ok', data: { findings: [] } });
    // An op is audited after its answer went out (each record fsync'd): wait for the write, not for a time.
    await vi.waitFor(() => expect(kiosk.daemon.operations.audit?.list().map((e) => e.type)).toContain('bridge.audit-verify'), { timeout: 10_000 });
    const trail = kiosk.daemon.operations.audit?.list() ?? [];
    expect(trail.map((e) => e.type)).toEqual(expect.arrayContaining(['daemon.started', 'card.sale.intent', 'card.sale.outcome', 'card.end-of-day', 'settlement.end-of-day', 'bridge.end-of-day']));
    expect(JSON.stringify(trail)).not.toMatch(/476173|\*\*\*\*/);

    // The fleet store holds the same numbers: sent by the kiosk's fleet link through the fleet broker,
    // written by the ingest worker, compared with the money journal as read from disk here.
    await kiosk.daemon.operations.sendHeads(); // what the headSec timer does
    const kioskId = kiosk.daemon.kioskId;
    const journal = journalCardSales(kiosk.stateDir);
    expect(journal).toMatchObject({ count: 3, amount: total });
    const stored = await vi.waitFor(async () => {
      const q = await db.query<Record<string, unknown>>('SELECT settlement_id, currency, card_count, card_amount::int, terminal_amount::int, cash_amount::int, journal_count, journal_amount::int, matches FROM settlement WHERE kiosk_id = $1', [kioskId]);
      expect(q.rows, workerLines.slice(-5).join('\n')).toHaveLength(1);
      return q.rows[0];
    }, { timeout: 30_000, interval: 200 });
    expect(stored).toEqual({ settlement_id: s.settlementId, currency: 'AED', card_count: journal.count, card_amount: journal.amount, terminal_amount: journal.amount, cash_amount: 0, journal_count: journal.count, journal_amount: journal.amount, matches: true });
    const kpiStored = await vi.waitFor(async () => {
      const q = await db.query<{ started: number; completed: number; failed: number; amount: number }>(
        `SELECT started::int, completed::int, failed::int, amount_minor::int AS amount FROM v_kpi_service_day WHERE kiosk_id = $1 AND method = 'card' AND currency = 'AED'`, [kioskId]);
      const final = await db.query('SELECT 1 FROM kpi_record WHERE kiosk_id = $1 AND final', [kioskId]);
      expect(final.rows).toHaveLength(1);
      return q.rows;
    }, { timeout: 30_000, interval: 200 });
    expect(kpiStored).toEqual([{ started: 3, completed: journal.count, failed: 0, amount: journal.amount }]);
    expect((await db.query('SELECT settled_amount::int, journal_amount::int, kpi_amount::int, agrees FROM v_settlement_check WHERE kiosk_id = $1', [kioskId])).rows)
      .toEqual([{ settled_amount: journal.amount, journal_amount: journal.amount, kpi_amount: journal.amount, agrees: true }]);
    // The audit heads arrived as the kiosk has them.
    const heads = await vi.waitFor(async () => {
      const q = await db.query<{ chain: string; length: number; head: string }>('SELECT chain, length::int, head FROM v_audit_latest WHERE kiosk_id = $1 ORDER BY chain', [kioskId]);
      expect(q.rows).toHaveLength(2);
      return q.rows;
    }, { timeout: 30_000, interval: 200 });
    const localHead = kiosk.daemon.operations.audit?.head();
    expect(heads.find((h) => h.chain === 'audit')).toMatchObject({ length: expect.any(Number) as number, head: expect.stringMatching(/^[0-9a-f]{64}$/) as string });
    expect(heads.find((h) => h.chain === 'audit')?.length).toBeLessThanOrEqual(localHead?.length ?? 0);
    expect(heads.find((h) => h.chain === 'money')?.length).toBe(journal.lastSeq);
    expect((await db.query('SELECT count(*)::int AS n FROM ingest_rejected')).rows).toEqual([{ n: 0 }]);
    expect((await db.query('SELECT * FROM v_audit_anomalies WHERE kiosk_id = $1', [kioskId])).rows).toEqual([]);
  }, 120_000);

  it.skipIf(!hasPromtool)('serves /metrics on loopback that promtool check metrics accepts', async () => {
    await probe.bridge('health', {});
    const url = kiosk.daemon.operations.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // The availability ratio appears once a device has a whole second of fitted time today (KpiDaily
    // counts whole seconds); on a loaded machine the scrape can come sooner after the day's first state.
    let text = '';
    for (let i = 0; i < 30; i++) {
      text = await (await fetch(url as string)).text();
      if (/^kioskd_device_availability_ratio\{device="card"/m.test(text)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(text).toMatch(/^kioskd_device_status\{device="card",status="ready"\} 1$/m);
    expect(text).toMatch(/^kioskd_transactions_completed_today\{method="card",currency="AED"\} 3$/m);
    expect(text).toMatch(/^kioskd_device_availability_ratio\{device="card",kind="card"\} /m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text });
    expect(check.status, `${check.stdout.toString()}${check.stderr.toString()}`).toBe(0);
    expect(`${check.stdout.toString()}${check.stderr.toString()}`).toBe('');
    expect((await fetch(url?.replace('/metrics', '/other') as string)).status).toBe(404);
  });
});
