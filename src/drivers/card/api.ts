/** Card payment terminal API: the MQTT contract of `device/card`. Schemas only. */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';
import { LANGUAGES, PROGRESS_CODES } from './progress.js';
import { attentionSchema, keySchema, lookup, moneyRequest, outcomeSchema, refundRequest, reversalSchema, terminalIdentitySchema, transactionRecordSchema } from './schemas.js';
export { CURRENCIES, currencySchema, terminalFiguresSchema, MISMATCH_REASONS, maskedCardSchema, outcomeSchema, reversalSchema, transactionRecordSchema, attentionSchema, terminalIdentitySchema } from './schemas.js';
export type { Currency, TerminalFigures, CardOutcome, CardReversal, CardTransactionRecord, Attention } from './schemas.js';

const messagesSchema = z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string()])) as Record<(typeof LANGUAGES)[number], z.ZodString>);

export const cardApi = {
  kind: 'card',
  summary: 'Card payment terminal (ZVT over TCP or serial): sales that are never lost and never charged twice.',
  commands: {
    sale: {
      summary: 'Charge the customer; answers when the terminal is done: approved, declined, cancelled or failed.',
      input: moneyRequest,
      output: outcomeSchema,
      errors: ['DUPLICATE_REQUEST', 'JOURNAL_UNAVAILABLE', 'CARD_IDEMPOTENCY_MISMATCH', 'CARD_CURRENCY_NOT_ACCEPTED', 'DEVICE_BUSY', 'DEVICE_UNAVAILABLE'],
      progressEvent: 'progress',
    },
    cancel: {
      summary: 'Abort the running sale or refund (answers at once; the sale answers cancelled if the terminal could still stop).',
      input: z.strictObject({}),
      output: z.object({ requested: z.boolean() }),
    },
    reverse: {
      summary: 'Reverse an approved sale whose service was not delivered (by its idempotency key or reference).',
      input: lookup,
      output: reversalSchema,
      errors: ['CARD_TRANSACTION_UNKNOWN', 'CARD_NOT_REVERSIBLE', 'DUPLICATE_REQUEST', 'JOURNAL_UNAVAILABLE', 'DEVICE_BUSY'],
      progressEvent: 'progress',
    },
    refund: {
      summary:
        'Refund to a card (customer presents the card) against an approved sale of this kiosk (`saleKey`), at most what is left of it; ' +
        'from the UI role at most devices.card.refunds.uiLimit per refund.',
      input: refundRequest,
      output: outcomeSchema,
      errors: [
        'CARD_REFUND_NO_SALE', 'CARD_REFUND_EXCEEDS_SALE', 'CARD_REFUND_OVER_LIMIT', 'CARD_CURRENCY_NOT_ACCEPTED',
        'DUPLICATE_REQUEST', 'JOURNAL_UNAVAILABLE', 'CARD_IDEMPOTENCY_MISMATCH', 'DEVICE_BUSY',
      ],
      progressEvent: 'progress',
    },
    status: {
      summary: "The terminal's status and identity, and the driver's pending reconciliations.",
      input: z.strictObject({}),
      output: z.object({
        connected: z.boolean(),
        busy: z.boolean(),
        terminalId: z.string().optional(),
        softwareVersion: z.string().optional(),
        model: z.string().optional(),
        serialNumber: z.string().optional(),
        terminalStatus: z.number().int().optional(),
        pendingRecovery: z.number().int(),
      }),
    },
    'end-of-day': {
      summary: "Technician: close the terminal's batch (settlement); answers with the terminal's report.",
      role: 'technician',
      input: z.strictObject({}),
      output: z.object({ result: z.enum(['ok', 'failed']), reason: z.string().optional(), receiptText: z.string() }),
      errors: ['DEVICE_BUSY'],
    },
    resolve: {
      summary: "A technician settled a transaction on the state's `attention` list (checked the terminal's journal, refunded if needed): it leaves the list. Journaled with who and how.",
      role: 'technician',
      input: z.strictObject({
        idempotencyKey: keySchema,
        technician: z.string().min(1).max(64),
        resolution: z.string().min(1).max(200),
      }),
      output: z.object({ idempotencyKey: z.string(), remaining: z.number().int() }),
      errors: ['CARD_TRANSACTION_UNKNOWN', 'CARD_NOTHING_TO_RESOLVE', 'JOURNAL_UNAVAILABLE'],
    },
    transaction: {
      summary: 'Look up a sale or refund (and its reversal) by idempotency key or reference, including reconciled ones.',
      input: lookup,
      output: transactionRecordSchema,
      errors: ['CARD_TRANSACTION_UNKNOWN'],
    },
  },
  events: {
    progress: {
      summary: 'What the customer should do now, with a stable code and the message in seven languages.',
      payload: z.object({
        transaction: z.string().optional(),
        idempotencyKey: z.string(),
        operation: z.enum(['sale', 'refund', 'reversal']),
        code: z.enum(PROGRESS_CODES),
        messages: messagesSchema,
        terminalText: z.string().optional(),
      }),
    },
    recovered: {
      summary: 'A sale, refund or reversal whose outcome was unknown (crash, timeout, lost link) was reconciled with the terminal.',
      payload: z.object({
        idempotencyKey: z.string(),
        reference: z.string(),
        kind: z.enum(['sale', 'refund', 'reversal']),
        outcome: outcomeSchema.optional(),
        reversal: reversalSchema.optional(),
      }),
    },
  },
  stateDetail: z.object({
    protocol: z.literal('zvt'),
    link: z.enum(['tcp', 'serial']),
    terminalId: z.string().optional(),
    softwareVersion: z.string().optional(),
    /** Who the terminal says it is (also on the fleet link: not personal data). */
    identity: terminalIdentitySchema.optional(),
    operation: z.enum(['sale', 'refund', 'reversal', 'end-of-day', 'recovery']).optional(),
    pendingRecovery: z.number().int(),
    /** Transactions whose terminal figures differ from the kiosk's, until a technician resolves them (alert CARD_MISMATCH). */
    attention: z.array(attentionSchema),
  }),
  sim: {
    approve: {
      summary: 'The next sale is approved (optionally held at the card or before completion until `release`).',
      input: z.strictObject({ hostDelayMs: z.number().int().min(0).max(600_000).default(0), holdAt: z.enum(['card', 'completion']).optional() }),
      output: z.object({ queued: z.number().int() }),
    },
    decline: {
      summary: 'The next sale is declined with this ZVT result code (e.g. 0x71 = 113, insufficient funds).',
      input: z.strictObject({ resultCode: z.number().int().min(1).max(255).default(0x05), hostDelayMs: z.number().int().min(0).max(600_000).default(0) }),
      output: z.object({ queued: z.number().int() }),
    },
    cancel: { summary: 'The customer cancels the next sale at the terminal.', input: z.strictObject({}), output: z.object({ queued: z.number().int() }) },
    'slow-host': {
      summary: 'The next sale waits this long for the host, then is approved.',
      input: z.strictObject({ ms: z.number().int().min(0).max(600_000) }),
      output: z.object({ queued: z.number().int() }),
    },
    silent: {
      summary: 'The terminal goes silent: now, or (next: true) after acknowledging the next sale. `on: false` wakes it.',
      input: z.strictObject({ on: z.boolean().default(true), next: z.boolean().default(false) }),
      output: z.object({ silent: z.boolean() }),
    },
    'power-loss': {
      summary: 'The terminal loses power mid-way through the next sale, after (charged) or before booking it.',
      input: z.strictObject({ charged: z.boolean().default(true), offMs: z.number().int().min(0).max(600_000).default(1000) }),
      output: z.object({ queued: z.number().int() }),
    },
    power: { summary: 'Switch the terminal on or off.', input: z.strictObject({ on: z.boolean() }), output: z.object({ on: z.boolean() }) },
    release: { summary: 'Let a held sale go on.', input: z.strictObject({}), output: z.object({ released: z.boolean() }) },
    misreport: {
      summary: "A faulty terminal: the next sale is approved and booked with another amount and/or currency (ISO 4217 numeric), or is answered with the previous transaction's status.",
      input: z.strictObject({
        amount: z.number().int().min(1).max(999_999_999_999).optional(),
        currency: z.number().int().min(1).max(999).optional(),
        previousTransaction: z.boolean().default(false),
      }),
      output: z.object({ queued: z.number().int() }),
    },
    log: {
      summary: 'Every money command the terminal received, oldest first.',
      input: z.strictObject({}),
      output: z.object({
        received: z.array(z.object({ seq: z.number().int(), command: z.string(), amount: z.number().int().optional(), receiptNo: z.number().int().optional(), at: z.string() })),
      }),
    },
  },
} as const satisfies DeviceApi;

export type CardApi = typeof cardApi;
