/**
 * The fleet store end to end: 500 real fleet links (each with its on-disk queue) publish through one
 * Mosquitto to 2 `kioskd fleet ingest` worker processes (shared subscription, persistent sessions) that
 * write to a throwaway PostgreSQL. The broker is restarted while records are in flight and while the
 * links queue more: every record must be in the database exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/daemon.js';
import { emit, startLinks, type SimKiosk } from '../helpers/fleet-links.js';
import { hasMosquitto, startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { hasPostgres, startPostgres, type PgServer } from '../helpers/postgres.js';

const KIOSKS = Number(process.env.FLEET_INGEST_KIOSKS ?? 500);

interface Worker {
  proc: ChildProcess;
  lines: string[];
}

function startWorker(broker: Broker, db: string, name: string): Worker {
  const proc = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli.js'), 'fleet', 'ingest', '--url', broker.url, '--db', db, '--name', name, '--lanes', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  proc.stderr?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  return { proc, lines };
}

const workers: Worker[] = [];

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, tries = 600): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  if (!done(v)) throw new Error(`never happened: ${what} (last: ${JSON.stringify(v)})\n${workers.flatMap((w) => w.lines.slice(-8)).join('\n')}`);
  return v;
}

describe.skipIf(!hasMosquitto || !hasPostgres)('fleet ingest: 2 workers, 500 kiosk links, a broker restart', () => {
  let broker: Broker;
  let server: PgServer;
  let db: pg.Client;
  let kiosks: SimKiosk[] = [];
  const count = async (): Promise<number> => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fleet_record')).rows[0]!.n;

  beforeAll(async () => {
    [broker, server] = await Promise.all([
      startMosquitto({
        config: [
          'per_listener_settings false',
          `user ${userInfo().username}`,
          'allow_anonymous true',
          'persistence true', // a graceful stop saves sessions and their queued messages
          'persistence_location {dir}/',
          'max_queued_messages 100000', // the default (1000 per session) would drop records while a worker is away
          'set_tcp_nodelay true',
          'listener {port} 127.0.0.1',
          'log_dest none',
        ].join('\n'),
      }),
      startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } }),
    ]);
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
    workers.push(startWorker(broker, server.url, 'w1'), startWorker(broker, server.url, 'w2'));
    await poll(async () => workers.map((w) => w.lines.filter((l) => l.includes('lane connected')).length), (n) => n.every((x) => x === 4), 'every worker lane connected');
    kiosks = await startLinks(KIOSKS, broker.url, 'eu', `k${process.pid}`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(kiosks.map((k) => k.link.stop()));
    for (const w of workers) w.proc.kill('SIGKILL');
    await db?.end();
    await broker?.stop();
    await server?.destroy();
  });

  it('stores every record exactly once through a broker restart', { timeout: 180_000 }, async () => {
    for (let round = 0; round < 3; round++) await emit(kiosks, round);
    // Stop the broker while the first records are still on their way into the database.
    await poll(count, (n) => n >= Math.floor(KIOSKS * 0.4), 'the first records stored');
    const before = await count();
    await broker.stop();
    for (let round = 3; round < 6; round++) await emit(kiosks, round); // queued on the kiosks' disks
    await broker.start();
    for (let round = 6; round < 10; round++) await emit(kiosks, round);
    const expected = kiosks.reduce((n, k) => n + k.sent, 0);
    expect(expected).toBe(KIOSKS * 10);
    expect(before).toBeLessThan(KIOSKS * 3);
    await poll(count, (n) => n >= expected, `${expected} records stored`, 1200).catch((err: Error) => {
      throw new Error(`${err.message}\nbacklogs: ${kiosks.filter((k) => k.link.backlog() > 0).slice(0, 5).map((k) => `${k.kioskId} ${k.link.backlog()} connected=${k.link.connected}`).join('; ')}`);
    });

    // Exactly the records that were sent: every (kiosk, boot, seq), none missing, none extra.
    const rows = (await db.query<{ kiosk_id: string; boot_id: string; seqs: number[] }>('SELECT kiosk_id, boot_id, array_agg(seq::int ORDER BY seq) AS seqs FROM fleet_record GROUP BY 1, 2')).rows;
    expect(rows).toHaveLength(KIOSKS);
    for (const k of kiosks) expect(rows.find((r) => r.kiosk_id === k.kioskId), k.kioskId).toEqual({ kiosk_id: k.kioskId, boot_id: k.bootId, seqs: Array.from({ length: k.sent }, (_, i) => i) });
    const per = (await db.query<{ t: string; n: number }>(`
      SELECT 'health' AS t, count(*)::int AS n FROM health UNION ALL SELECT 'alert', count(*)::int FROM alert_event
      UNION ALL SELECT 'kpi', count(*)::int FROM kpi_record UNION ALL SELECT 'settlement', count(*)::int FROM settlement
      UNION ALL SELECT 'audit', count(*)::int FROM audit_head`)).rows;
    expect(Object.fromEntries(per.map((r) => [r.t, r.n]))).toEqual({ health: 2 * KIOSKS, alert: 2 * KIOSKS, kpi: 2 * KIOSKS, settlement: KIOSKS, audit: 2 * KIOSKS });
    expect((await db.query('SELECT * FROM v_record_gaps')).rows).toEqual([]);
    expect((await db.query('SELECT sum(card_amount)::int AS card FROM v_settlement_day')).rows).toEqual([{ card: 120_000 * KIOSKS }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM kiosk_state WHERE state = 'online'`)).rows).toEqual([{ n: KIOSKS }]);
    expect((await db.query('SELECT count(*)::int AS n FROM ingest_rejected')).rows).toEqual([{ n: 0 }]);

    // Both workers took part, and what they were handed twice was absorbed.
    for (const w of workers) w.proc.kill('SIGTERM');
    const stats = await Promise.all(
      workers.map((w) => poll(async () => w.lines.find((l) => l.includes('fleet ingest stopped')), (l) => l !== undefined, 'the worker stopped').then((l) => JSON.parse(l!) as { received: number; inserted: number; duplicates: number })),
    );
    for (const s of stats) expect(s.inserted).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.inserted, 0)).toBe(expected);
    process.stderr.write(`fleet ingest: ${expected} records; workers inserted ${stats.map((s) => s.inserted).join(' + ')}, duplicates absorbed ${stats.map((s) => s.duplicates).join(' + ')}, messages received ${stats.map((s) => s.received).join(' + ')}\n`);
  });
});
