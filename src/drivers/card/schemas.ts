/** The card API's data schemas (money requests, outcomes, records, attention); the commands and events are in ./api.ts. */
import { z } from 'zod';

/** ISO 4217 currencies the kiosk may charge in, with their numeric codes (what ZVT sends). */
export const CURRENCIES = { AED: 784, SAR: 682, QAR: 634, KWD: 414, BHD: 48, OMR: 512, EUR: 978, USD: 840, GBP: 826, CHF: 756 } as const;
export const currencySchema = z.enum(Object.keys(CURRENCIES) as [keyof typeof CURRENCIES, ...Array<keyof typeof CURRENCIES>]);
export type Currency = z.infer<typeof currencySchema>;

const amountSchema = z.number().int().min(1).max(999_999_999_999).describe('Amount in minor units (fils, cents)');
export const keySchema = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const referenceSchema = z.string().min(1).max(64).describe("The kiosk's own reference (order, fee, fine number)");

export const moneyRequest = z.strictObject({
  amount: amountSchema,
  currency: currencySchema.optional().describe('Defaults to the configured currency (AED)'),
  reference: referenceSchema,
  idempotencyKey: keySchema.describe('Same key, same payment: never charged twice'),
});

export const refundRequest = moneyRequest.extend({
  saleKey: keySchema.describe('The idempotencyKey of the approved sale this refund pays back'),
});

/**
 * What the terminal itself reported about a transaction, when it differs from what was asked for (or
 * belongs to another transaction). Amounts in minor units; currency as its ISO 4217 letters when known,
 * else its three digits.
 */
export const terminalFiguresSchema = z.object({
  amount: z.number().int().optional(),
  currency: z.string().optional(),
  trace: z.number().int().optional(),
  receiptNo: z.number().int().optional(),
  terminalId: z.string().optional(),
});
export type TerminalFigures = z.infer<typeof terminalFiguresSchema>;

/** Outcome reasons that put a transaction on the technician's list (state detail `attention`, alert CARD_MISMATCH). */
export const MISMATCH_REASONS = ['AMOUNT_MISMATCH', 'TRANSACTION_MISMATCH', 'RECONCILE_MISMATCH'] as const;

export const maskedCardSchema = z.object({
  masked: z.string().describe('First 6 / last 4 digits at most, e.g. 476173******0119'),
  brand: z.string(),
});

const common = {
  idempotencyKey: z.string(),
  reference: z.string(),
  operation: z.enum(['sale', 'refund']),
  amount: z.number().int(),
  currency: z.string(),
  /** The terminal's receipt, lines joined with \n. */
  receiptText: z.string(),
  /** The outcome was established by reconciling with the terminal after a crash or a lost link. */
  recovered: z.boolean(),
  /** This answer repeats the recorded outcome of an earlier request with the same idempotency key. */
  replayed: z.boolean().optional(),
};

export const outcomeSchema = z.discriminatedUnion('result', [
  z.object({
    ...common,
    result: z.literal('approved'),
    card: maskedCardSchema,
    authCode: z.string().optional(),
    receiptNo: z.number().int().optional(),
    trace: z.number().int().optional(),
    terminalId: z.string().optional(),
  }),
  z.object({
    ...common,
    result: z.literal('declined'),
    reason: z.string(),
    resultCode: z.number().int().optional(),
    /** The terminal's own figures, when they differ from the request (nothing was charged). */
    terminal: terminalFiguresSchema.optional(),
  }),
  z.object({ ...common, result: z.literal('cancelled'), reason: z.enum(['CUSTOMER_CANCELLED', 'KIOSK_CANCELLED']) }),
  z.object({
    ...common,
    result: z.literal('failed'),
    reason: z
      .string()
      .describe('TERMINAL_ERROR, HOST_UNREACHABLE, NOT_COMPLETED, TIMEOUT, LINK_LOST, AMOUNT_MISMATCH, TRANSACTION_MISMATCH, RECONCILE_MISMATCH ...'),
    /**
     * `no`: nothing was charged (or it was reversed at once). `unknown`: the outcome is being reconciled
     * (watch event/recovered) or needs a technician. `yes`: the terminal charged its own figures and could
     * not reverse them: a technician must refund (the transaction is on the state's `attention` list).
     */
    charged: z.enum(['no', 'unknown', 'yes']),
    /** AMOUNT_MISMATCH, TRANSACTION_MISMATCH, RECONCILE_MISMATCH: what the terminal reported. */
    terminal: terminalFiguresSchema.optional(),
  }),
]);
export type CardOutcome = z.infer<typeof outcomeSchema>;

export const reversalSchema = z.object({
  idempotencyKey: z.string(),
  reference: z.string(),
  result: z.enum(['reversed', 'declined', 'failed']),
  reason: z.string().optional(),
  receiptNo: z.number().int().optional(),
  trace: z.number().int().optional(),
  /** AMOUNT_MISMATCH: the terminal reversed other figures than the sale's. */
  terminal: terminalFiguresSchema.optional(),
  receiptText: z.string(),
  recovered: z.boolean(),
  replayed: z.boolean().optional(),
});
export type CardReversal = z.infer<typeof reversalSchema>;

export const transactionRecordSchema = z.object({
  idempotencyKey: z.string(),
  reference: z.string(),
  operation: z.enum(['sale', 'refund']),
  amount: z.number().int(),
  currency: z.string(),
  /** A refund: the sale it pays back. */
  saleKey: z.string().optional(),
  state: z.enum(['pending', 'done']),
  outcome: outcomeSchema.optional(),
  reversal: z.object({ state: z.enum(['pending', 'done']), outcome: reversalSchema.optional() }).optional(),
});
export type CardTransactionRecord = z.infer<typeof transactionRecordSchema>;

export const lookup = z
  .strictObject({ idempotencyKey: keySchema.optional(), reference: referenceSchema.optional() })
  .refine((v) => v.idempotencyKey !== undefined || v.reference !== undefined, 'give idempotencyKey or reference');

/** A transaction a technician must look at: the terminal's figures differ from the kiosk's. */
export const attentionSchema = z.object({
  idempotencyKey: z.string(),
  operation: z.enum(['sale', 'refund', 'reversal']),
  reason: z.enum(MISMATCH_REASONS),
  requested: z.object({ amount: z.number().int(), currency: z.string() }),
  terminal: terminalFiguresSchema,
  /** `no`: reversed at once; `yes`: the terminal's figures were charged and stand; `unknown`: cannot tell. */
  charged: z.enum(['no', 'unknown', 'yes']),
  at: z.string(),
});
export type Attention = z.infer<typeof attentionSchema>;

/** What the terminal says about itself (registration, status enquiry). Not personal data. */
export const terminalIdentitySchema = z.object({
  terminalId: z.string().optional(),
  model: z.string().optional(),
  serialNumber: z.string().optional(),
  softwareVersion: z.string().optional(),
});
