/**
 * The remote fleet link: a second MQTT 5 connection, to the operator's broker, with TLS and a client
 * certificate and its own last will. It is a daemon tap that forwards an allow-list only (bridge state,
 * info, health, device states, alerts; never an event) and stores alerts and health on disk while the
 * remote broker is out of reach (see queue.ts). Remote operations arrive at `{base}/request/{op}`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { ActiveAlerts, AlertEvent, FleetRecord } from '../api/alerts.js';
import { auditHeadSchema, kpiDailySchema, settlementSchema } from '../api/fleet-records.js';
import type { BridgeInfo, DeviceStateMessage, Health, ResponseEnvelope } from '../api/envelope.js';
import type { Clock, Timer } from '../core/clock.js';
import { publishOfflineAndEnd } from '../bus/graceful-end.js';
import { KioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { FleetConfig } from './config.js';
import { Coalescer } from './coalesce.js';
import { DiskQueue } from './queue.js';
import { fleetDeviceState, fleetHealth, fleetInfo, scrub } from './sanitize.js';
import { fleetBase, makeFleetTopics, RECORD_TOPICS, type FleetTopics } from '../api/fleet-topics.js';

export interface FleetLinkOptions {
  config: FleetConfig;
  kioskId: string;
  bootId: string;
  version: string;
  stateDir: string;
  clock: Clock;
  log: Logger;
  info(): BridgeInfo;
  /** Run an allowed remote operation; never throws. */
  operate(op: string, input: unknown, requester: string): Promise<ResponseEnvelope>;
  /** The remote link went up or down. */
  onLink?(connected: boolean): void;
}

const RETAINED = { qos: 1 as const, retain: true };

/** The broker acknowledged a record but had no subscriber for it (requireSubscriber). */
class NoSubscriberError extends Error {}
const WINDOW = 32;

export class FleetLink {
  readonly topics: FleetTopics;
  private client: MqttClient | undefined;
  private queue: DiskQueue | undefined;
  private readonly states: Coalescer<DeviceStateMessage>;
  private alerts: ActiveAlerts | undefined;
  private lastHealthAt = Number.NEGATIVE_INFINITY;
  private draining = false;
  private drainAgain = false;
  /** requireSubscriber: payload -> seq of records being published, their packet ids, and the unrouted. */
  private readonly sending = new Map<string, number>();
  private readonly packetSeq = new Map<number, number>();
  private readonly unrouted = new Set<number>();
  private retryTimer: Timer | undefined;
  private readonly since: string;

  constructor(private readonly o: FleetLinkOptions) {
    this.topics = makeFleetTopics(fleetBase(o.config.topicPrefix, { region: o.config.region, kioskId: o.kioskId }));
    this.since = o.clock.iso();
    this.states = new Coalescer(o.config.stateMinIntervalSec * 1000, o.clock, (dev, s) => this.publishRetained(this.topics.deviceState(dev), s));
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }
  /** Records waiting for the remote broker. */
  backlog(): number {
    return this.queue?.length ?? 0;
  }

