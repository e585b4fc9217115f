/** `operations:` — KPIs, end of day, the audit trail and the Prometheus endpoint (issue 17). */
import { z } from 'zod';
import { isTimeZone } from '../../health/kpi/calendar.js';

function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export const operationsConfigSchema = z.strictObject({
  /** IANA zone the kiosk's day is counted in (KPIs, end of day). Default: the system's. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Dubai').default(systemZone),
  kpi: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How often today's summary is republished (bridge/kpi, retained) and sent to the fleet. */
      publishSec: z.number().int().min(10).max(86_400).default(300),
    })
    .prefault({}),
  endOfDay: z
    .strictObject({
      /** Local time (HH:MM) at which the day is closed automatically; without it only on request. */
      at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').optional(),
      /** Print the settlement ticket on this printer (a device name) at each end of day. */
      printer: z.string().optional(),
      /** The settlement's currency. Default: the card terminal's, else the cash device's, else AED. */
      currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    })
    .prefault({}),
  audit: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How often the audit trail's and the money journal's heads go to the fleet. */
      headSec: z.number().int().min(10).max(86_400).default(900),
    })
    .prefault({}),
  /** Prometheus text exposition on loopback: GET http://host:port/metrics. Off by default. */
  metrics: z
    .strictObject({
      enabled: z.boolean().default(false),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9464),
    })
    .prefault({}),
});
export type OperationsConfig = z.output<typeof operationsConfigSchema>;
