/**
 * `kioskd status`: the kiosk at a glance from its retained topics: bridge, devices, alerts, links.
 * Exit 0 when the daemon is online, 1 when it is offline or has never published, 2 when the local
 * broker cannot be reached.
 */
import { activeAlertsSchema, type ActiveAlerts } from '../api/alerts.js';
import { bridgeInfoSchema, bridgeStateSchema, deviceStateSchema, healthSchema, type Health } from '../api/envelope.js';
import type { KioskConfig } from '../daemon/config/schema.js';
import { accessibleStateSchema, assistanceStateSchema, type AccessibleState, type AssistanceState } from '../api/kiosk.js';
import { BRIDGE_RETAINED, deviceOfStateTopic } from '../api/topics.js';
import { connectLocal, kioskIdOf, localTopics, localUrl, readRetained, table, takeFlag } from './common.js';

export interface StatusSnapshot {
  kioskId: string;
  broker: { url: string; reachable: boolean; error?: string };
  bridge: { state: 'online' | 'offline' | 'unknown'; version?: string; bootId?: string; since?: string; reason?: string };
  devices: Record<string, { status: string; since: string; error?: string; detail: Record<string, unknown> }>;
  alerts: ActiveAlerts['alerts'];
  health?: Health;
  fleet?: { connected: boolean; url: string; queued: number; since: string };
  accessible?: AccessibleState;
  assistance?: AssistanceState;
}

export function snapshotFrom(kioskId: string, url: string, retained: Map<string, unknown>): StatusSnapshot {
  const state = bridgeStateSchema.safeParse(retained.get(BRIDGE_RETAINED.state));
  const info = bridgeInfoSchema.safeParse(retained.get(BRIDGE_RETAINED.info));
  const health = healthSchema.safeParse(retained.get(BRIDGE_RETAINED.health));
  const alerts = activeAlertsSchema.safeParse(retained.get(BRIDGE_RETAINED.alerts));
  const fleet = retained.get(BRIDGE_RETAINED.fleet) as StatusSnapshot['fleet'] | undefined;
  const accessible = accessibleStateSchema.safeParse(retained.get(BRIDGE_RETAINED.accessible));
  const assistance = assistanceStateSchema.safeParse(retained.get(BRIDGE_RETAINED.assistance));
  const devices: StatusSnapshot['devices'] = {};
  for (const [topic, payload] of retained) {
    const device = deviceOfStateTopic(topic);
    const s = deviceStateSchema.safeParse(payload);
    if (device && s.success) devices[device] = { status: s.data.status, since: s.data.since, detail: s.data.detail, ...(s.data.error ? { error: s.data.error.code } : {}) };
  }
  return {
    kioskId,
    broker: { url, reachable: true },
    bridge: state.success
      ? { state: state.data.state, version: state.data.version ?? (info.success ? info.data.version : undefined), bootId: state.data.bootId, since: state.data.since, reason: state.data.reason }
      : { state: 'unknown' },
    devices,
    alerts: alerts.success ? alerts.data.alerts : [],
    ...(health.success ? { health: health.data } : {}),
    ...(fleet && typeof fleet === 'object' ? { fleet } : {}),
    ...(accessible.success ? { accessible: accessible.data } : {}),
    ...(assistance.success ? { assistance: assistance.data } : {}),
  };
}

/** Accessible mode and a call for assistance, one line each (docs/accessibility.md). */
function kioskLines(s: StatusSnapshot): string[] {
  const out: string[] = [];
  const a = s.accessible;
  if (a) out.push(`ACCESSIBLE MODE: ${a.on ? `on (${a.source}, since ${a.since}, timeouts x${a.timeoutScale})` : 'off'}${a.headset === null ? '' : `, headset ${a.headset ? 'plugged in' : 'out'}`}`);
  const h = s.assistance;
  if (h?.requested) out.push(`ASSISTANCE REQUESTED via ${h.via ?? '?'} since ${h.since ?? '?'} (${h.presses}x): go to the kiosk, then send technician/bridge/request/assistance-ack {"technician": "..."}`);
  else if (h) out.push(`ASSISTANCE: none waiting${h.lastAck ? ` (last acknowledged by ${h.lastAck.technician} at ${h.lastAck.at} after ${h.lastAck.waitedSec} s)` : ''}`);
  return out;
}

