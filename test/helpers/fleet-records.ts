/** Fleet link records for store tests, in the shapes of src/api/fleet-records.ts. */
import type { AuditHead, KpiDaily, Settlement } from '../../src/api/fleet-records.js';

export function kpi(day: string, final: boolean, scale = 1): KpiDaily {
  return {
    day,
    tz: 'Asia/Dubai',
    final,
    devices: {
      printer: { kind: 'printer', fittedSec: 86_400, readySec: 86_400 - 3600 * scale, faults: { PAPER_OUT: scale }, mtbfSec: (86_400 - 3600 * scale) / scale },
      card: { kind: 'card', fittedSec: 86_400, readySec: 86_400, faults: {}, mtbfSec: null },
    },
    consumables: { paperUsedMm: 1200 * scale, cashboxNotes: 10 * scale, cashboxCapacity: 600 },
    services: [
      { service: 'fine-payment', method: 'card', currency: 'AED', started: 10 * scale, completed: 8 * scale, failed: 2 * scale, amount: 120_000 * scale },
      { service: 'fine-payment', method: 'cash', currency: 'AED', started: 5 * scale, completed: 5 * scale, failed: 0, amount: 50_000 * scale },
      { service: 'report-incident', method: 'none', started: 3 * scale, completed: 3 * scale, failed: 0, amount: 0 },
    ],
    cash: { currency: 'AED', denominations: { '10000': 3 * scale, '5000': 4 * scale } },
    visitors: 30 * scale,
  };
}

export function settlement(day: string, id: string, scale = 1): Settlement {
  return {
    settlementId: id,
    day,
    closedAt: `${day}T20:00:00.000Z`,
    currency: 'AED',
    card: { count: 8 * scale, amount: 120_000 * scale, terminal: { count: 8 * scale, amount: 120_000 * scale, batch: '0042' } },
    cash: { count: 5 * scale, amount: 50_000 * scale, denominations: { '10000': 3 * scale, '5000': 4 * scale } },
    journal: { count: 13 * scale, amount: 170_000 * scale, lastSeq: 99 },
    matches: true,
  };
}

export function auditHead(length: number, fill: string, at = '2026-03-01T12:00:00.000Z'): AuditHead {
  return { chain: 'audit', length, head: fill.repeat(64).slice(0, 64), at };
}
