/**
 * The status ticket a technician (or the fleet) prints on the kiosk's own receipt printer: kiosk id,
 * addresses, versions, device states, counters, active alerts. Pure: data in, a printer document out
 * (the `document` of device/printer/request/print, src/drivers/printer/api.ts).
 */
import type { ActiveAlerts } from '../api/alerts.js';
import type { DeviceStateMessage, Health } from '../api/envelope.js';
import type { ReceiptDocumentInput } from '../drivers/printer/api.js';

export interface TicketFacts {
  kioskId: string;
  version: string;
  bootId: string;
  startedAt: string;
  at: string;
  addresses: string[];
  states: Record<string, DeviceStateMessage>;
  health?: Health;
  alerts?: ActiveAlerts;
}

type Blocks = ReceiptDocumentInput['blocks'];

/** Row values are limited to 200 characters by the printer schema. */
function clip(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function row(key: string, value: string | number): Blocks[number] {
  return { type: 'row', key: clip(key), value: clip(String(value) || '-') };
}

function deviceBlocks(f: TicketFacts): Blocks {
  const out: Blocks = [];
  for (const [name, s] of Object.entries(f.states)) {
    out.push(row(name, s.error ? `${s.status} (${s.error.code})` : s.status));
    const counters = f.health?.devices[name]?.counters ?? {};
    const restarts = f.health?.devices[name]?.restarts ?? 0;
    const figures = [`restarts ${restarts}`, ...Object.entries(counters).slice(0, 6).map(([k, v]) => `${k} ${v}`)];
    out.push({ type: 'text', text: clip(`  ${figures.join(', ')}`, 2000) });
  }
  return out;
}

export function buildTicketDocument(f: TicketFacts): ReceiptDocumentInput {
  const sys = f.health?.system;
  const blocks: Blocks = [
    { type: 'text', text: 'KIOSK STATUS', align: 'center', size: 2, bold: true },
    { type: 'text', text: f.at, align: 'center' },
    { type: 'separator', style: 'double' },
    row('Kiosk', f.kioskId),
    row('kioskd', f.version),
    row('Started', f.startedAt),
    row('Boot', f.bootId.slice(0, 8)),
    ...f.addresses.slice(0, 4).map((a, i) => row(i === 0 ? 'Address' : `Address ${i + 1}`, a)),
    ...(sys
      ? [
          row('CPU', sys.cpuTempC === null ? 'n/a' : `${sys.cpuTempC} C`),
          row('Disk free', sys.diskFreeBytes === null ? 'n/a' : `${Math.round(sys.diskFreeBytes / 1048576)} MB`),
          row('Uptime', `${Math.round((f.health?.uptimeSec ?? 0) / 60)} min`),
        ]
      : []),
    { type: 'separator', style: 'single' },
    { type: 'text', text: 'DEVICES', bold: true },
    ...deviceBlocks(f),
    { type: 'separator', style: 'single' },
    { type: 'text', text: `ALERTS (${f.alerts?.alerts.length ?? 0})`, bold: true },
    ...(f.alerts?.alerts ?? []).slice(0, 20).map((a) => ({ type: 'text' as const, text: clip(`${a.severity.toUpperCase()} ${a.code}${a.subject ? ` ${a.subject}` : ''}`, 2000) })),
    { type: 'feed', lines: 2 },
  ];
  return { blocks, cut: true };
}
