/**
 * `kioskd fleet ingest`: one worker of the fleet store. It consumes the fleet broker through MQTT 5 shared
 * subscriptions (`$share/{group}/...`: the broker hands each message to one worker of the group, so N
 * workers scale out) and writes to PostgreSQL.
 *
 * Nothing is acknowledged before it is committed: each lane (an MQTT session) holds a message's PUBACK
 * until the transaction holding it has committed (mqtt.js `handleMessage`, which also stops that lane
 * reading until then). Sessions are persistent (clean start off, a session expiry), so what the broker
 * queued for a worker survives the worker's or the broker's restart; anything delivered but not
 * acknowledged is delivered again, and the store's inserts are idempotent on (kiosk, boot id, seq). A
 * failed commit is never acknowledged: the lane drops its connection and reconnects after a back-off, and
 * the broker redelivers. Several lanes per worker feed one group commit, so batches grow with load.
 */
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { fleetFilters } from '../../api/fleet-topics.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrate.js';
import { parseFleetMessage } from './parse.js';
import { writeBatch, type Arrival, type WriteResult } from './writer.js';

export interface IngestOptions {
  /** The fleet broker, e.g. mqtts://fleet.example.org:8883. */
  url: string;
  /** TLS files, credentials (as read by the caller). */
  mqtt: Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'username' | 'password' | 'rejectUnauthorized'>;
  /** PostgreSQL connection string. */
  db: string;
  /** Topic prefix before `{region}/{kioskId}` (default `fleet`). */
  prefix: string;
  /** Shared subscription group: every worker of one store uses the same. */
  group: string;
  /** This worker's stable name: its sessions are `kioskd-ingest-{name}-{lane}`. */
  name: string;
  lanes: number;
  maxBatch: number;
  /** How long the broker keeps a worker's session (and queues for it) while the worker is away. */
  sessionExpirySec: number;
  log: Logger;
}

export interface IngestStats {
  received: number;
  inserted: number;
  duplicates: number;
  current: number;
  rejected: number;
  batches: number;
  failedBatches: number;
}

/** Everything the store keeps, as shared-subscription filters. */
export function ingestFilters(prefix: string, group: string): string[] {
  return fleetFilters.store(prefix, group);
}

export class IngestWorker {
  readonly stats: IngestStats = { received: 0, inserted: 0, duplicates: 0, current: 0, rejected: 0, batches: 0, failedBatches: 0 };
  private pool: pg.Pool | undefined;
  private commit: GroupCommit<Arrival, WriteResult> | undefined;
  private readonly lanes: Array<MqttClient | undefined> = [];
  private readonly backoff: number[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly o: IngestOptions) {}

  async start(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.o.db, max: 2, application_name: `kioskd-ingest-${this.o.name}` });
    // An idle client's connection dropping (a database restart) is reported here; the next batch reconnects.
    pool.on('error', (err) => this.o.log.warn({ err: err.message }, 'database connection lost'));
    this.pool = pool;
    const client = await pool.connect();
    try {
      const applied = await migrate(client);
      if (applied.length > 0) this.o.log.info({ applied }, 'fleet store migrated');
    } finally {
      client.release();
    }
    this.commit = new GroupCommit((batch) => this.write(batch), this.o.maxBatch, (r) => {
      this.stats.batches++;
      this.stats.inserted += r.inserted;
      this.stats.duplicates += r.duplicates;
      this.stats.current += r.current;
      this.stats.rejected += r.rejected;
    });
    for (let i = 0; i < this.o.lanes; i++) this.connect(i);
    this.o.log.info({ url: this.o.url, group: this.o.group, name: this.o.name, lanes: this.o.lanes }, 'fleet ingest started');
  }

  private async write(batch: Arrival[]): Promise<WriteResult> {
    const client = await this.pool!.connect();
    try {
      const r = await writeBatch(client, batch);
      client.release();
      return r;
    } catch (err) {
      client.release(err as Error); // a broken connection is not returned to the pool
      this.stats.failedBatches++;
      throw err;
    }
  }

  private connect(lane: number): void {
    const clientId = `kioskd-ingest-${this.o.name}-${lane}`;
    const client = mqtt.connect(this.o.url, {
      ...this.o.mqtt,
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: this.o.sessionExpirySec },
      reconnectPeriod: 250 + Math.floor(Math.random() * 250), // back before the kiosks (1-3 s): they wait for our subscriptions
      connectTimeout: 10_000,
      resubscribe: false,
    });
    this.lanes[lane] = client;
    client.handleMessage = (packet: Packet, callback: (err?: Error) => void): void => {
      if (packet.cmd !== 'publish') return callback();
      if (this.stopping) return callback(new Error('stopping')); // not acknowledged: it waits in our session
      this.stats.received++;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const arrival: Arrival = { parsed: parseFleetMessage(this.o.prefix, packet.topic, payload), receivedAt: new Date() };
      this.commit!.add(arrival).then(
        () => {
          this.backoff[lane] = 0;
          callback(); // now, and only now, the PUBACK
        },
        (err: unknown) => {
          callback(err as Error); // no PUBACK: the broker keeps the message for this session
          this.fail(lane, client, err);
        },
      );
    };
    client.on('connect', (connack) => {
      this.o.log.info({ lane, sessionPresent: connack.sessionPresent }, 'fleet ingest lane connected');
      // Subscribe at every connect, even to a session the broker kept: Mosquitto 2.0.11 restores a
      // persistent session's plain subscriptions after a restart but not its shared ones (seen here).
      // Subscribing again keeps the session's queued messages.
      client.subscribe(ingestFilters(this.o.prefix, this.o.group), { qos: 1 }, (err) => {
        if (err) this.o.log.error({ err: err.message, lane }, 'fleet ingest subscribe failed');
      });
    });
    client.on('error', (err) => this.o.log.warn({ err: err.message, lane }, 'fleet broker error'));
  }

  /** A commit failed: drop this lane's connection so that the broker redelivers, and come back later. */
  private fail(lane: number, client: MqttClient, err: unknown): void {
    if (this.lanes[lane] !== client || this.stopping) return;
    this.lanes[lane] = undefined;
    const wait = Math.min(30_000, Math.max(500, (this.backoff[lane] ?? 0) * 2));
    this.backoff[lane] = wait;
    this.o.log.warn({ lane, err: (err as Error).message, retryInMs: wait }, 'fleet store write failed; nothing acknowledged, the broker will redeliver');
    client.end(true);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopping) this.connect(lane);
    }, wait);
    this.timers.add(t);
  }

  /** Finish what is being written, acknowledge it, disconnect (the sessions stay on the broker). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    await this.commit?.idle();
    await new Promise((r) => setImmediate(r)); // let the PUBACKs of the last batch go out
    await Promise.all(this.lanes.flatMap((c) => (c ? [c.endAsync().catch(() => undefined)] : [])));
    await this.pool?.end();
    this.o.log.info({ ...this.stats }, 'fleet ingest stopped');
  }
}
