/** A day of the KPI book as the `kpi` record (src/api/fleet-records.ts) that the bridge and the fleet carry. */
import type { KpiDaily } from '../../api/fleet-records.js';
import type { DayTotals } from './book.js';

export function daySummary(d: DayTotals, tz: string): KpiDaily {
  const devices: KpiDaily['devices'] = {};
  for (const [name, dev] of Object.entries(d.devices)) {
    const readySec = Math.floor(dev.readyMs / 1000);
    const faults = Object.values(dev.faults).reduce((a, b) => a + b, 0);
    devices[name] = { kind: dev.kind, fittedSec: Math.floor(dev.fittedMs / 1000), readySec, faults: { ...dev.faults }, mtbfSec: faults > 0 ? Math.round(readySec / faults) : null };
  }
  const cash = Object.entries(d.cash).sort((a, b) => total(b[1]) - total(a[1]))[0];
  return {
    day: d.day,
    tz,
    final: d.final,
    devices,
    ...(Object.keys(d.consumables).length > 0 ? { consumables: { ...d.consumables, ...(d.consumables.paperUsedMm !== undefined ? { paperUsedMm: Math.round(d.consumables.paperUsedMm) } : {}) } } : {}),
    services: Object.values(d.services).map((s) => ({ ...s })),
    ...(cash ? { cash: { currency: cash[0], denominations: { ...cash[1] } } } : {}),
  };
}

/** Availability of one device by local hour ("00".."23"), in percent of the time it was fitted. */
export function hourlyAvailability(d: DayTotals, device: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [h, s] of Object.entries(d.devices[device]?.hours ?? {})) if (s.fittedMs > 0) out[h] = Math.round((1000 * s.readyMs) / s.fittedMs) / 10;
  return out;
}

function total(denominations: Record<string, number>): number {
  return Object.entries(denominations).reduce((a, [v, n]) => a + Number(v) * n, 0);
}
