/**
 * What the technician subcommands share: argument options, where the local broker is, and reading the
 * daemon's retained topics (state, info, health, device states, alerts) from it.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { makeTopics, type LocalRole, type Topics } from '../api/topics.js';
import type { KioskConfig } from '../daemon/config/schema.js';

/** Take `--name value` out of args. */
export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

/** Take a `--flag` out of args. */
export function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

/** The kiosk id the daemon uses with this config (same rule as src/daemon/daemon.ts). */
export function kioskIdOf(config: KioskConfig): string {
  return config.kioskId ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
}

/** The daemon's topics with this config. */
export function localTopics(config: KioskConfig): Topics {
  return makeTopics(config.mqtt.root, kioskIdOf(config));
}

/** The URL of the broker the daemon uses (the embedded one lives inside the daemon). */
export function localUrl(config: KioskConfig): string {
  if (config.mqtt.url !== 'embedded') return config.mqtt.url;
  const host = config.mqtt.embedded.host === '0.0.0.0' ? '127.0.0.1' : config.mqtt.embedded.host;
  return `mqtt://${host}:${config.mqtt.embedded.port}`;
}

/** Connect to the local broker as a short-lived technician client; rejects after timeoutMs. */
export async function connectLocal(config: KioskConfig, timeoutMs = 3000): Promise<MqttClient> {
  const password = config.mqtt.passwordFile ? (await readFile(config.mqtt.passwordFile, 'utf8').catch(() => '')).trim() : undefined;
  const options: IClientOptions = {
    clientId: `kioskd-cli-${process.pid}`,
    protocolVersion: config.mqtt.url === 'embedded' ? 4 : config.mqtt.protocolVersion,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    clean: true,
    ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
    ...(password ? { password } : {}),
  };
  const client = mqtt.connect(localUrl(config), options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end(true);
      reject(new Error(`no answer from ${localUrl(config)} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('error', (err) => {
      clearTimeout(timer);
      client.end(true);
      reject(err);
    });
  });
}

/**
 * Every retained message of the kiosk, keyed by topic below `{base}/` (`bridge/info`: BRIDGE_RETAINED
 * in src/api/topics.ts), JSON-parsed. Retained messages arrive right after the subscription; we stop
 * once none has arrived for `quietMs`.
 */
export async function readRetained(client: MqttClient, topics: Topics, quietMs = 300, maxMs = 3000): Promise<Map<string, unknown>> {
  const base = topics.base;
  const found = new Map<string, unknown>();
  let last = Date.now();
  const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }): void => {
    if (!packet.retain || !topic.startsWith(`${base}/`)) return;
    last = Date.now();
    try {
      found.set(topic.slice(base.length + 1), JSON.parse(payload.toString('utf8')));
    } catch {
      found.set(topic.slice(base.length + 1), payload.toString('utf8'));
    }
  };
  client.on('message', onMessage);
  await client.subscribeAsync(topics.retainedFilters, { qos: 1 });
  const started = Date.now();
  while (Date.now() - last < quietMs && Date.now() - started < maxMs) await new Promise((r) => setTimeout(r, 50));
  client.off('message', onMessage);
  return found;
}

/** Whom a CLI request is for: a device, or the bridge; on the UI's namespace or the technician's. */
export interface LocalTarget {
  readonly device?: string;
  readonly role?: LocalRole;
}

/** Send a request to the daemon and wait for its response (by transaction). */
export async function requestLocal(client: MqttClient, topics: Topics, to: LocalTarget, command: string, payload: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
  const transaction = `cli-${process.pid}-${Date.now()}`;
  const requestTopic = to.device === undefined ? topics.bridgeRequest(command, to.role) : topics.deviceRequest(to.device, command, to.role);
  const responseTopic = to.device === undefined ? topics.bridgeResponse(command, to.role) : topics.deviceResponse(to.device, command, to.role);
  await client.subscribeAsync(responseTopic, { qos: 1 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no response to ${requestTopic.slice(topics.base.length + 1)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (topic: string, raw: Buffer): void => {
      if (topic !== responseTopic) return;
      let body: { transaction?: string } | undefined;
      try {
        body = JSON.parse(raw.toString('utf8')) as { transaction?: string };
      } catch {
        return;
      }
      if (body?.transaction !== transaction) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(body);
    };
    client.on('message', onMessage);
    client.publish(requestTopic, JSON.stringify({ ...payload, transaction }), { qos: 1 });
  });
}

/** Left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