  async start(): Promise<void> {
    const c = this.o.config;
    this.queue = await DiskQueue.open(join(this.o.stateDir, 'fleet'), c.queue, this.o.log, this.o.clock);
    const tls = c.tls;
    const [ca, cert, key, password] = await Promise.all([
      tls.ca ? readFile(tls.ca) : undefined,
      tls.cert ? readFile(tls.cert) : undefined,
      tls.key ? readFile(tls.key) : undefined,
      c.passwordFile ? readFile(c.passwordFile, 'utf8').then((s) => s.trim()) : undefined,
    ]);
    const options: IClientOptions = {
      clientId: c.clientId ?? `kioskd-fleet-${this.o.kioskId}`,
      protocolVersion: 5,
      keepalive: c.keepaliveSec,
      clean: true,
      // Spread reconnects so that a restarted cluster is not hit by every kiosk in the same second.
      reconnectPeriod: 1000 + Math.floor(Math.random() * 2000),
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: this.topics.state, payload: Buffer.from(JSON.stringify(this.statePayload('offline', 'connection-lost'))), qos: 1, retain: true },
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.servername ? { servername: tls.servername } : {}),
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(password !== undefined ? { password } : {}),
    };
    const client = mqtt.connect(c.url, options);
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.o.log.warn({ err: err.message }, 'fleet link error'));
    client.on('message', (topic, payload, packet) => void this.onRequest(topic, payload, packet));
    if (c.requireSubscriber) this.watchRouting(client);
    this.o.log.info({ url: c.url, base: this.topics.base, pending: this.backlog() }, 'fleet link starting');
  }

  /**
   * Daemon tap: device state (retained on the fleet side, sanitised). At most one per device per
   * stateMinIntervalSec, always the latest: a receipt's busy/ready flicker is not worth an uplink message.
   */
  state(device: string, state: DeviceStateMessage): void {
    this.states.push(device, fleetDeviceState(state));
  }

  /** Daemon tap: health; at most one per healthIntervalSec goes into the queue. */
  health(health: Health): void {
    const now = this.o.clock.monotonic();
    if (now - this.lastHealthAt < this.o.config.healthIntervalSec * 1000) return;
    this.lastHealthAt = now;
    const body = { ...fleetHealth(health, this.o.kioskId), fleet: { queued: this.backlog(), dropped: this.queue?.droppedTotal ?? 0 } };
    void this.enqueue('health', body);
  }

  /** An alert was raised or cleared (from the alert engine). */
  alert(event: AlertEvent, active: ActiveAlerts): void {
    this.alerts = active;
    this.publishRetained(this.topics.alerts, active);
    void this.enqueue('alert', event);
  }

  /**
   * A KPI summary, settlement or audit head: rebuilt through its schema (src/api/fleet-records.ts, unknown
   * fields dropped, an invalid body rejected), queued on disk and forwarded like alerts under `{base}/kpi`,
   * `{base}/settlement`, `{base}/audit`. Resolves once queued (settlements and audit heads: on the disk).
   */
  async record(kind: 'kpi' | 'settlement' | 'audit', body: unknown): Promise<void> {
    const schema = kind === 'kpi' ? kpiDailySchema : kind === 'settlement' ? settlementSchema : auditHeadSchema;
    await this.enqueue(kind, schema.parse(body));
  }

  private async enqueue(kind: FleetRecord['kind'], body: unknown): Promise<void> {
    if (!this.queue) return;
    try {
      await this.queue.push(kind, this.o.bootId, this.o.clock.iso(), body);
    } catch (err) {
      this.o.log.error({ err, kind }, 'fleet record could not be queued');
    }
    void this.drain();
  }

  private statePayload(state: 'online' | 'offline', reason?: 'shutdown' | 'connection-lost'): Record<string, unknown> {
    return { state, kioskId: this.o.kioskId, bootId: this.o.bootId, version: this.o.version, since: this.since, ...(reason ? { reason } : {}) };
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    const t = this.topics;
    this.publishBirth(client);
    if (this.o.config.remoteOps.length > 0) {
      client.subscribe(t.requestFilter, { qos: 1 }, (err) => {
        if (err) this.o.log.error({ err: err.message }, 'fleet subscribe failed');
      });
    }
    this.o.log.info({ url: this.o.config.url, pending: this.backlog() }, 'fleet link connected');
    this.o.onLink?.(true);
    void this.drain();
  }

  /** Everything retained on the fleet side: online, info, device states, the alert set. */
  private publishBirth(client: MqttClient): void {
    const t = this.topics;
    client.publish(t.state, JSON.stringify(this.statePayload('online')), RETAINED);
    client.publish(t.info, JSON.stringify(fleetInfo(this.o.info(), this.o.config.region)), RETAINED);
    for (const [dev, s] of this.states.values()) client.publish(t.deviceState(dev), JSON.stringify(s), RETAINED);
    if (this.alerts) client.publish(t.alerts, JSON.stringify(this.alerts), RETAINED);
  }

  private onClose(): void {
    const client = this.client;
    if (!client) return;
    this.o.onLink?.(false);
    // mqtt.js would replay unacknowledged QoS 1 publishes on reconnect, ahead of our queue: drop them,
    // the queue resends them itself in order.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  }

  private publishRetained(topic: string, payload: unknown): void {
    if (this.client?.connected) this.client.publish(topic, JSON.stringify(payload), RETAINED);
  }

  /**
   * mqtt.js reports a PUBACK's "no matching subscribers" (0x10) as success and hides the reason code from
   * the publish callback; the packet events carry it: map our records' packet ids to their seq.
   */
  private watchRouting(client: MqttClient): void {
    client.on('packetsend', (p) => {
      if (p.cmd !== 'publish' || typeof p.payload !== 'string' || p.messageId === undefined) return;
      const seq = this.sending.get(p.payload);
      if (seq !== undefined) this.packetSeq.set(p.messageId, seq);
    });
    client.on('packetreceive', (p) => {
      if (p.cmd !== 'puback' || p.messageId === undefined) return;
      const seq = this.packetSeq.get(p.messageId);
      this.packetSeq.delete(p.messageId);
      if (seq !== undefined && p.reasonCode === 0x10) this.unrouted.add(seq);
    });
  }

  private publishRecord(rec: FleetRecord): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('not connected'));
    const { suffix, retain } = RECORD_TOPICS[rec.kind];
    const text = JSON.stringify(rec);
    if (this.o.config.requireSubscriber) this.sending.set(text, rec.seq);
    return new Promise((resolve, reject) => {
      client.publish(`${this.topics.base}/${suffix}`, text, { qos: 1, retain }, (err) => {
        this.sending.delete(text);
        if (err) reject(err);
        else if (this.unrouted.delete(rec.seq)) reject(new NoSubscriberError());
        else resolve();
      });
    });
  }

  /** Send queued records in order, a window at a time, until the queue is empty or the link drops. */
  private async drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        while (this.client?.connected && this.queue && this.queue.length > 0) {
          const batch = this.queue.pending().slice(0, WINDOW);
          await Promise.all(batch.map((rec) => this.publishRecord(rec).then(() => this.queue?.ack(rec.seq))));
        }
      } while (this.drainAgain && this.client?.connected);
    } catch (err) {
      // The link dropped (the next connect drains again), or nobody was subscribed: try again shortly.
      if (err instanceof NoSubscriberError && !this.retryTimer) {
        this.o.log.warn({ pending: this.backlog() }, 'fleet broker has no subscriber for records (is the fleet store running?); keeping them');
        this.retryTimer = this.o.clock.setTimeout(() => {
          this.retryTimer = undefined;
          void this.drain();
        }, 2000).unref();
      }
    } finally {
      this.draining = false;
    }
  }

  private async onRequest(topic: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    const op = this.topics.opOf(topic);
    if (op === undefined || packet.retain) return;
    const named = packet.properties?.userProperties?.['requester'];
    const requester = `fleet:${typeof named === 'string' ? named.slice(0, 64) : 'unnamed'}`;
    let response: ResponseEnvelope;
    if (!(this.o.config.remoteOps as readonly string[]).includes(op)) {
      this.o.log.warn({ op, requester }, 'remote operation refused: not in fleet.remoteOps');
      response = { status: 'error', error: new KioskError('REMOTE_OP_FORBIDDEN', `remote operation ${op} is not allowed on this kiosk (fleet.remoteOps)`).toJSON() };
    } else {
      let input: unknown = {};
      try {
        input = payload.length > 0 ? JSON.parse(payload.toString('utf8')) : {};
      } catch {
        input = undefined;
      }
      this.o.log.warn({ op, requester }, 'remote operation requested');
      response = await this.o.operate(op, input, requester);
      if (op === 'rebirth' && response.status === 'ok' && this.client?.connected) this.publishBirth(this.client);
      this.o.log.info({ op, requester, status: response.status, ...(response.status === 'error' ? { code: response.error.code } : {}) }, 'remote operation done');
    }
    const body = JSON.stringify(response.status === 'ok' ? { ...response, data: scrub(response.data) } : response);
    const props = packet.properties;
    if (props?.responseTopic) {
      this.client?.publish(props.responseTopic, body, { qos: 1, properties: props.correlationData ? { correlationData: props.correlationData } : {} });
    } else {
      this.client?.publish(this.topics.response(op), body, { qos: 1 });
    }
  }

  /** Publish offline ourselves (no will), disconnect, persist the queue position. Never throws. */
  async stop(): Promise<void> {
    this.states.clear();
    this.retryTimer?.cancel();
    await publishOfflineAndEnd(this.client, { topic: this.topics.state, payload: JSON.stringify(this.statePayload('offline', 'shutdown')) });
    await this.queue?.close().catch(() => undefined);
  }
}
