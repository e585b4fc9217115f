/** Bridge operations (`bridge/request/{op}`): the daemon itself, not a device. */
import { z } from 'zod';
import type { CommandSpec } from '../core/driver.js';
import { bridgeInfoSchema, healthSchema } from './envelope.js';

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
    input: z.strictObject({ device: z.string().min(1).max(32) }),
    output: z.object({ device: z.string(), status: z.string() }),
    errors: ['UNKNOWN_DEVICE', 'DEVICE_DISABLED'],
  },
  'log-level': {
    summary: 'Change the log level until the next restart.',
    input: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']) }),
    output: z.object({ level: z.string() }),
  },
} as const satisfies Record<string, CommandSpec>;

export type BridgeOps = typeof bridgeOps;
