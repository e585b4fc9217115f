/** The `fleet:` section of the config file: the remote fleet link. Off by default. */
import { z } from 'zod';

export const REMOTE_OPS = ['rebirth', 'self-test', 'restart-device', 'log-level', 'ticket', 'assistance-ack'] as const;
export type RemoteOp = (typeof REMOTE_OPS)[number];

export const fleetConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The fleet broker, e.g. mqtts://fleet.example.org:8883 (MQTT 5 is always used). */
  url: z.string().regex(/^(mqtts?|wss?|tcp|ssl|tls):\/\//, 'an mqtts://, mqtt://, wss:// or ws:// URL').default('mqtts://localhost:8883'),
  /** Substituted for {region} in topicPrefix. */
  region: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore').default('default'),
  /** Every fleet topic starts with this; {region} and {kioskId} are substituted. */
  topicPrefix: z
    .string()
    .regex(/^[^#+\s]+$/, 'no + # or spaces')
    .refine((s) => s.includes('{kioskId}'), 'must contain {kioskId}')
    .default('fleet/{region}/{kioskId}'),
  clientId: z.string().optional(),
  username: z.string().optional(),
  passwordFile: z.string().optional(),
  tls: z
    .strictObject({
      /** PEM files: the fleet CA, this kiosk's client certificate and its key. */
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      /** Only for a lab broker with a self-made certificate whose name does not match. */
      rejectUnauthorized: z.boolean().default(true),
      servername: z.string().optional(),
    })
    .prefault({}),
  keepaliveSec: z.number().int().min(5).max(1200).default(60),
  /** At most one device state per device per this many seconds (the latest one; 0 forwards every change). */
  stateMinIntervalSec: z.number().min(0).max(3600).default(10),
  /** At most one health snapshot is forwarded per this many seconds (alerts are forwarded at once). */
  healthIntervalSec: z.number().int().min(1).max(86_400).default(300),
  queue: z
    .strictObject({
      /** Records kept on disk while the link is down; beyond it the oldest health goes first, never an alert. */
      maxRecords: z.number().int().min(10).max(1_000_000).default(5000),
      maxBytes: z.number().int().min(10_000).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
    })
    .prefault({}),
  /**
   * Keep a record queued when the broker answers "no matching subscribers" (MQTT 5 PUBACK reason 0x10)
   * and try again later. Set it when a fleet store ingests the records (docs/fleet.md): a broker restart
   * that loses the store's shared subscriptions (Mosquitto 2.0.11 does) then costs no record.
   */
  requireSubscriber: z.boolean().default(false),
  /** Remote operations the fleet may ask for; none unless listed. */
  remoteOps: z.array(z.enum(REMOTE_OPS)).default([]),
});
export type FleetConfig = z.output<typeof fleetConfigSchema>;
