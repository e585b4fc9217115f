/**
 * `kioskd fleet --url URL [--ca F --cert F --key F] [--prefix fleet] [--json] [--once MS]`: the
 * operator's watcher against the fleet broker. Shows every kiosk's link state, devices and active
 * alerts as a live table (redrawn each second), or JSON. `--once MS` collects for MS and prints once.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions } from 'mqtt';
import { table, takeFlag, takeOption } from './common.js';
import { UsageError } from './usage.js';
import { FleetView, type KioskRow } from './fleet-view.js';

export function renderFleet(view: FleetView): string {
  const s = view.summary();
  const rows = view.rows().map((r: KioskRow) => [
    r.region,
    r.kioskId,
    r.state + (r.state === 'offline' && r.reason ? ` (${r.reason})` : ''),
    Object.entries(r.devices).filter(([, st]) => st !== 'ready' && st !== 'busy' && st !== 'disabled').map(([d, st]) => `${d}:${st}`).join(' ') || `${Object.keys(r.devices).length} ok`,
    r.alerts.map((a) => `${a.severity === 'critical' ? '!' : ''}${a.id}`).join(' ') || '-',
    r.lastHealthAt ?? '-',
    r.lastSeq === undefined ? '-' : String(r.lastSeq) + (r.gaps ? ` gaps:${r.gaps}` : ''),
  ]);
  const head = `${s.kiosks} kiosks: ${s.online} online, ${s.offline} offline; alerts ${s.critical} critical, ${s.warning} warning`;
  return `${head}\n\n${table(['REGION', 'KIOSK', 'LINK', 'DEVICES', 'ALERTS', 'LAST HEALTH', 'SEQ'], rows)}\n`;
}

/** `kioskd fleet [ingest|op] ...`: the watcher, a store worker, or one remote operation. */
export async function fleetCommand(args: string[]): Promise<number> {
  const sub = args[0];
  try {
    if (sub === 'ingest') return await (await import('./fleet-ingest.js')).ingestCommand(args.slice(1));
    if (sub === 'op') return await (await import('./fleet-op.js')).opCommand(args.slice(1));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`kioskd fleet ${sub}: ${err.message}\n`);
    return 64;
  }
  return watchCommand(args);
}

async function watchCommand(args: string[]): Promise<number> {
  const url = takeOption(args, '--url');
  if (!url) {
    process.stderr.write('kioskd fleet: --url mqtts://fleet-broker:8883 is required\n');
    return 64;
  }
  const prefix = takeOption(args, '--prefix') ?? 'fleet';
  const ca = takeOption(args, '--ca');
  const cert = takeOption(args, '--cert');
  const key = takeOption(args, '--key');
  const json = takeFlag(args, '--json');
  const once = takeOption(args, '--once');
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: `kioskd-fleet-watch-${process.pid}`,
    reconnectPeriod: 2000,
    ...(ca ? { ca: readFileSync(ca) } : {}),
    ...(cert ? { cert: readFileSync(cert) } : {}),
    ...(key ? { key: readFileSync(key) } : {}),
  };
  const view = new FleetView();
  const client = mqtt.connect(url, options);
  client.on('message', (topic, payload, packet) => view.ingest(topic, payload.toString('utf8'), packet.retain));
  client.on('error', (err) => process.stderr.write(`kioskd fleet: ${err.message}\n`));
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  // Retained state, alerts, info and health of every kiosk arrive at once; records as they come.
  await client.subscribeAsync([`${prefix}/#`], { qos: 1 });
  const print = (): void => {
    if (json) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...view.summary(), kiosks: view.rows() })}\n`);
    else process.stdout.write(`${once ? '' : '\x1b[H\x1b[2J'}${new Date().toISOString()}  ${url}\n${renderFleet(view)}`);
  };
  if (once) {
    await new Promise((r) => setTimeout(r, Number(once)));
    print();
    await client.endAsync(true);
    return 0;
  }
  const timer = setInterval(print, 1000);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  clearInterval(timer);
  await client.endAsync(true);
  return 0;
}
