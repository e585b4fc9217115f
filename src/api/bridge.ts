/** Bridge operations (`bridge/request/{op}`): the daemon itself, not a device. */
import { z } from 'zod';
import type { CommandSpec } from '../core/driver.js';
import { checkoutOps } from './checkout.js';
import { bridgeInfoSchema, healthSchema } from './envelope.js';
import { kpiDailySchema, settlementSchema } from './fleet-records.js';
import { sessionOps } from './session.js';
import { kioskOps } from './kiosk.js';

const copyReport = z.object({
  file: z.string(),
  exists: z.boolean(),
  records: z.number().int(),
  tornBytes: z.number().int(),
  damage: z.object({ line: z.number().int(), reason: z.string() }).optional(),
});

export const bridgeOps = {
  info: { summary: 'The bridge/info document, now.', input: z.strictObject({}), output: bridgeInfoSchema },
  health: { summary: 'A health snapshot, now (also published to bridge/health).', input: z.strictObject({}), output: healthSchema },
  rebirth: {
    summary: 'Republish bridge state, info, every device state and health (retained).',
    input: z.strictObject({}),
    output: z.object({ republished: z.number().int() }),
  },
  'restart-device': {
    summary: 'Stop and start one device driver (as after an unplug).',
    role: ['technician', 'fleet'],
    input: z.strictObject({ device: z.string().min(1).max(32) }),
    output: z.object({ device: z.string(), status: z.string() }),
    errors: ['UNKNOWN_DEVICE', 'DEVICE_DISABLED'],
  },
  'log-level': {
    summary: 'Change the log level until the next restart.',
    role: ['technician', 'fleet'],
    input: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']) }),
    output: z.object({ level: z.string() }),
  },
  'journal-verify': {
    summary: "Verify both copies of the money journal: records that verify in each, and why it would refuse to open (file and line).",
    role: 'technician',
    input: z.strictObject({}),
    output: z.object({ journal: copyReport, mirror: copyReport, refusal: z.object({ file: z.string(), line: z.number().int(), reason: z.string() }).optional() }),
  },
  'journal-recover': {
    summary:
      'Recover a money journal that refuses to open (JOURNAL_CORRUPT): keep the longest history that verifies in either copy, move the ' +
      'damaged files aside, quarantine the idempotency keys named in the cut lines, record who did it, and restart the money devices.',
    role: 'technician',
    input: z.strictObject({
      technician: z.string().min(1).max(64),
      reason: z.string().min(1).max(200),
      prefer: z.enum(['journal', 'mirror']).optional().describe('Which copy to keep when both verify but disagree'),
    }),
    output: z.object({
      from: z.enum(['journal', 'mirror']),
      kept: z.number().int(),
      journal: copyReport,
      mirror: copyReport,
      quarantined: z.array(z.object({ stream: z.string(), key: z.string() })),
      movedAside: z.array(z.string()),
      devices: z.record(z.string(), z.string()),
    }),
    errors: ['JOURNAL_NOT_DAMAGED', 'JOURNAL_CORRUPT'],
  },
  kpi: {
    summary: "One day's KPIs (today by default; the kiosk's local day) and the days the KPI book holds.",
    input: z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    output: z.object({ days: z.array(z.string()), kpi: kpiDailySchema.nullable(), availabilityByHour: z.record(z.string(), z.record(z.string(), z.number())) }),
  },
  'end-of-day': {
    summary:
      "Close the day now: the card terminal's end of day, the period's card and cash totals next to the money journal's, journaled and sent to the fleet as one settlement; prints the settlement ticket when asked or configured.",
    role: ['technician', 'fleet'],
    input: z.strictObject({ print: z.boolean().optional() }),
    output: z.object({ settlement: settlementSchema, printed: z.boolean(), terminal: z.object({ result: z.string(), reason: z.string().optional() }).nullable() }),
    errors: ['JOURNAL_UNAVAILABLE'],
  },
  'audit-verify': {
    summary: 'Verify the audit trail (and the money journal against it): every edited, deleted, reordered or cut record, named.',
    role: ['technician', 'fleet'],
    input: z.strictObject({}),
    output: z.object({
      records: z.number().int(),
      verified: z.number().int(),
      head: z.string().nullable(),
      findings: z.array(z.object({ kind: z.string(), line: z.number().int(), seq: z.array(z.number().int()), message: z.string() })),
    }),
  },
  // UI sessions, the catalogue and availability, checkout and the requires-attention list (src/services).
  ...sessionOps,
  ...checkoutOps,
  /** Accessible mode and the assistance path (src/api/kiosk.ts). */
  ...kioskOps,
} as const satisfies Record<string, CommandSpec>;

export type BridgeOps = typeof bridgeOps;
