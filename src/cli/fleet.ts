/**
 * `kioskd fleet --url URL [--ca F --cert F --key F] [--prefix fleet] [--stale SEC] [--json] [--once MS]`:
 * the operator's watcher against the fleet broker. Shows every kiosk's link state, devices, active
 * alerts and the age of its last record (STALE past --stale, 900 s by default: three missed health
 * snapshots at the default 300 s) as a live table redrawn each second, or JSON. `--once MS` collects for
 * MS and prints once. `kioskd fleet ingest` and `kioskd fleet op` are the store worker and one remote
 * operation (fleet-ingest.ts, fleet-op.ts).
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions } from 'mqtt';
import { fleetFilters } from '../api/fleet-topics.js';
import { table, takeFlag } from './common.js';
import { noneLeft, option, UsageError } from './usage.js';
import { FleetView, type KioskRow } from './fleet-view.js';

/** 42s, 5m07s, 3h12m, 2d04h. */
export function formatAge(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, '0')}s`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(sec / 86_400)}d${String(Math.floor((sec % 86_400) / 3600)).padStart(2, '0')}h`;
}

export function renderFleet(view: FleetView, now = Date.now(), staleSec = 900): string {
  const s = view.summary(now, staleSec);
  const rows = view.rows(now, staleSec).map((r: KioskRow) => [
    r.region,
    r.kioskId,
    r.state + (r.state === 'offline' && r.reason ? ` (${r.reason})` : ''),
    Object.entries(r.devices).filter(([, st]) => st !== 'ready' && st !== 'busy' && st !== 'disabled').map(([d, st]) => `${d}:${st}`).join(' ') || `${Object.keys(r.devices).length} ok`,
    r.alerts.map((a) => `${a.severity === 'critical' ? '!' : ''}${a.id}`).join(' ') || '-',
    (r.ageSec === undefined ? 'never' : formatAge(r.ageSec)) + (r.stale ? ' STALE' : ''),
    r.lastSeq === undefined ? '-' : String(r.lastSeq) + (r.gaps ? ` gaps:${r.gaps}` : ''),
  ]);
  const head = `${s.kiosks} kiosks: ${s.online} online, ${s.offline} offline, ${s.stale} stale (no record for ${formatAge(staleSec)}); alerts ${s.critical} critical, ${s.warning} warning`;
  return `${head}\n\n${table(['REGION', 'KIOSK', 'LINK', 'DEVICES', 'ALERTS', 'LAST RECORD', 'SEQ'], rows)}\n`;
}

/** `kioskd fleet [ingest|op] ...`: the watcher, a store worker, or one remote operation. */
export async function fleetCommand(args: string[]): Promise<number> {
  const sub = args[0];
  try {
    if (sub === 'ingest') return await (await import('./fleet-ingest.js')).ingestCommand(args.slice(1));
    if (sub === 'op') return await (await import('./fleet-op.js')).opCommand(args.slice(1));
    return await watchCommand(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`kioskd fleet${sub === 'ingest' || sub === 'op' ? ` ${sub}` : ''}: ${err.message}\n`);
    return 64;
  }
}

async function watchCommand(args: string[]): Promise<number> {
  const url = option(args, '--url');
  if (!url) {
    process.stderr.write('kioskd fleet: --url mqtts://fleet-broker:8883 is required\n');
    return 64;
  }
  const prefix = option(args, '--prefix') ?? 'fleet';
  const ca = option(args, '--ca');
  const cert = option(args, '--cert');
  const key = option(args, '--key');
  const json = takeFlag(args, '--json');
  const once = option(args, '--once');
  const staleSec = Number(option(args, '--stale') ?? 900);
  if (!Number.isInteger(staleSec) || staleSec < 1) throw new UsageError('--stale must be a whole number of seconds');
  noneLeft(args);
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
  await client.subscribeAsync([fleetFilters.all(prefix)], { qos: 1 });
  const print = (): void => {
    const now = Date.now();
    if (json) process.stdout.write(`${JSON.stringify({ at: new Date(now).toISOString(), staleSec, ...view.summary(now, staleSec), kiosks: view.rows(now, staleSec) })}\n`);
    else process.stdout.write(`${once ? '' : '\x1b[H\x1b[2J'}${new Date(now).toISOString()}  ${url}\n${renderFleet(view, now, staleSec)}`);
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
