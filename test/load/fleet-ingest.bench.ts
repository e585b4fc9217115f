/**
 * `npm run bench:ingest`: how many records per second one `kioskd fleet ingest` worker stores, with
 * PostgreSQL at its durable defaults (fsync on, synchronous_commit on). Records are queued on the broker
 * for the worker's (persistent, shared-subscription) sessions first, then the worker is started and timed
 * until the last one is committed: its drain rate, which is what matters after an outage.
 */
import pg from 'pg';
import mqtt from 'mqtt';
import { userInfo } from 'node:os';
import { createLogger } from '../../src/core/logger.js';
import { IngestWorker } from '../../src/fleet/store/ingest.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { health } from '../helpers/fleet-links.js';
import { startPostgres } from '../helpers/postgres.js';

const N = Number(process.env.RECORDS ?? 20_000);
const KIOSKS = 1000;
const broker = await startMosquitto({
  config: ['per_listener_settings false', `user ${userInfo().username}`, 'allow_anonymous true', 'max_queued_messages 0', 'set_tcp_nodelay true', 'listener {port} 127.0.0.1', 'log_dest none'].join('\n'),
});
const server = await startPostgres();
const db = new pg.Client({ connectionString: server.url });
await db.connect();
const log = createLogger({ level: 'warn', journald: false, write: () => undefined });
const results: string[] = [];

for (const lanes of [1, 4, 8, 16]) {
  const opts = { url: broker.url, mqtt: {}, db: server.url, prefix: 'fleet', group: `bench-${lanes}`, name: `bench-${lanes}`, lanes, maxBatch: 500, sessionExpirySec: 3600, log };
  const first = new IngestWorker(opts); // creates the sessions and their shared subscriptions
  await first.start();
  await new Promise((r) => setTimeout(r, 500));
  await first.stop();
  const pubs = await Promise.all(Array.from({ length: 8 }, () => mqtt.connectAsync(broker.url, { protocolVersion: 5 })));
  const tag = `l${lanes}`;
  await Promise.all(
    pubs.map(async (c, p) => {
      for (let i = p; i < N; i += pubs.length) {
        const kiosk = `${tag}-k${i % KIOSKS}`;
        const at = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString();
        const rec = { seq: Math.floor(i / KIOSKS), bootId: 'b1', at, kind: 'health', body: { kioskId: kiosk, ...health('b1', at) } };
        await c.publishAsync(`fleet/eu/${kiosk}/health`, JSON.stringify(rec), { qos: 1 });
      }
    }),
  );
  await Promise.all(pubs.map((c) => c.endAsync()));
  const bytes = JSON.stringify({ seq: 1, bootId: 'b1', at: new Date().toISOString(), kind: 'health', body: health('b1', new Date().toISOString()) }).length;
  const worker = new IngestWorker(opts);
  const t0 = performance.now();
  await worker.start();
  for (;;) {
    const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fleet_record WHERE kiosk_id LIKE '${tag}-%'`)).rows[0]!.n;
    if (n >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sec = (performance.now() - t0) / 1000;
  await worker.stop();
  const s = worker.stats;
  results.push(`| ${lanes} | ${N} | ${sec.toFixed(1)} | ${Math.round(N / sec)} | ${(s.received / s.batches).toFixed(1)} | ${bytes} |`);
  process.stderr.write(`${results.at(-1)}\n`);
}
await db.end();
await server.destroy();
await broker.stop();
process.stdout.write(['| lanes | records | seconds | records/s | mean batch | bytes/record |', '|---|---|---|---|---|---|', ...results].join('\n') + '\n');
