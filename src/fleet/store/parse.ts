/**
 * From a fleet broker message to what the store writes: pure, no I/O. The topic names the kiosk
 * (`{prefix}/{region}/{kioskId}/...`, the layout of src/api/fleet-topics.ts; the broker's ACL ties it to the
 * kiosk's certificate) and the payload is checked against the same schemas the kiosk publishes with.
 * Anything that does not fit is a `rejected` item: the ingest records why and acknowledges it, so one
 * bad message never blocks a queue.
 */
import { z } from 'zod';
import { activeAlertsSchema, alertEventSchema, fleetRecordSchema, type ActiveAlerts, type AlertEvent } from '../../api/alerts.js';
import { deviceStateSchema, type DeviceStateMessage } from '../../api/envelope.js';
import { auditHeadSchema, kpiDailySchema, settlementSchema, type AuditHead, type KpiDaily, type Settlement } from '../../api/fleet-records.js';
import { RECORD_TOPICS } from '../../api/fleet-topics.js';

interface Meta {
  seq: number;
  bootId: string;
  at: string;
  dropped: number;
}

export type RecordItem =
  | (Meta & { kind: 'alert'; body: AlertEvent })
  | (Meta & { kind: 'health'; body: HealthBody })
  | (Meta & { kind: 'kpi'; body: KpiDaily })
  | (Meta & { kind: 'settlement'; body: Settlement })
  | (Meta & { kind: 'audit'; body: AuditHead });

export type Item = { kioskId: string; region: string } & (
  | { type: 'record'; record: RecordItem }
  | { type: 'state'; state: LinkState }
  | { type: 'info'; info: KioskInfo }
  | { type: 'device'; device: string; state: DeviceStateMessage }
  | { type: 'alerts'; alerts: ActiveAlerts }
);

export type Parsed = Item | { type: 'rejected'; topic: string; reason: string };

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO time');
const num = z.number().nullable().optional();

/** The health snapshot as the fleet link sends it (src/fleet/sanitize.ts fleetHealth); extra fields are kept in the body. */
export const healthBodySchema = z.looseObject({
  uptimeSec: num,
  system: z.looseObject({ cpuTempC: num, diskFreeBytes: num, memFreeBytes: num, loadavg: z.array(z.number()).optional() }).optional(),
  devices: z.record(z.string(), z.looseObject({ status: z.string() })).optional(),
  fleet: z.looseObject({ queued: z.number().optional() }).optional(),
});
export type HealthBody = z.infer<typeof healthBodySchema>;

export const linkStateSchema = z.object({
  state: z.enum(['online', 'offline']),
  bootId: z.string().optional(),
  version: z.string().optional(),
  since: iso.optional(),
  reason: z.string().optional(),
});
export type LinkState = z.infer<typeof linkStateSchema>;

export const kioskInfoSchema = z.looseObject({ version: z.string().optional(), bootId: z.string().optional(), simulation: z.boolean().optional() });
export type KioskInfo = z.infer<typeof kioskInfoSchema>;

const BODY = { alert: alertEventSchema, health: healthBodySchema, kpi: kpiDailySchema, settlement: settlementSchema, audit: auditHeadSchema } as const;
const BY_SUFFIX = new Map<string, keyof typeof BODY>(Object.entries(RECORD_TOPICS).map(([kind, t]) => [t.suffix, kind as keyof typeof BODY]));
const ID = /^[A-Za-z0-9._-]{1,128}$/;

function issue(err: z.ZodError): string {
  const first = err.issues[0];
  return first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
}

/** One message from the fleet broker. `prefix` is the part before `{region}/{kioskId}` (default `fleet`). */
export function parseFleetMessage(prefix: string, topic: string, payload: Buffer): Parsed {
  const reject = (reason: string): Parsed => ({ type: 'rejected', topic: topic.slice(0, 256), reason });
  if (!topic.startsWith(`${prefix}/`)) return reject('outside the fleet prefix');
  const [region, kioskId, ...rest] = topic.slice(prefix.length + 1).split('/');
  if (!region || !kioskId || !ID.test(region) || !ID.test(kioskId)) return reject('no region/kiosk in the topic');
  const suffix = rest.join('/');
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return reject('not JSON');
  }
  const at = { kioskId, region };
  const kind = BY_SUFFIX.get(suffix);
  if (kind) {
    const env = fleetRecordSchema.safeParse(json);
    if (!env.success) return reject(`record: ${issue(env.error)}`);
    if (env.data.kind !== kind) return reject(`a ${env.data.kind} record on the ${suffix} topic`);
    if (Number.isNaN(Date.parse(env.data.at))) return reject('record: at: an ISO time');
    const body = BODY[kind].safeParse(env.data.body);
    if (!body.success) return reject(`${kind}: ${issue(body.error)}`);
    const meta: Meta = { seq: env.data.seq, bootId: env.data.bootId, at: env.data.at, dropped: env.data.dropped ?? 0 };
    return { ...at, type: 'record', record: { ...meta, kind, body: body.data } as RecordItem };
  }
  const device = /^device\/([^/]+)\/state$/.exec(suffix)?.[1];
  const checked = <T>(schema: z.ZodType<T>, make: (v: T) => Item): Parsed => {
    const r = schema.safeParse(json);
    return r.success ? make(r.data) : reject(`${suffix}: ${issue(r.error)}`);
  };
  if (device !== undefined) return ID.test(device) ? checked(deviceStateSchema, (s) => ({ ...at, type: 'device', device, state: s })) : reject('bad device name');
  if (suffix === 'state') return checked(linkStateSchema, (s) => ({ ...at, type: 'state', state: s }));
  if (suffix === 'info') return checked(kioskInfoSchema, (i) => ({ ...at, type: 'info', info: i }));
  if (suffix === 'alerts') return checked(activeAlertsSchema, (a) => ({ ...at, type: 'alerts', alerts: a }));
  return reject(`not a stored topic: ${suffix}`);
}