function brief(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .slice(0, 5)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** What a device says about itself (`detail.identity`: the card terminal's model, serial, software, id). */
function identityRows(devices: StatusSnapshot['devices']): string[][] {
  return Object.entries(devices).flatMap(([name, d]) => {
    const i = rec(d.detail.identity);
    return Object.keys(i).length === 0 ? [] : [[name, str(i.model), str(i.serialNumber), str(i.softwareVersion), str(i.terminalId)]];
  });
}

/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENT: Readonly<Record<string, number>> = { KWD: 3, BHD: 3, OMR: 3, JOD: 3 };
const money = (m: Record<string, unknown>): string => {
  if (typeof m.amount !== 'number') return '?';
  const e = EXPONENT[str(m.currency)] ?? 2;
  return `${str(m.currency)} ${(m.amount / 10 ** e).toFixed(e)}`.trim();
};

/** Transactions a technician must settle (`detail.attention`: the card terminal's figures differ from the kiosk's). */
function attentionRows(devices: StatusSnapshot['devices']): string[][] {
  return Object.entries(devices).flatMap(([name, d]) =>
    (Array.isArray(d.detail.attention) ? d.detail.attention : []).map((x) => {
      const a = rec(x);
      return [name, str(a.idempotencyKey), `${str(a.operation)} ${str(a.reason)}`, money(rec(a.requested)), money(rec(a.terminal)), str(a.charged), str(a.at)];
    }),
  );
}

export function renderStatus(s: StatusSnapshot): string {
  const out: string[] = [];
  const b = s.bridge;
  out.push(`kiosk ${s.kioskId}: daemon ${b.state}${b.reason ? ` (${b.reason})` : ''}${b.version ? `, kioskd ${b.version}` : ''}${b.since ? `, since ${b.since}` : ''}`);
  if (s.health) {
    const sys = s.health.system;
    out.push(`uptime ${Math.round(s.health.uptimeSec / 60)} min, CPU ${sys.cpuTempC ?? 'n/a'} °C, disk free ${sys.diskFreeBytes === null ? 'n/a' : `${Math.round(sys.diskFreeBytes / 1048576)} MB`}, load ${sys.loadavg[0].toFixed(2)}`);
  }
  out.push('');
  const rows = Object.entries(s.devices).map(([name, d]) => {
    const h = s.health?.devices[name];
    return [name, d.status, d.since, d.error ?? '', h ? String(h.restarts) : '', brief(d.detail)];
  });
  out.push(table(['DEVICE', 'STATUS', 'SINCE', 'ERROR', 'RESTARTS', 'DETAIL'], rows));
  out.push('');
  const identities = identityRows(s.devices);
  if (identities.length > 0) out.push(table(['DEVICE', 'MODEL', 'SERIAL', 'SOFTWARE', 'TERMINAL ID'], identities), '');
  const attention = attentionRows(s.devices);
  if (attention.length > 0) out.push('FOR A TECHNICIAN:', table(['DEVICE', 'TRANSACTION', 'WHAT', 'ASKED', 'TERMINAL', 'CHARGED', 'AT'], attention), '');
  out.push(s.alerts.length === 0 ? 'ALERTS: none' : table(['SEVERITY', 'ALERT', 'SINCE', 'WHAT TO DO'], s.alerts.map((a) => [a.severity, a.id, a.since, a.message])));
  out.push(...kioskLines(s));
  out.push('');
  const links = [['local broker', s.broker.url, s.broker.reachable ? 'reachable' : `unreachable${s.broker.error ? `: ${s.broker.error}` : ''}`, s.health ? `${s.health.mqtt.reconnects} reconnects` : '']];
  if (s.fleet) links.push(['fleet', s.fleet.url, s.fleet.connected ? 'connected' : 'down', `${s.fleet.queued} queued, since ${s.fleet.since}`]);
  out.push(table(['LINK', 'URL', 'STATE', ''], links));
  return `${out.join('\n')}\n`;
}

export async function statusCommand(args: string[], config: KioskConfig): Promise<number> {
  const json = takeFlag(args, '--json');
  const url = localUrl(config);
  const kioskId = kioskIdOf(config);
  let snapshot: StatusSnapshot;
  try {
    const client = await connectLocal(config);
    try {
      snapshot = snapshotFrom(kioskId, url, await readRetained(client, localTopics(config)));
    } finally {
      await client.endAsync(true);
    }
  } catch (err) {
    snapshot = { kioskId, broker: { url, reachable: false, error: (err as Error).message }, bridge: { state: 'unknown' }, devices: {}, alerts: [] };
  }
  process.stdout.write(json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderStatus(snapshot));
  if (!snapshot.broker.reachable) return 2;
  return snapshot.bridge.state === 'online' ? 0 : 1;
}
