/** Config of `devices.card`. */
import { z } from 'zod';
import { deviceCommon, serialTransportSchema, tcpTransportSchema } from '../../core/device-config.js';
import { currencySchema } from './api.js';

export const cardConfigSchema = z.strictObject({
  ...deviceCommon,
  /** The ECR protocol the terminal speaks (plugins in src/drivers/card/<protocol>/). */
  protocol: z.literal('zvt').default('zvt'),
  /** ZVT: TCP (usually port 20007, bare APDUs) or serial (DLE STX framing). Filled in by the simulator. */
  transport: z.discriminatedUnion('type', [serialTransportSchema, tcpTransportSchema]).optional(),
  /** The terminal's ECR password (6 digits), sent with administrative commands. */
  password: z.string().regex(/^\d{6}$/, 'six digits').default('000000'),
  /** The only currency card payments are taken in; a sale or refund in another is refused before the terminal. */
  currency: currencySchema.default('AED'),
  /** Refunds (each tied to an approved sale, at most what is left of it): the most one refund from the UI role may be, in minor units. 0: the UI may not refund. */
  refunds: z.strictObject({ uiLimit: z.number().int().min(0).max(999_999_999_999).default(0) }).prefault({}),
  /** Character set of the terminal's texts. */
  charset: z.enum(['cp437', 'latin1']).default('cp437'),
  /** How long to wait for the terminal's acknowledgement of a command or frame. */
  ackTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** Longest silence from the terminal during an operation (card, PIN, host) before the link is deemed lost. */
  idleTimeoutMs: z.number().int().min(500).max(600_000).default(180_000),
  /** Simulator only: which wire it speaks over. */
  sim: z.strictObject({ link: z.enum(['tcp', 'serial']).default('tcp') }).prefault({}),
});

export type CardConfig = z.output<typeof cardConfigSchema>;
