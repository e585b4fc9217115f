/**
 * Checkout (bridge operations `checkout-*`): a citizen's whole payment for one service — cash, card,
 * or cash first and the rest by card — as one durable transaction with one result, and the kiosk's
 * requires-attention list. Schemas only; the design is in docs/checkout.md.
 */
import { z } from 'zod';
import type { CommandSpec } from '../core/driver.js';
import { kioskLanguageSchema, paymentMethodSchema } from './catalogue.js';

/** Same key, same checkout: never charged twice. Also the base of the card and receipt keys it makes. */
export const checkoutKeySchema = z.string().regex(/^[A-Za-z0-9._-]{8,96}$/, '8-96 of A-Z a-z 0-9 . _ -');
const referenceSchema = z.string().min(1).max(64).regex(/^[\x20-\x7e]+$/, 'printable ASCII').describe("The kiosk UI's own reference (application, fine number)");
const minor = z.number().int().min(0);

export const CHECKOUT_STATES = [
  'cash', 'card', 'printing', 'suspended', 'paid', 'cancelled', 'declined', 'attention',
] as const;
export const CHECKOUT_STEPS = ['started', 'cash', 'card', 'receipt', 'suspended', 'resumed', 'done'] as const;

/** Why a transaction is on the requires-attention list. */
export const ATTENTION_REASONS = [
  'CARD_OUTCOME_UNKNOWN', 'CARD_AMOUNT_MISMATCH', 'CARD_TRANSACTION_MISMATCH', 'CARD_RECONCILE_MISMATCH',
  'CASH_UNCERTAIN', 'CREDIT_HELD', 'CHANGE_OWED', 'RECEIPT_NOT_PRINTED', 'RECEIPT_UNCERTAIN', 'CASH_SESSION_UNSETTLED',
] as const;

export const checkoutRecordSchema = z.object({
  idempotencyKey: z.string(),
  reference: z.string(),
  service: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  method: paymentMethodSchema,
  language: kioskLanguageSchema,
  state: z.enum(CHECKOUT_STATES),
  /** What was taken so far, in minor units. */
  paid: z.object({ cash: minor, card: minor }),
  /** Cash taken beyond the amount (owed to the citizen: a voucher, or paid out where the cash unit can). */
  change: minor,
  /** Of the change, what the cash unit paid out (the cash driver's own journaled payout); absent when none. */
  changeGiven: minor.optional(),
  card: z.object({ masked: z.string(), brand: z.string(), authCode: z.string().optional() }).optional(),
  receipt: z.enum(['none', 'printed', 'failed', 'uncertain']),
  /** Set while the checkout is on the requires-attention list. */
  attention: z.enum(ATTENTION_REASONS).optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** The last step's outcome was re-established from the journal after a restart. */
  recovered: z.boolean(),
});
export type CheckoutRecord = z.infer<typeof checkoutRecordSchema>;

/** `bridge/event/checkout`: progress of a checkout (never personal data). */
export const checkoutProgressSchema = z.object({
  idempotencyKey: z.string(),
  reference: z.string(),
  step: z.enum(CHECKOUT_STEPS),
  /** A citizen-facing message key (`checkout.insertCash`, `card.INSERT_CARD`, ...): the UI has the seven texts. */
  messageKey: z.string(),
  state: z.enum(CHECKOUT_STATES),
  paid: z.object({ cash: minor, card: minor }),
  remaining: minor,
  transaction: z.string().optional(),
});
export type CheckoutProgress = z.infer<typeof checkoutProgressSchema>;

