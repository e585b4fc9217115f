/**
 * `kioskd ticket`: asks the running daemon to print a status ticket on the kiosk's own printer
 * (device/printer/request/print), built from the retained state. Exit 0 when printed.
 */
import { networkInterfaces } from 'node:os';
import { activeAlertsSchema } from '../api/alerts.js';
import { bridgeInfoSchema, healthSchema, type DeviceStateMessage } from '../api/envelope.js';
import type { KioskConfig } from '../daemon/config/schema.js';
import { EXIT } from './args.js';
import { BRIDGE_RETAINED } from '../api/topics.js';
import { connectLocal, kioskIdOf, localTopics, localUrl, readRetained, requestLocal } from './common.js';
import { snapshotFrom } from './status.js';
import { buildTicketDocument } from '../health/ticket-document.js';

function addresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addrs]) => (addrs ?? []).filter((a) => !a.internal && a.family === 'IPv4').map((a) => `${name} ${a.address}`));
}

export async function ticketCommand(_args: string[], config: KioskConfig): Promise<number> {
  let client;
  try {
    client = await connectLocal(config);
  } catch (err) {
    process.stderr.write(`kioskd ticket: no broker answers at ${localUrl(config)} (${(err as Error).message}): is kioskd running? sudo systemctl status kioskd\n`);
    return EXIT.unavailable;
  }
  try {
    const topics = localTopics(config);
    const retained = await readRetained(client, topics);
    const info = bridgeInfoSchema.safeParse(retained.get(BRIDGE_RETAINED.info));
    const snap = snapshotFrom(kioskIdOf(config), '', retained);
    if (snap.bridge.state !== 'online' || !info.success) {
      process.stderr.write(`kioskd ticket: the kiosk daemon is not running (the broker at ${localUrl(config)} says ${topics.bridgeState} is ${snap.bridge.state}): sudo systemctl start kioskd; kioskd status\n`);
      return EXIT.unavailable;
    }
    if (!info.data.devices.printer?.enabled) {
      process.stderr.write('kioskd ticket: this kiosk has no printer configured\n');
      return 1;
    }
    const health = healthSchema.safeParse(retained.get(BRIDGE_RETAINED.health));
    const alerts = activeAlertsSchema.safeParse(retained.get(BRIDGE_RETAINED.alerts));
    const states: Record<string, DeviceStateMessage> = Object.fromEntries(Object.entries(snap.devices).map(([n, d]) => [n, { status: d.status as DeviceStateMessage['status'], since: d.since, detail: {}, ...(d.error ? { error: { code: d.error, at: d.since } } : {}) }]));
    const document = buildTicketDocument({
      kioskId: info.data.kioskId,
      version: info.data.version,
      bootId: info.data.bootId,
      startedAt: info.data.startedAt,
      at: new Date().toISOString(),
      addresses: addresses(),
      states,
      ...(health.success ? { health: health.data } : {}),
      ...(alerts.success ? { alerts: alerts.data } : {}),
    });
    const idempotencyKey = `ticket-${info.data.bootId.slice(0, 8)}-${Date.now()}`;
    const reply = (await requestLocal(client, topics, { device: 'printer' }, 'print', { document, idempotencyKey }, 60_000)) as { status: string; error?: { code: string; message: string } };
    if (reply.status === 'ok') {
      process.stdout.write(`status ticket printed (${idempotencyKey})\n`);
      return 0;
    }
    process.stderr.write(`kioskd ticket: ${reply.error?.code}: ${reply.error?.message}\n`);
    return 1;
  } finally {
    await client.endAsync(true);
  }
}
