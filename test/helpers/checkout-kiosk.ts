/**
 * A simulated kiosk for the checkout tests: printer, card terminal and cash (AED), the service
 * catalogue of config/simulated.yaml, and helpers to act as a UI client with a session.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { parse } from 'yaml';
import { repoRoot } from './daemon.js';
import type { Probe } from './mqtt-probe.js';

const simulated = parse(readFileSync(join(repoRoot, 'config', 'simulated.yaml'), 'utf8')) as { services: unknown[] };

export const checkoutConfig = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  simulation: true,
  services: simulated.services,
  session: { keepaliveMs: 2000, livenessMs: 20_000 },
  devices: {
    printer: { paperWidthMm: 80 },
    card: { protocol: 'zvt', currency: 'AED', ackTimeoutMs: 2000, idleTimeoutMs: 4000 },
    cash: {
      validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 },
      currency: 'AED',
      maxOverpay: 0,
      simulator: { currency: 'AED', notes: [5, 10, 20, 50, 100, 200, 500, 1000], multiplier: 100, coins: [], stepMs: 60 },
    },
  },
  ...extra,
});

export const newToken = (): string => randomBytes(16).toString('hex');

/** A UI page: its own MQTT connection whose last will closes its session (as the client library does). */
export async function uiPage(url: string, base: string, token: string): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    protocolVersion: 5, reconnectPeriod: 0, clean: true,
    will: { topic: `${base}/bridge/request/session-close`, payload: Buffer.from(JSON.stringify({ session: token, reason: 'vanished' })), qos: 1, retain: false },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Ask for a bridge op with the session token, through the probe. */
export function op(probe: Probe, name: string, payload: Record<string, unknown>, token?: string, timeoutMs = 60_000) {
  return probe.request('', name, { ...payload, ...(token ? { session: token } : {}) }, { scope: 'bridge', timeoutMs });
}

export type JournalLine = { stream: string; type: string; key: string; data: Record<string, unknown> };
export function journalOf(stateDir: string): JournalLine[] {
  return readFileSync(join(stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalLine);
}
