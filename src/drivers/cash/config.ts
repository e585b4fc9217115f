/** Config of `devices.cash`: the note validator (SSP/eSSP), an optional coin acceptor (ccTalk), limits. */
import { z } from 'zod';
import { deviceCommon } from '../../core/device-config.js';
import { FACTORY_FIXED_KEY } from './ssp/essp.js';

const port = z.strictObject({
  /** Prefer /dev/serial/by-id/...; not needed when the device is simulated. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(9600),
});

export const cashConfigSchema = z.strictObject({
  ...deviceCommon,
  validator: z
    .strictObject({
      port: port.optional(),
      /** SSP address: 0 for a single note validator. */
      address: z.number().int().min(0).max(127).default(0),
      encryption: z
        .strictObject({
          enabled: z.boolean().default(false),
          /** 16 hex digits, as set in the device. The factory default gives no protection: set your own. */
          fixedKey: z.string().regex(/^[0-9a-fA-F]{16}$/, '16 hex digits').default(FACTORY_FIXED_KEY),
        })
        .prefault({}),
      /** GA138 recommends polling every 200 ms to 1 s. */
      pollIntervalMs: z.number().int().min(10).max(1000).default(200),
      /** With no session open and no note moving (the validator disabled): GA138's slowest; a new session wakes the loop. */
      idlePollIntervalMs: z.number().int().min(10).max(1000).default(1000),
      replyTimeoutMs: z.number().int().min(20).max(5000).default(500),
      /** Retransmissions of a command (same sequence flag) before the validator counts as not answering. */
      retries: z.number().int().min(0).max(10).default(3),
    })
    .prefault({}),
  coinAcceptor: z
    .strictObject({
      port: port.optional(),
      address: z.number().int().min(2).max(255).default(2),
      pollIntervalMs: z.number().int().min(10).max(1000).default(200),
      /** With no session open (every coin inhibited, so no credit can arrive); a new session wakes the loop. */
      idlePollIntervalMs: z.number().int().min(10).max(1000).default(1000),
      replyTimeoutMs: z.number().int().min(20).max(5000).default(300),
      retries: z.number().int().min(0).max(10).default(3),
    })
    .optional(),
  /** Change, repay and refunds (note recycler on the validator's SSP link, ccTalk hoppers). */
  payout: z
    .strictObject({
      /** The validator has a payout module (SMART Payout, NV11, NV200 + payout); needs eSSP encryption. */
      recycler: z.boolean().default(false),
      /** Denominations (minor units) the recycler keeps for payouts; the others go to the cashbox. */
      recycle: z.array(z.number().int().min(1)).default([]),
      /** Accept an overpaying note or coin when its change can be paid, and pay the change (accept may override). */
      giveChange: z.boolean().default(true),
      /** Pay back what an unpaid session took when it ends (cancel, timeout, fault); accept/cancel may override. */
      repay: z.boolean().default(true),
      /** A denomination at or under this many notes/coins is near empty. */
      nearEmpty: z.number().int().min(0).default(5),
    })
    .prefault({}),
  hoppers: z
    .strictObject({
      /** One ccTalk bus for all hoppers (9600 8N1). */
      port: port.optional(),
      /** How DISPENSE HOPPER COINS is guarded (see cctalk/hopper.ts); the proprietary cipher is not supported. */
      security: z.enum(['serial', 'cipher-none', 'plain']).default('serial'),
      units: z.array(z.strictObject({ address: z.number().int().min(3).max(255), value: z.number().int().min(1).optional() })).min(1).max(8),
      pollIntervalMs: z.number().int().min(10).max(1000).default(100),
      replyTimeoutMs: z.number().int().min(20).max(5000).default(300),
      retries: z.number().int().min(0).max(10).default(2),
    })
    .optional(),
  /** Currency the kiosk takes; the device must report the same. Unset: whatever the validator reports. */
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  /** A note is returned from escrow when it would overpay by more than this (minor units). */
  maxOverpay: z.number().int().min(0).default(0),
  cashbox: z
    .strictObject({
      capacity: z.number().int().min(1).default(500),
      nearFullPercent: z.number().int().min(1).max(100).default(90),
    })
    .prefault({}),
  /** What the simulators present (only used when simulated). */
  simulator: z
    .strictObject({
      currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
      /** Note channels in whole units; the simulated device reports them with `multiplier`. */
      notes: z.array(z.number().int().min(1)).min(1).max(16).default([5, 10, 20, 50, 100, 200, 500]),
      multiplier: z.number().int().min(1).default(100),
      /** Coin ids of positions 1..n; empty: no coin acceptor is simulated. */
      coins: z.array(z.string().length(6)).max(16).default(['EU010A', 'EU020A', 'EU050A', 'EU100A', 'EU200A']),
      /** Time of each step of a note's journey (read, escrow, stacking, credit). */
      stepMs: z.number().int().min(1).max(5000).default(300),
      escrowTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /** Notes in the simulated recycler at first start (value in minor units -> count), its capacity. */
      recyclerFloat: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)).default({}),
      recyclerCapacity: z.number().int().min(1).max(1000).default(80),
      /** Time a simulated hopper takes per coin; coins under `hopperLowLevel` show "near empty" on its sensor. */
      hopperStepMs: z.number().int().min(1).max(5000).default(60),
      hopperLowLevel: z.number().int().min(0).default(10),
    })
    .prefault({}),
});

export type CashConfig = z.output<typeof cashConfigSchema>;
