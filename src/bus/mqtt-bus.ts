/**
 * The local MQTT connection: birth and last will, retained state, events, request/response for MQTT
 * 3.1.1 (response topic by convention) and MQTT 5 (response topic and correlation data from the
 * request). On every (re)connect it republishes birth, info, every retained state and health.
 */
import type { IClientOptions, IPublishPacket, MqttClient, StreamBuilder } from 'mqtt';
import clientModule from 'mqtt/lib/client';
import tcpModule from 'mqtt/lib/connect/tcp';
import { KioskError } from '../core/errors.js';
import { publishOfflineAndEnd } from './graceful-end.js';
import type { Logger } from '../core/logger.js';
import type { RequestHandler } from './request-router.js';
import { isAllowedResponseTopic, parseRequestTopic, type Topics } from '../api/topics.js';

export interface BusOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  keepaliveSec: number;
  topics: Topics;
  /** The sim/ requests this process answers: `all`, or those of the devices whose simulators run here. */
  simulated: 'all' | readonly string[];
  log: Logger;
}

export interface BusHandlers {
  /** Every request goes to the router; its answer is published back. */
  readonly router: RequestHandler;
  /** Everything to publish retained at each (re)connect, after bridge/state online. */
  birth(): Array<{ topic: string; payload: string }>;
  /** The link went up or down. */
  link?(connected: boolean): void;
}

const QOS1 = { qos: 1 as const };
/**
 * Retained state, info and health go out at QoS 0: every (re)connect republishes all of them (birth),
 * so a QoS 1 handshake per change would buy nothing and costs a PUBACK each way on the hot path.
 */
const RETAINED_LATEST = { qos: 0 as const, retain: true };

export class MqttBus {
  private client: MqttClient | undefined;
  private connectedOnce: Promise<void> | undefined;
  private reconnects = 0;
  /** Last payload published per retained topic, so unchanged states are not republished. */
  private readonly retained = new Map<string, string>();

  constructor(
    private readonly o: BusOptions,
    private readonly handlers: BusHandlers,
    private readonly onlinePayload: () => string,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }
  get reconnectCount(): number {
    return this.reconnects;
  }

  /** Connect; resolves on the first successful connection (keeps retrying until then). */
  start(): Promise<void> {
    if (this.connectedOnce) return this.connectedOnce;
    const t = this.o.topics;
    const options: IClientOptions = {
      clientId: this.o.clientId,
      protocolVersion: this.o.protocolVersion,
      keepalive: this.o.keepaliveSec,
      clean: true,
      reconnectPeriod: 250,
      connectTimeout: 5000,
      // The birth republish covers retained state; stale queued states must not be replayed.
      queueQoSZero: false,
      resubscribe: false,
      // Otherwise mqtt-packet pre-builds 65,536 two-byte Buffers (6 MB of heap, 17 ms at start-up)
      // to save one tiny allocation per packet.
      writeCache: false,
      will: { topic: t.bridgeState, payload: Buffer.from(JSON.stringify({ state: 'offline', reason: 'connection-lost' })), qos: 1, retain: true },
      ...(this.o.username !== undefined ? { username: this.o.username } : {}),
      ...(this.o.password !== undefined ? { password: this.o.password } : {}),
    };
    this.connectedOnce = connectClient(this.o.url, options).then((client) => this.wire(client));
    return this.connectedOnce;
  }

