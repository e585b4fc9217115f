/**
 * Cash payout API (change, repay, refunds, levels): the schemas `device/cash` adds for a note recycler
 * (SSP SMART Payout / NV11 / NV200 + payout) and ccTalk coin hoppers. Schemas only; see docs/cash.md.
 *
 * The model follows UnifiedPOS CashChanger: a deposit (an `accept` session) ends paid with change, paid
 * exactly, or repaid; a payout is asked for an amount and the device side picks the denominations.
 * Every payout has an id that ties it to what it pays back:
 * `change:{sessionId}`, `repay:{sessionId}`, `dispense:{idempotencyKey}`.
 */
import { z } from 'zod';

const amount = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const idempotencyKey = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** Where a denomination goes when a note of it is taken: kept for payouts, or the cashbox. */
export const noteRoute = z.enum(['payout', 'cashbox']);

/** One denomination handed out (or planned): value in minor units, how many, from which unit. */
export const payoutLine = z.object({
  value: amount,
  count: z.number().int().min(1),
  source: z.enum(['recycler', 'hopper']),
});

/**
 * - `paid`: everything requested left the device.
 * - `partial`: part of it left the device, the rest certainly did not (`remainder`: voucher).
 * - `failed`: nothing left the device.
 * - `unknown`: the device cannot tell what left it (no counters after a power cut): a technician settles it.
 */
export const payoutStatus = z.enum(['paid', 'partial', 'failed', 'unknown']);
export const payoutPurpose = z.enum(['change', 'repay', 'refund']);

export const payoutResult = z.object({
  payoutId: z.string(),
  purpose: payoutPurpose,
  /** The deposit (`accept` session id) this payout pays back; null for a refund not tied to one. */
  refersTo: z.string().nullable(),
  currency,
  requested: amount,
  /** What the devices report as dispensed (journaled as they report it). */
  paid: amount,
  /** requested - paid: owed to the customer, for a voucher. */
  remainder: amount,
  status: payoutStatus,
  dispensed: z.array(payoutLine),
  /** Why it stopped short (CASH_PAYOUT_JAM, CASH_PAYOUT_EMPTY, CASH_PAYOUT_SHORT, DEVICE_UNAVAILABLE...), else null. */
  fault: z.string().nullable(),
  /** Finished after a restart from the devices' own counters, not from live events. */
  recovered: z.boolean(),
});

/**
 * Payout state, most urgent first: `jammed` > `empty` (nothing can be paid) > `near-empty` (some
 * denomination at or under its near-empty level) > `ok`. `offline`: no payout unit answers.
 */
export const payoutState = z.enum(['ok', 'near-empty', 'empty', 'jammed', 'offline']);

export const levelsDetail = z.object({
  currency: currency.nullable(),
  state: payoutState,
  /** Notes stored in the recycler per denomination, and where new notes of that value go. */
  notes: z.array(z.object({ value: amount, count: z.number().int().min(0), route: noteRoute })),
  /** Coins in each hopper (counted in by `refill`, minus what the hopper reports as paid out). */
  coins: z.array(z.object({ value: amount, count: z.number().int().min(0), hopper: z.number().int() })),
  /** Value of everything payable now (minor units). */
  total: amount,
  nearEmpty: z.array(amount),
  empty: z.array(amount),
});

/** The payout currently running (at most one), and payouts a technician must settle. */
export const payoutDetail = levelsDetail.extend({
  running: z.object({ payoutId: z.string(), purpose: payoutPurpose, requested: amount, paid: amount }).nullable(),
  unresolved: z.array(payoutResult),
});

