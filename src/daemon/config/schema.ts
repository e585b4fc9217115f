/**
 * The configuration file's schema. Strict everywhere: an unknown key is an error, so a typo never
 * silently falls back to a default. Device sections come from the device kinds in the registry.
 */
import { operationsConfigSchema } from './operations.js';
import { z } from 'zod';
import { DEVICE_KINDS } from '../registry.js';
import { alertsConfigSchema } from '../../health/alerts/config.js';
import { fleetConfigSchema } from '../../fleet/config.js';
import { ROLES } from '../../core/roles.js';
import { catalogueSchema } from '../../api/catalogue.js';
import { accessibilityConfigSchema, assistanceConfigSchema, lineProblems } from './accessibility.js';

const levelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

export const mqttSchema = z.strictObject({
  /** `embedded` runs an in-process MQTT 3.1.1 broker; otherwise a URL such as mqtt://127.0.0.1:1883. */
  url: z.union([z.literal('embedded'), z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must be embedded or an mqtt://, mqtts://, ws:// or wss:// URL')]).default('embedded'),
  /** Topic root: topics are {root}/{kioskId}/... */
  root: z.string().regex(/^[^#+/\s]+$/, 'one topic level, without + # / or spaces').default('kiosk'),
  username: z.string().optional(),
  /** File holding the password (kept out of the config, e.g. /etc/kioskd/mqtt.secret). */
  passwordFile: z.string().optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  clientId: z.string().optional(),
  keepaliveSec: z.number().int().min(5).max(600).default(30),
  /** Requests larger than this get PAYLOAD_TOO_LARGE. */
  maxPayloadBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  /**
   * Per-client limits on requests from the local broker (src/bus/limits.ts): over them a request is
   * answered RATE_LIMITED at once. A client is its MQTT 5 response topic's client id, else its
   * `requester` user property, else the part of its `transaction` before a `:` (the client library
   * sends `{clientId}:{n}`).
   */
  limits: z
    .strictObject({
      ratePerSec: z.number().min(1).max(100_000).default(50),
      burst: z.number().int().min(1).max(100_000).default(100),
      inFlight: z.number().int().min(1).max(10_000).default(16),
    })
    .prefault({}),
  embedded: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(1883),
      /** WebSocket listener for browser UIs; 0 turns it off. */
      wsPort: z.number().int().min(0).max(65535).default(9001),
    })
    .prefault({}),
});

export const healthSchema = z.strictObject({
  intervalSec: z.number().int().min(5).max(3600).default(60),
  /** Path whose filesystem's free space is reported (the state directory's, usually). */
  diskPath: z.string().optional(),
  /** Where the board reports CPU temperature and throttling. */
  thermalZone: z.string().default('/sys/class/thermal/thermal_zone0/temp'),
});

export const systemdSchema = z.strictObject({
  /** Seconds between watchdog pings when WATCHDOG_USEC is not set by systemd. */
  watchdog: z.boolean().default(true),
});

type DevicesShape = { [K in keyof typeof DEVICE_KINDS]: z.ZodOptional<(typeof DEVICE_KINDS)[K]['configSchema']> };

function devicesSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, kind] of Object.entries(DEVICE_KINDS)) shape[name] = kind.configSchema.optional();
  return z.strictObject(shape as DevicesShape).prefault({});
}

const roleSchema = z.enum(ROLES);

/** Who may run what, beyond each command's declared role (src/core/roles.ts). */
export const policySchema = z.strictObject({
  /** `{device}.{command}` or `bridge.{op}` -> the role(s) it needs instead of its declared one, e.g. `card.refund: technician`. */
  roles: z
    .record(z.string().regex(/^[a-z0-9_-]+\.[a-z0-9_-]+$/, '{device}.{command} or bridge.{op}'), z.union([roleSchema, z.array(roleSchema).min(1)]))
    .default({}),
});

export const journalConfigSchema = z.strictObject({
  /**
   * The journal's second copy. Default {stateDir}/journal-mirror/money.jsonl; better on another
   * filesystem (a second partition, a USB stick) so that one failing medium keeps the history.
   */
  mirrorPath: z.string().optional(),
});

/** The kiosk page (src/playground's page server, `kioskd --playground`). */
export const uiConfigSchema = z.strictObject({
  /**
   * The per-boot UI broker credential written by `kioskd ui-credential` (e.g. /run/kioskd-ui/credential.json):
   * the page server hands it to the page at /config.json, so it is never in the page's files.
   */
  credentialFile: z.string().optional(),
});

/** UI sessions (src/services/sessions.ts): how long they live without a request, and how liveness is kept. */
export const sessionConfigSchema = z.strictObject({
  timeoutMs: z.number().int().min(10_000).max(3_600_000).default(180_000),
  /** The `warning` event comes this long before the timeout. */
  warningMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** How often the client sends session-keepalive (told to it at session-open). */
  keepaliveMs: z.number().int().min(1000).max(600_000).default(5_000),
  /** Without a keepalive for this long the session's client is taken as vanished. */
  livenessMs: z.number().int().min(2000).max(1_800_000).default(15_000),
  /** Accessible mode multiplies the session timeout and the money flow's timeouts. */
  accessibleFactor: z.number().min(1).max(10).default(2),
});

/** Checkout (src/services/checkout.ts). */
export const checkoutConfigSchema = z.strictObject({
  /** How long cash intake waits (the cash accept's timeout), before the accessible factor. */
  cashTimeoutMs: z.number().int().min(5_000).max(3_600_000).default(120_000),
});

export const configSchema = z.strictObject({
  /** Defaults to the host name. */
  kioskId: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore').optional(),
  /** Run every device against its simulator (and allow sim/ topics). */
  simulation: z.boolean().default(false),
  /**
   * Where simulators run: `in-daemon` (tests, one process) or `own-process` (`kioskd simulate`, which
   * `kioskd` starts beside itself; the daemon's drivers open the simulators' PTYs and sockets exactly
   * as a kiosk's hardware; docs/simulators.md).
   */
  simulators: z.enum(['in-daemon', 'own-process']).default('in-daemon'),
  /** Where kioskd keeps its journal and device state (systemd StateDirectory). */
  stateDir: z.string().default('/var/lib/kioskd'),
  mqtt: mqttSchema.prefault({}),
  logging: z.strictObject({ level: levelSchema.default('info') }).prefault({}),
  health: healthSchema.prefault({}),
  systemd: systemdSchema.prefault({}),
  devices: devicesSchema(),
  alerts: alertsConfigSchema.prefault({}),
  fleet: fleetConfigSchema.prefault({}),
  policy: policySchema.prefault({}),
  journal: journalConfigSchema.prefault({}),
  ui: uiConfigSchema.prefault({}),
  operations: operationsConfigSchema.prefault({}),
  /** The service catalogue: what this kiosk sells (see docs/checkout.md). */
  services: catalogueSchema,
  session: sessionConfigSchema.prefault({}),
  checkout: checkoutConfigSchema.prefault({}),
  accessibility: accessibilityConfigSchema.prefault({}),
  assistance: assistanceConfigSchema.prefault({}),
}).superRefine((cfg, ctx) => {
  for (const p of lineProblems(cfg.accessibility, cfg.assistance, cfg.devices.gpio)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
});

export type KioskConfig = z.output<typeof configSchema>;
export type KioskConfigInput = z.input<typeof configSchema>;
