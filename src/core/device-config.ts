/** Schema pieces shared by device configs. */
import { z } from 'zod';

/** Keys every device entry has, whatever its kind. */
export const deviceCommon = {
  /** false: the device is not started and its state says `disabled`. */
  enabled: z.boolean().default(true),
  /** true: run this device against its simulator (also set for all by top-level `simulation: true`). */
  simulate: z.boolean().default(false),
};

export const serialTransportSchema = z.strictObject({
  type: z.literal('serial'),
  /** Prefer /dev/serial/by-id/... so the path survives re-enumeration. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  rtscts: z.boolean().default(false),
});

export const tcpTransportSchema = z.strictObject({
  type: z.literal('tcp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  connectTimeoutMs: z.number().int().positive().default(5000),
});
