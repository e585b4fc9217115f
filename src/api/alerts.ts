/**
 * Alerts: conditions a person must act on (paper, cashbox, a dead device, an opened door...). Each is
 * raised and cleared as an event at `{base}/bridge/event/alert`; the set of active alerts is retained at
 * `{base}/bridge/alerts`. The fleet link forwards both. Codes are never renamed.
 */
import { z } from 'zod';

export const ALERT_CODES = [
  'PAPER_NEAR_END',
  'PAPER_OUT',
  'COVER_OPEN',
  'CASHBOX_NEAR_FULL',
  'CASHBOX_FULL',
  'CASHBOX_REMOVED',
  'DEVICE_OFFLINE',
  'DEVICE_FAULT',
  'DOOR_OPEN',
  'TAMPER',
  'CPU_HOT',
  'CPU_THROTTLED',
  'DISK_LOW',
  'CLOCK_UNSYNCED',
  'FLEET_BACKLOG',
  'CARD_MISMATCH',
  /** A person at the kiosk pressed the assistance button (or asked on screen); cleared by a technician's acknowledgement. */
  'ASSISTANCE_REQUESTED',
  'PAYOUT_NEAR_EMPTY',
  'PAYOUT_EMPTY',
  'PAYOUT_JAMMED',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

export const alertSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

export const alertSchema = z.object({
  /** Stable per condition and subject, e.g. `PAPER_OUT:printer` or `DOOR_OPEN:door`. */
  id: z.string(),
  code: z.enum(ALERT_CODES),
  severity: alertSeveritySchema,
  /** The device or input concerned, when there is one. */
  subject: z.string().optional(),
  message: z.string().describe('What to do, for a person (English)'),
  since: z.string().describe('ISO time the alert was raised'),
  /** A measured figure where one applies (°C, free bytes, queued records, seconds down). */
  value: z.number().optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** `{base}/bridge/alerts`, retained: every active alert. */
export const activeAlertsSchema = z.object({
  kioskId: z.string(),
  at: z.string(),
  alerts: z.array(alertSchema),
});
export type ActiveAlerts = z.infer<typeof activeAlertsSchema>;

/** `{base}/bridge/event/alert`, QoS 1, not retained. */
export const alertEventSchema = z.object({
  action: z.enum(['raised', 'cleared']),
  alert: alertSchema,
  at: z.string(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

/**
 * A record the fleet link stores and forwards (alert events, health snapshots, and the KPI summaries,
 * settlements and audit heads of src/api/fleet-records.ts). `seq` rises by one per record per kiosk
 * across restarts; `bootId` changes at each daemon start; `dropped` counts health records discarded
 * under queue pressure just before this one (so a gap in seq is explained).
 */
export const FLEET_RECORD_KINDS = ['alert', 'health', 'kpi', 'settlement', 'audit'] as const;
export const fleetRecordSchema = z.object({
  seq: z.number().int().nonnegative(),
  bootId: z.string(),
  at: z.string(),
  kind: z.enum(FLEET_RECORD_KINDS),
  dropped: z.number().int().nonnegative().optional(),
  body: z.unknown(),
});
export type FleetRecord = z.infer<typeof fleetRecordSchema>;

/** `{root}/{kioskId}/bridge/fleet`, retained: the fleet link as a technician sees it (`kioskd status`). */
export const fleetLinkStatusSchema = z.object({
  connected: z.boolean(),
  url: z.string(),
  base: z.string().describe('Topic prefix on the remote broker'),
  queued: z.number().int().nonnegative().describe('Records waiting on disk for the remote broker'),
  since: z.string(),
});
