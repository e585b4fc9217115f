/** An MQTT client for tests: request/response against the daemon, and a record of all it saw. */
import mqtt, { type MqttClient } from 'mqtt';
import { responseSchema, type ResponseEnvelope } from '../../src/api/envelope.js';

export interface Seen {
  topic: string;
  payload: unknown;
  raw: Buffer;
  retain: boolean;
  at: number;
}

export class Probe {
  readonly messages: Seen[] = [];
  private waiters: Array<{ match: (m: Seen) => boolean; resolve: (m: Seen) => void }> = [];

  private constructor(
    readonly client: MqttClient,
    readonly base: string,
  ) {
    client.on('message', (topic, raw, packet) => {
      let payload: unknown = raw.toString();
      try {
        payload = JSON.parse(raw.toString());
      } catch {
        /* keep text */
      }
      const m: Seen = { topic, payload, raw, retain: packet.retain, at: Date.now() };
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  static async connect(url: string, base: string, opts: { protocolVersion?: 4 | 5; subscribe?: string[] } = {}): Promise<Probe> {
    const client = mqtt.connect(url, { protocolVersion: opts.protocolVersion ?? 5, reconnectPeriod: 200, clean: true });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    (client.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const probe = new Probe(client, base);
    await client.subscribeAsync(opts.subscribe ?? [`${base}/#`], { qos: 1 });
    return probe;
  }

  /** Wait for a message whose topic is `${base}/${suffix}` (or matches it as a predicate) and payload passes. */
  waitFor(suffix: string, predicate: (payload: any, m: Seen) => boolean = () => true, timeoutMs = 10_000, onlyNew = false): Promise<Seen> {
    const topic = `${this.base}/${suffix}`;
    const match = (m: Seen): boolean => m.topic === topic && predicate(m.payload, m);
    const seen = onlyNew ? undefined : this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${topic}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Wait for a message strictly after now. */
  next(suffix: string, predicate: (payload: any, m: Seen) => boolean = () => true, timeoutMs = 10_000): Promise<Seen> {
    return this.waitFor(suffix, predicate, timeoutMs, true);
  }

  private seq = 0;

  /**
   * Send a request to `device/{dev}/request/{cmd}` (or, with `role: 'technician'`, to
   * `technician/device/...`) and wait for its response (matched by transaction).
   */
  async request(
    dev: string,
    cmd: string,
    payload: Record<string, unknown> = {},
    opts: { timeoutMs?: number; scope?: 'device' | 'sim' | 'bridge'; role?: 'ui' | 'technician' } = {},
  ): Promise<ResponseEnvelope> {
    const scope = opts.scope ?? 'device';
    const transaction = typeof payload.transaction === 'string' ? payload.transaction : `probe-${process.pid}-${++this.seq}`;
    const path = `${opts.role === 'technician' ? 'technician/' : ''}${scope === 'bridge' ? `bridge` : `${scope}/${dev}`}`;
    const response = this.waitFor(`${path}/response/${cmd}`, (p: { transaction?: string }) => p?.transaction === transaction, opts.timeoutMs ?? 15_000, true);
    await this.client.publishAsync(`${this.base}/${path}/request/${cmd}`, JSON.stringify({ ...payload, transaction }), { qos: 1 });
    return responseSchema.parse((await response).payload);
  }

  sim(dev: string, cmd: string, payload: Record<string, unknown> = {}, opts: { timeoutMs?: number } = {}): Promise<ResponseEnvelope> {
    return this.request(dev, cmd, payload, { ...opts, scope: 'sim' });
  }

  bridge(op: string, payload: Record<string, unknown> = {}, role: 'ui' | 'technician' = 'ui'): Promise<ResponseEnvelope> {
    return this.request('', op, payload, { scope: 'bridge', role });
  }

  /** A request on the technician's namespace. */
  technician(dev: string, cmd: string, payload: Record<string, unknown> = {}, opts: { timeoutMs?: number } = {}): Promise<ResponseEnvelope> {
    return this.request(dev, cmd, payload, { ...opts, role: 'technician' });
  }

  /** Publish raw bytes to a topic under base. */
  async publishRaw(suffix: string, payload: string | Buffer, opts: { retain?: boolean; properties?: Record<string, unknown> } = {}): Promise<void> {
    await this.client.publishAsync(`${this.base}/${suffix}`, payload, { qos: 1, retain: opts.retain ?? false, ...(opts.properties ? { properties: opts.properties } : {}) });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