  private wire(client: MqttClient): Promise<void> {
    this.client = client;
    const connected = new Promise<void>((resolve) => {
      client.on('connect', () => {
        this.onConnect();
        resolve();
      });
    });
    client.on('reconnect', () => {
      this.reconnects++;
    });
    client.on('close', () => this.handlers.link?.(false));
    client.on('error', (err) => this.o.log.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    return connected;
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    // mqtt.js never disables Nagle; without this each request/response pair stalls ~40 ms.
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    const t = this.o.topics;
    const v5 = this.o.protocolVersion === 5;
    const filters = t.requestFilters(this.o.simulated);
    // rap (retain as published) lets us tell a retained request from a live one under MQTT 5.
    const subOpts = v5 ? { qos: 1 as const, rap: true } : { qos: 1 as const };
    client.subscribe(filters, subOpts, (err) => {
      if (err) this.o.log.error({ err: err.message }, 'subscribe failed');
    });
    this.retained.clear();
    this.publishRetained(t.bridgeState, this.onlinePayload());
    for (const m of this.handlers.birth()) this.publishRetained(m.topic, m.payload);
    this.o.log.info({ url: this.o.url, reconnects: this.reconnects }, 'mqtt connected; birth published');
    this.handlers.link?.(true);
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const target = parseRequestTopic(this.o.topics.base, topic);
    if (!target) return;
    const props = packet.properties;
    // MQTT does not say who published; MQTT 5 clients may name themselves in a user property.
    const named = props?.userProperties?.['requester'];
    const requester = typeof named === 'string' ? named.slice(0, 64) : undefined;
    const flush = this.batchWrites();
    const replyTo = props?.responseTopic;
    const safeReply = replyTo !== undefined && isAllowedResponseTopic(this.o.topics.base, replyTo, target.role);
    const client = safeReply ? clientOf(replyTo) : requester === undefined ? undefined : `requester:${requester}`;
    void this.handlers.router
      .handle({
        target, payload, retain: packet.retain, requester, role: target.role, client,
        refused: replyTo !== undefined && !safeReply ? new KioskError('INVALID_RESPONSE_TOPIC') : undefined,
      })
      .then((response) => {
        const body = JSON.stringify(response);
        if (replyTo !== undefined && safeReply) {
          const properties = props?.correlationData ? { correlationData: props.correlationData } : {};
          this.client?.publish(replyTo, body, { qos: 1, properties });
          flush.soon();
          return;
        }
        const t = this.o.topics;
        const out =
          target.scope === 'bridge'
            ? t.bridgeResponse(target.command, target.role)
            : target.scope === 'device'
              ? t.deviceResponse(target.target, target.command, target.role)
              : t.simResponse(target.target, target.command);
        this.client?.publish(out, body, QOS1);
        flush.soon();
      });
  }

  /**
   * Holds the socket's writes while a request is handled, so that its PUBACK, the events it causes, its
   * response and the retained state it changed leave in one write instead of three or four: each write
   * on loopback costs ~30 µs of CPU and a wake-up of the broker. A quick command's response releases the
   * hold at the end of this event-loop turn (`soon`, after the state publish queued by the command, see
   * DeviceRuntime.publishSoon); a command still running when the turn ends releases it then, so nothing
   * waits on a slow one.
   */
  private batchWrites(): { soon(): void } {
    const stream = this.client?.stream as { cork?: () => void; uncork?: () => void } | undefined;
    if (!stream?.cork || !stream.uncork) return { soon: () => undefined };
    stream.cork();
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      clearImmediate(timer);
      stream.uncork?.();
    };
    let timer = setImmediate(release);
    return {
      soon: () => {
        if (!held) return;
        // behind every immediate queued so far (the state publish of this command among them)
        clearImmediate(timer);
        timer = setImmediate(release);
      },
    };
  }

  /** Publish a retained message unless it is identical to the last one on that topic. */
  publishRetained(topic: string, payload: string): void {
    if (this.retained.get(topic) === payload) return;
    this.retained.set(topic, payload);
    if (!this.client?.connected) return; // republished by the next birth
    this.client.publish(topic, payload, RETAINED_LATEST);
  }

  /** Publish an event (QoS 1, not retained). Queued in memory while disconnected. */
  publishEvent(topic: string, payload: string): void {
    this.client?.publish(topic, payload, QOS1);
  }

  /** Publish `offline` ourselves, then disconnect cleanly (no last will). */
  async stop(offlinePayload: string): Promise<void> {
    await publishOfflineAndEnd(this.client, { topic: this.o.topics.bridgeState, payload: offlinePayload });
  }
}

/** `ui-7` of `kiosk/k1/client/ui-7/response`: the client id an MQTT 5 client answers to (limits count by it). */
function clientOf(responseTopic: string): string | undefined {
  const parts = responseTopic.split('/');
  const i = parts.indexOf('client');
  const id = i >= 0 ? parts[i + 1] : undefined;
  return id ? `client:${id.slice(0, 64)}` : `topic:${responseTopic.slice(0, 128)}`;
}

/**
 * A plain-TCP broker (the local one, always) gets mqtt.js's TCP stream directly: `mqtt.connect` would
 * first load its WebSocket and TLS stacks (`ws`, `node:https`: ~140 ms of a Pi's start-up, and memory)
 * for a URL that needs neither. Other URLs go through `mqtt.connect` as usual.
 */
/** A CommonJS module with an `exports.default`: Node's ESM import gives the module (`.default` is the export); bundlers and vitest unwrap it. */
function cjsDefault<T>(mod: unknown): T {
  return (typeof mod === 'function' ? mod : (mod as { default: T }).default) as T;
}

/**
 * mqtt:// gets mqtt.js's client class and TCP stream directly: the package's index would also load its
 * protocol table, SOCKS proxy support (socks, ip-address) and the connect helpers (start-up profile,
 * issue 18). Other schemes (mqtts, ws, wss) load the whole package, when used.
 */
async function connectClient(url: string, options: IClientOptions): Promise<MqttClient> {
  const u = new URL(url);
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') return (await import('mqtt')).default.connect(url, options);
  const where = { host: u.hostname, hostname: u.hostname, port: u.port ? Number(u.port) : 1883, protocol: 'mqtt' as const };
  const buildTcpStream = cjsDefault<StreamBuilder>(tcpModule);
  const Client = cjsDefault<typeof MqttClient>(clientModule);
  const client = new Client((c) => buildTcpStream(c, { ...options, ...where }), { ...options, ...where });
  client.on('error', () => undefined); // as mqtt.connect does: errors also reach our own listener
  return client;
}