/** One transaction that needs a person, kiosk-wide (checkouts, the card driver's list, unsettled cash). No personal data. */
export const attentionItemSchema = z.object({
  /** `checkout:{key}`, `card:{key}` or `cash:{sessionId}`: what `attention-resolve` takes. */
  id: z.string(),
  source: z.enum(['checkout', 'card', 'cash']),
  reason: z.enum(ATTENTION_REASONS),
  service: z.string().optional(),
  amount: z.number().int().optional(),
  currency: z.string().optional(),
  paid: z.object({ cash: minor, card: minor }).optional(),
  at: z.string(),
});
export type AttentionItem = z.infer<typeof attentionItemSchema>;
export const attentionListSchema = z.object({ items: z.array(attentionItemSchema) });
export type AttentionList = z.infer<typeof attentionListSchema>;

export const checkoutOps = {
  'checkout-start': {
    summary:
      'Pay for a service: cash, card, or split (cash first, then the rest by card; `cashAmount` caps the cash part, else checkout-continue ends it). ' +
      'Needs the session token. Answers once, when the checkout ends or is suspended; progress on bridge/event/checkout. The same idempotencyKey ' +
      'joins a running checkout, resumes a suspended one, or answers a finished one again.',
    input: z.strictObject({
      service: z.string().min(1).max(48),
      amount: z.number().int().min(1).max(999_999_999).optional().describe("Only for services with a feeRange; else the catalogue's fee"),
      method: paymentMethodSchema,
      cashAmount: z.number().int().min(1).max(999_999_999).optional(),
      reference: referenceSchema,
      language: kioskLanguageSchema.optional().describe("Defaults to the session's"),
      idempotencyKey: checkoutKeySchema,
    }),
    output: checkoutRecordSchema,
    errors: ['SESSION_REQUIRED', 'CLAIMED_BY_OTHER', 'SERVICE_UNKNOWN', 'SERVICE_UNAVAILABLE', 'CHECKOUT_AMOUNT_INVALID', 'CHECKOUT_METHOD_NOT_ACCEPTED', 'CHECKOUT_IDEMPOTENCY_MISMATCH', 'CHECKOUT_BUSY', 'CHECKOUT_NOT_RESUMABLE', 'JOURNAL_UNAVAILABLE'],
  },
  'checkout-continue': {
    summary: 'Split payment: the citizen is done with cash; the rest is paid by card. Needs the session token.',
    input: z.strictObject({}),
    output: z.object({ idempotencyKey: z.string(), continued: z.boolean() }),
    errors: ['SESSION_REQUIRED', 'CLAIMED_BY_OTHER'],
  },
  'checkout-cancel': {
    summary: 'The citizen gives up: cash intake stops (escrow returned), a card sale at the prompt is aborted; cash already taken is kept and listed (CREDIT_HELD). Needs the session token.',
    input: z.strictObject({}),
    output: z.object({ idempotencyKey: z.string(), cancelled: z.boolean() }),
    errors: ['SESSION_REQUIRED', 'CLAIMED_BY_OTHER'],
  },
  'checkout-get': {
    summary: 'A checkout by idempotency key or reference (the newest with that reference): what a reloaded page asks to find its checkout.',
    input: z
      .strictObject({ idempotencyKey: checkoutKeySchema.optional(), reference: referenceSchema.optional() })
      .refine((v) => v.idempotencyKey !== undefined || v.reference !== undefined, 'give idempotencyKey or reference'),
    output: checkoutRecordSchema,
    errors: ['CHECKOUT_UNKNOWN'],
  },
  attention: {
    summary: 'The requires-attention list (also retained on bridge/attention): transactions whose outcome needs a person.',
    input: z.strictObject({}),
    output: attentionListSchema,
  },
  'attention-resolve': {
    summary: 'Technician: a transaction on the list was dealt with (refunded, voucher, checked the terminal journal). Journaled with who and how; it leaves the list.',
    role: ['technician', 'fleet'],
    input: z.strictObject({ id: z.string().min(1).max(160), technician: z.string().min(1).max(64), resolution: z.string().min(1).max(200) }),
    output: z.object({ id: z.string(), remaining: z.number().int() }),
    errors: ['ATTENTION_UNKNOWN', 'JOURNAL_UNAVAILABLE'],
  },
} as const satisfies Record<string, CommandSpec>;