export const payoutCommands = {
  'can-pay-out': {
    summary:
      'What of `amount` the recycler and hoppers can pay now, with the denominations they would use; ' +
      '`remainder` is the smallest part that could not be paid (0: payable exactly). Nothing moves.',
    input: z.strictObject({ amount: z.number().int().min(1), currency }),
    output: z.object({ amount, currency, payable: amount, remainder: amount, plan: z.array(payoutLine) }),
    errors: ['CASH_CURRENCY_MISMATCH'],
  },
  dispense: {
    summary:
      'Pay `amount` out in cash (a refund decided by the UI, e.g. a service that failed after payment). ' +
      'Tied to the deposit it pays back (`sessionId`, at most what that deposit took and was not yet paid ' +
      'back); the UI role may not dispense without one. Same `idempotencyKey`, same payout: never paid twice ' +
      '(the recorded outcome is answered with `replayed`). Refused with CASH_CHANGE_NOT_PAYABLE when the ' +
      'devices cannot pay it exactly, unless `allowPartial`.',
    input: z.strictObject({
      amount: z.number().int().min(1),
      currency,
      idempotencyKey,
      reference: z.string().min(1).max(64).describe("The kiosk's own reference (order, fee number)"),
      reason: z.enum(['service-failed', 'overpayment', 'cancelled', 'other']).default('other'),
      sessionId: z.string().min(1).max(64).optional().describe('The deposit (accept session) this refund pays back'),
      allowPartial: z.boolean().default(false),
    }),
    output: payoutResult.extend({ replayed: z.boolean() }),
    errors: [
      'CASH_CHANGE_NOT_PAYABLE', 'CASH_PAYOUT_UNAVAILABLE', 'CASH_REFUND_NO_DEPOSIT', 'CASH_REFUND_EXCEEDS_DEPOSIT',
      'CASH_IDEMPOTENCY_MISMATCH', 'CASH_CURRENCY_MISMATCH', 'DEVICE_BUSY', 'JOURNAL_UNAVAILABLE',
    ],
    progressEvent: 'payout',
  },
  levels: {
    summary: 'Notes in the recycler and coins in the hoppers per denomination, with near-empty/empty and the payout state.',
    input: z.strictObject({}),
    output: levelsDetail,
  },
  refill: {
    summary:
      'Technician: float added. `coins` counted into the hoppers (value -> count); with `notesTimeoutMs` the ' +
      'validator takes notes for that long (or until `cancel`) and stores them in the recycler as float, ' +
      'not as a payment. Journaled and logged (audit); answers what was added and the new levels.',
    role: 'technician',
    input: z.strictObject({
      technician: z.string().min(1).max(64),
      coins: z
        .record(z.string().regex(/^\d{1,9}$/), z.number().int().min(1).max(100_000))
        .refine((r) => Object.keys(r).length <= 16, 'at most 16 coin values')
        .meta({ maxProperties: 16 })
        .default({}),
      notesTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
      comment: z.string().max(200).optional(),
    }),
    output: z.object({
      notes: z.record(z.string(), z.number().int()), coins: z.record(z.string(), z.number().int()), value: amount, levels: levelsDetail,
    }),
    errors: ['DEVICE_BUSY', 'CASH_PAYOUT_UNAVAILABLE', 'JOURNAL_UNAVAILABLE'],
  },
  empty: {
    summary:
      'Technician: empty the recycler into the cashbox (`smart`: SMART EMPTY, which counts what it moves) ' +
      'and/or pay the hoppers out into the tray for the technician. Journaled (audit); answers what left.',
    role: 'technician',
    input: z.strictObject({
      technician: z.string().min(1).max(64),
      target: z.enum(['notes', 'coins', 'all']).default('all'),
      smart: z.boolean().default(true),
    }),
    output: z.object({ notes: z.record(z.string(), z.number().int()), coins: z.record(z.string(), z.number().int()), value: amount, at: z.string() }),
    errors: ['DEVICE_BUSY', 'CASH_PAYOUT_UNAVAILABLE', 'JOURNAL_UNAVAILABLE'],
  },
  'settle-payout': {
    summary: 'Technician: a payout whose outcome the devices could not tell was counted by a person (`paid`). Audited.',
    role: 'technician',
    input: z.strictObject({ payoutId: z.string().min(1).max(160), paid: amount, by: z.string().min(1).max(64) }),
    output: payoutResult,
    errors: ['CASH_UNKNOWN_PAYOUT', 'JOURNAL_UNAVAILABLE'],
  },
} as const;

export const payoutEvents = {
  payout: {
    summary:
      'A payout moved: `started` (journaled before the first command), `dispensing` (running total), ' +
      '`finished` (with `status`), `recovered` (finished from the counters after a restart). `paid` is ' +
      'what the devices reported as dispensed so far, journaled before this event.',
    payload: z.object({
      payoutId: z.string(),
      purpose: payoutPurpose,
      refersTo: z.string().nullable(),
      phase: z.enum(['started', 'dispensing', 'finished', 'recovered']),
      requested: amount,
      paid: amount,
      currency,
      status: payoutStatus.optional(),
      fault: z.string().nullable().optional(),
      transaction: z.string().optional(),
    }),
  },
} as const;

export const payoutSim = {
  'payout-fault': {
    summary:
      'Arm a fault for the next payout of a unit: after `after` units (notes or coins) it jams, stops short ' +
      '(reports fewer than asked), runs empty, or loses power (`power-cut`, back after `offMs`). ' +
      '`value` picks a hopper (its coin value); without it, the recycler.',
    input: z.strictObject({
      unit: z.enum(['recycler', 'hopper']),
      value: amount.optional(),
      fault: z.enum(['jam', 'short', 'empty', 'power-cut']),
      after: z.number().int().min(0).max(1000).default(0),
      offMs: z.number().int().min(0).max(60_000).default(1000),
    }),
    output: z.object({ armed: z.boolean() }),
  },
  'clear-payout-fault': {
    summary: 'Clear a payout jam (a jammed note or coin is taken out by the technician: it is not paid).',
    input: z.strictObject({ unit: z.enum(['recycler', 'hopper']), value: amount.optional() }),
    output: z.object({ cleared: z.boolean() }),
  },
  'pour-coins': {
    summary: 'A technician pours coins into the simulated hopper of this value (the host learns it only from `refill`).',
    input: z.strictObject({ value: amount, count: z.number().int().min(1).max(10_000) }),
    output: z.object({ poured: z.boolean() }),
  },
  'payout-counts': {
    summary: "The simulated units' own records: notes stored per value, everything they dispensed, coins per hopper.",
    input: z.strictObject({}),
    output: z.object({
      stored: z.record(z.string(), z.number().int()),
      notesDispensed: z.record(z.string(), z.number().int()),
      hoppers: z.array(z.object({ address: z.number().int(), value: amount, level: z.number().int(), dispensed: z.number().int() })),
      paidOutTotal: amount,
    }),
  },
} as const;
