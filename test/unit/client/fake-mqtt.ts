/** A stand-in for mqtt.js's client that records what the kiosk client sends and lets a test answer. */
import { EventEmitter } from 'node:events';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { KioskClient } from '../../../src/client/client.js';
import type { ConnectOptions } from '../../../src/client/options.js';

export interface Sent {
  topic: string;
  body: Record<string, unknown>;
  properties: { responseTopic?: string; correlationData?: unknown } | undefined;
}

export class FakeMqtt extends EventEmitter {
  connected = true;
  readonly sent: Sent[] = [];
  readonly subscribed: string[][] = [];
  readonly unsubscribed: string[][] = [];

  publish(topic: string, body: string, opts: { properties?: Sent['properties'] }, cb?: (err?: Error) => void): void {
    this.sent.push({ topic, body: JSON.parse(body) as Record<string, unknown>, properties: opts.properties });
    cb?.();
  }
  failSubscribe = false;
  async subscribeAsync(filters: string[]): Promise<unknown[]> {
    if (this.failSubscribe) throw new Error('connection closed');
    this.subscribed.push(filters);
    return [];
  }
  async unsubscribeAsync(filters: string[]): Promise<void> {
    this.unsubscribed.push(filters);
  }
  async endAsync(): Promise<void> {
    this.connected = false;
  }
  /** Deliver a message as the broker would. */
  deliver(topic: string, payload: unknown, correlationData?: string): void {
    const packet = { properties: correlationData ? { correlationData: Buffer.from(correlationData) } : undefined } as IPublishPacket;
    const bytes = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    this.emit('message', topic, bytes, packet);
  }
}

export async function fakeClient(opts: Partial<ConnectOptions> = {}): Promise<{ client: KioskClient; mqtt: FakeMqtt }> {
  const mqtt = new FakeMqtt();
  const client = new KioskClient(mqtt as unknown as MqttClient, { url: 'ws://x', kioskId: 'k1', clientId: 'ui1', ...opts });
  await client.init();
  return { client, mqtt };
}

/** Let pending promise continuations run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** Wait until the client has published `n` messages (requests are published after an await). */
export async function published(mqtt: FakeMqtt, n: number): Promise<Sent> {
  for (let i = 0; i < 100 && mqtt.sent.length < n; i++) await new Promise((r) => setImmediate(r));
  const last = mqtt.sent[n - 1];
  if (!last) throw new Error(`expected ${n} published messages, got ${mqtt.sent.length}`);
  return last;
}
