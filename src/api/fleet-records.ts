/**
 * The fleet link's record bodies, as the fleet store (`kioskd fleet ingest`) reads them. Alert events and
 * health snapshots are published today; KPI daily summaries, settlements and audit chain heads are the
 * shapes the kiosk side publishes (issue 17 items 1-3) through `FleetLink.record(kind, body)`: the store
 * already has their tables and views. Amounts are integers in minor units; days are the kiosk's local
 * calendar day (YYYY-MM-DD). No field carries personal data.
 */
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const count = z.number().int().nonnegative();
const minor = z.number().int().describe('Amount in minor units (fils, cents)');
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code');

/** Notes and coins by value in minor units (the key), as counts. */
const denominations = z.record(z.string().regex(/^\d+$/), count);

/** `{base}/kpi` (retained latest, QoS 1): one kiosk's running totals for one day; the last record of a day wins. */
export const kpiDailySchema = z.object({
  day,
  tz: z.string().describe('IANA time zone the day is counted in, e.g. Asia/Dubai'),
  final: z.boolean().describe('true once end of day has closed the day; later records of that day are corrections'),
  devices: z.record(
    z.string(),
    z.object({
      kind: z.string(),
      fittedSec: count.describe('Seconds the device was configured and the daemon running'),
      readySec: count.describe('Seconds of those it was ready or busy'),
      faults: z.record(z.string(), count).describe('Faults by error code'),
      /** Mean time between faults over the day (readySec / faults), null without a fault. */
      mtbfSec: z.number().nonnegative().nullable(),
    }),
  ),
  consumables: z
    .object({
      paperUsedMm: count.optional(),
      cashboxNotes: count.optional(),
      cashboxCapacity: count.optional(),
    })
    .optional(),
  services: z.array(
    z.object({
      service: z.string().describe('The kiosk UI\'s service name, e.g. fine-payment'),
      method: z.enum(['card', 'cash', 'none']),
      currency: currency.optional(),
      started: count,
      completed: count,
      failed: count,
      amount: minor.describe('Sum of completed transactions'),
    }),
  ),
  cash: z.object({ currency, denominations }).optional().describe('Cash taken, by denomination'),
  visitors: count.optional().describe('Presence sessions (someone stepped up to the kiosk)'),
});
export type KpiDaily = z.infer<typeof kpiDailySchema>;

/** `{base}/settlement` (QoS 1, not retained): one end of day. `settlementId` is unique per kiosk. */
export const settlementSchema = z.object({
  settlementId: z.string().min(1).max(128),
  day,
  closedAt: z.string(),
  currency,
  card: z.object({
    count,
    amount: minor,
    /**
     * The terminal's own end-of-day totals (ZVT end-of-day), null when it could not be run. `count` only
     * where the terminal reports one (the ZVT end-of-day completion carries the total amount).
     */
    terminal: z.object({ count: count.optional(), amount: minor, batch: z.string().optional() }).nullable(),
  }),
  cash: z.object({ count, amount: minor, denominations }),
  /** What the money journal says for the same period. */
  journal: z.object({ count, amount: minor, lastSeq: count }),
  matches: z.boolean().describe('card + cash totals equal the journal (and the terminal where it answered)'),
});
export type Settlement = z.infer<typeof settlementSchema>;

/** `{base}/audit` (retained latest, QoS 1): the head of a hash chain, so a rewritten local log is detectable remotely. */
export const auditHeadSchema = z.object({
  chain: z.enum(['audit', 'money']),
  length: count.describe('Records in the chain up to and including the head'),
  head: z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256, lower-case hex'),
  at: z.string(),
});
export type AuditHead = z.infer<typeof auditHeadSchema>;
