/**
 * Prometheus text exposition (format 0.0.4) of the kiosk: device status and restarts, driver counters,
 * today's KPIs (availability, faults by code, transactions and amounts by method), health (disk,
 * temperature, memory, event loop) and the audit trail's length. Conventions: base units in names
 * (`_seconds`, `_bytes`, `_celsius`, `_ratio`), `_total` for counters, labels `device`, `kind`, `code`,
 * `method`, `currency` — nothing personal (no reference, card, document or service payload).
 *
 * Why an HTTP endpoint on loopback rather than node_exporter's textfile collector: the values are
 * fresh at scrape time, nothing is written to the SD card every interval (wear), and it needs no
 * node_exporter on the kiosk; a fleet Prometheus reaches it through a local exporter or an SSH/VPN tunnel
 * the operator controls, and it never listens beyond loopback unless configured.
 */
import type { KpiDaily } from '../api/fleet-records.js';
import type { Health } from '../api/envelope.js';

export interface MetricsFacts {
  kioskId: string;
  health: Health | undefined;
  kpi: KpiDaily | undefined;
  auditLength: number | undefined;
  journalLength: number | undefined;
  fleetQueued: number | undefined;
}

type Labels = Record<string, string>;

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (l: Labels): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
};
const STATUSES = ['starting', 'ready', 'busy', 'offline', 'fault', 'disabled'] as const;

class Out {
  private readonly lines: string[] = [];
  family(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number]>): void {
    if (samples.length === 0) return;
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) if (Number.isFinite(value)) this.lines.push(`${name}${labelText(labels)} ${value}`);
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export function renderMetrics(f: MetricsFacts): string {
  const out = new Out();
  const devices = Object.entries(f.health?.devices ?? {});
  out.family('kioskd_device_status', 'gauge', 'Device status (1 for the current status).', devices.flatMap(([device, d]) => STATUSES.map((s): [Labels, number] => [{ device, status: s }, d.status === s ? 1 : 0])));
  out.family('kioskd_device_restarts_total', 'counter', 'Driver restarts since the daemon started.', devices.map(([device, d]) => [{ device }, d.restarts]));
  out.family('kioskd_device_events_total', 'counter', 'Driver counters (jobs, scans, credits...) since the daemon started.', devices.flatMap(([device, d]) => Object.entries(d.counters).map(([event, n]): [Labels, number] => [{ device, event }, n])));
  const sys = f.health?.system;
  if (f.health) out.family('kioskd_uptime_seconds', 'gauge', 'Seconds since the daemon started.', [[{}, f.health.uptimeSec]]);
  if (sys) {
    out.family('kioskd_disk_free_bytes', 'gauge', 'Free bytes on the state directory\'s filesystem.', sys.diskFreeBytes === null ? [] : [[{}, sys.diskFreeBytes]]);
    out.family('kioskd_cpu_temperature_celsius', 'gauge', 'SoC temperature.', sys.cpuTempC === null ? [] : [[{}, sys.cpuTempC]]);
    out.family('kioskd_process_resident_memory_bytes', 'gauge', 'Resident set size of the daemon.', [[{}, sys.processRssBytes]]);
  }
  if (f.health?.eventLoop) out.family('kioskd_event_loop_delay_p99_seconds', 'gauge', 'Event-loop delay, 99th percentile over the last health window.', [[{}, f.health.eventLoop.delayP99Ms / 1000]]);
  if (f.health) out.family('kioskd_mqtt_connected', 'gauge', '1 while the local broker link is up.', [[{}, f.health.mqtt.connected ? 1 : 0]]);
  kpiFamilies(out, f.kpi);
  if (f.auditLength !== undefined) out.family('kioskd_audit_records', 'gauge', 'Records in the audit trail.', [[{}, f.auditLength]]);
  if (f.journalLength !== undefined) out.family('kioskd_money_journal_records', 'gauge', 'Records in the money journal.', [[{}, f.journalLength]]);
  if (f.fleetQueued !== undefined) out.family('kioskd_fleet_queued_records', 'gauge', 'Fleet records waiting for the fleet broker.', [[{}, f.fleetQueued]]);
  return out.text();
}

function kpiFamilies(out: Out, kpi: KpiDaily | undefined): void {
  if (!kpi) return;
  const devices = Object.entries(kpi.devices);
  out.family('kioskd_device_fitted_seconds_today', 'gauge', 'Seconds today the device was fitted and the daemon running (local day).', devices.map(([device, d]) => [{ device, kind: d.kind }, d.fittedSec]));
  out.family('kioskd_device_ready_seconds_today', 'gauge', 'Seconds today the device was ready or busy.', devices.map(([device, d]) => [{ device, kind: d.kind }, d.readySec]));
  out.family('kioskd_device_availability_ratio', 'gauge', 'Ready time over fitted time today (0-1).', devices.filter(([, d]) => d.fittedSec > 0).map(([device, d]) => [{ device, kind: d.kind }, Math.round((d.readySec / d.fittedSec) * 10000) / 10000]));
  out.family('kioskd_device_faults_today', 'gauge', 'Faults today by error code.', devices.flatMap(([device, d]) => Object.entries(d.faults).map(([code, n]): [Labels, number] => [{ device, code }, n])));
  const byMethod = new Map<string, { method: string; currency: string; started: number; completed: number; failed: number; amount: number }>();
  for (const s of kpi.services) {
    const key = `${s.method}\u0000${s.currency ?? ''}`;
    const m = byMethod.get(key) ?? { method: s.method, currency: s.currency ?? '', started: 0, completed: 0, failed: 0, amount: 0 };
    m.started += s.started;
    m.completed += s.completed;
    m.failed += s.failed;
    m.amount += s.amount;
    byMethod.set(key, m);
  }
  const rows = [...byMethod.values()];
  for (const phase of ['started', 'completed', 'failed'] as const) {
    out.family(`kioskd_transactions_${phase}_today`, 'gauge', `Transactions ${phase} today, by payment method.`, rows.map((m) => [{ method: m.method, currency: m.currency }, m[phase]]));
  }
  out.family('kioskd_amount_minor_units_today', 'gauge', 'Net amount taken today in minor units (fils, cents), by payment method.', rows.map((m) => [{ method: m.method, currency: m.currency }, m.amount]));
  if (kpi.cash) out.family('kioskd_cash_pieces_today', 'gauge', 'Notes and coins taken today, by value in minor units.', Object.entries(kpi.cash.denominations).map(([value, n]) => [{ currency: kpi.cash?.currency ?? '', value }, n]));
}
