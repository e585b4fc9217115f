/**
 * The envelope schemas of the MQTT contract: what every response, state and bridge message looks like.
 * These are the public API; a field is never renamed.
 */
import { z } from 'zod';
import { DEVICE_STATUSES } from '../core/driver.js';

/** A request's optional correlation string, echoed in its response and carried by progress events. */
export const transactionSchema = z.string().min(1).max(128);
/** A response echoes the request's transaction as it came, even one the request was refused for (up to 1024 characters). */
export const echoedTransactionSchema = z.string().max(1024);

export const errorBodySchema = z.object({
  code: z.string().describe('Stable machine code, e.g. PAPER_OUT; never renamed'),
  message: z.string().describe('Human-readable explanation (English)'),
  retryable: z.boolean().describe('Whether the same request may succeed later'),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const okResponseSchema = z.object({
  status: z.literal('ok'),
  data: z.unknown(),
  transaction: echoedTransactionSchema.optional(),
});

export const errorResponseSchema = z.object({
  status: z.literal('error'),
  error: errorBodySchema,
  transaction: echoedTransactionSchema.optional(),
});

export const responseSchema = z.discriminatedUnion('status', [okResponseSchema, errorResponseSchema]);
export type ResponseEnvelope = z.infer<typeof responseSchema>;

export const deviceStateSchema = z.object({
  status: z.enum(DEVICE_STATUSES),
  detail: z.record(z.string(), z.unknown()),
  since: z.string().describe('ISO time the status last changed'),
  error: z
    .object({ code: z.string(), at: z.string(), message: z.string().optional().describe('What happened and what to fix: the journal file and line that failed, what to install (never personal data)') })
    .optional()
    .describe('The error that caused offline/fault'),
});
export type DeviceStateMessage = z.infer<typeof deviceStateSchema>;

export const bridgeStateSchema = z.object({
  state: z.enum(['online', 'offline']),
  bootId: z.string().optional(),
  version: z.string().optional(),
  since: z.string().optional(),
  reason: z.enum(['shutdown', 'connection-lost']).optional(),
});

const commandInfo = z.object({ summary: z.string() });
export const bridgeInfoSchema = z.object({
  kioskId: z.string(),
  version: z.string(),
  bootId: z.string(),
  startedAt: z.string(),
  simulation: z.boolean(),
  mqtt: z.object({ root: z.string(), protocolVersion: z.union([z.literal(4), z.literal(5)]) }),
  devices: z.record(
    z.string(),
    z.object({
      kind: z.string(),
      enabled: z.boolean(),
      simulated: z.boolean(),
      commands: z.record(z.string(), commandInfo),
      events: z.array(z.string()),
    }),
  ),
  bridgeOps: z.array(z.string()),
});
export type BridgeInfo = z.infer<typeof bridgeInfoSchema>;

export const deviceHealthSchema = z.object({
  status: z.enum(DEVICE_STATUSES),
  since: z.string(),
  lastError: z.object({ code: z.string(), at: z.string() }).nullable(),
  restarts: z.number().int(),
  counters: z.record(z.string(), z.number()),
});

export const healthSchema = z.object({
  at: z.string(),
  uptimeSec: z.number(),
  bootId: z.string(),
  version: z.string(),
  system: z.object({
    loadavg: z.tuple([z.number(), z.number(), z.number()]),
    memTotalBytes: z.number(),
    memFreeBytes: z.number(),
    processRssBytes: z.number(),
    diskFreeBytes: z.number().nullable(),
    cpuTempC: z.number().nullable(),
    throttled: z.string().nullable().describe('Raspberry Pi get_throttled bits (hex) where the board reports them'),
  }),
  mqtt: z.object({ connected: z.boolean(), reconnects: z.number().int() }),
  devices: z.record(z.string(), deviceHealthSchema),
  eventLoop: z
    .object({
      windowSec: z.number(),
      delayP50Ms: z.number(),
      delayP99Ms: z.number(),
      delayMaxMs: z.number(),
    })
    .optional()
    .describe('Event-loop delay (how late a timer could run) since the previous health snapshot'),
});
export type Health = z.infer<typeof healthSchema>;
