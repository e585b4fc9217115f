/**
 * The kiosk's services (what it sells: a fee, a fine) and whether each can be offered now. The
 * catalogue is configuration (`services:` in the config file); availability is computed by the daemon
 * from the devices' retained states and published retained on `bridge/availability`. Schemas only.
 */
import { z } from 'zod';

/** The seven languages of the kiosk (receipts, citizen-facing messages). */
export const KIOSK_LANGUAGES = ['ar', 'en', 'es', 'fr', 'de', 'ru', 'zh'] as const;
export const kioskLanguageSchema = z.enum(KIOSK_LANGUAGES);
export type KioskLanguage = z.infer<typeof kioskLanguageSchema>;

/** How a citizen pays: all cash, all card, or cash first and the rest by card. */
export const PAYMENT_METHODS = ['cash', 'card', 'split'] as const;
export const paymentMethodSchema = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

/** Devices a service may require beyond the ones its payment methods need. */
export const REQUIRABLE_DEVICES = ['printer', 'scanner', 'audio', 'gpio'] as const;

const names = z.strictObject(Object.fromEntries(KIOSK_LANGUAGES.map((l) => [l, z.string().min(1).max(120)])) as Record<KioskLanguage, z.ZodString>);
const minor = z.number().int().min(1).max(999_999_999);

export const serviceSchema = z
  .strictObject({
    /** Stable id the UI and the fleet use (`good-conduct`, `traffic-fine`). */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and dashes'),
    /** The service's name in each of the seven languages (printed on the receipt). */
    names,
    /** A fixed fee in minor units; or give `feeRange` for an amount given per request (a fine). */
    fee: minor.optional(),
    feeRange: z.strictObject({ min: minor, max: minor }).refine((r) => r.min <= r.max, 'min must not exceed max').optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as AED'),
    methods: z.array(paymentMethodSchema).min(1),
    /** Devices without which the service is not offered (the receipt printer, the document scanner...). */
    requires: z.array(z.enum(REQUIRABLE_DEVICES)).default([]),
  })
  .refine((s) => (s.fee === undefined) !== (s.feeRange === undefined), 'give exactly one of fee and feeRange');
export type Service = z.output<typeof serviceSchema>;

export const catalogueSchema = z
  .array(serviceSchema)
  .max(100)
  .default([])
  .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'service ids must be unique');

/** Why a service or a payment method cannot be offered now. Codes are stable (the UI maps them to text). */
export const UNAVAILABLE_REASONS = [
  'DEVICE_NOT_CONFIGURED', 'DEVICE_DOWN', 'PAPER_OUT', 'PRINTER_COVER_OPEN', 'PRINTER_ERROR',
  'CASHBOX_FULL', 'CASHBOX_REMOVED', 'CASH_FAULT', 'CHANGE_NOT_PAYABLE', 'JOURNAL_UNAVAILABLE', 'NO_PAYMENT_METHOD',
] as const;
export const reasonSchema = z.object({ code: z.enum(UNAVAILABLE_REASONS), device: z.string().optional() });
export type UnavailableReason = z.infer<typeof reasonSchema>;

export const availabilitySchema = z.object({
  /** `available`: at least one service can be sold now. */
  kiosk: z.enum(['available', 'unavailable']),
  /** A UI session holds the money devices now (CUSS's `active`); the kiosk may still be available. */
  sessionActive: z.boolean(),
  services: z.array(
    z.object({
      id: z.string(),
      available: z.boolean(),
      /** Methods that work now (a subset of the service's). */
      methods: z.array(paymentMethodSchema),
      reasons: z.array(reasonSchema),
    }),
  ),
  since: z.string().describe('ISO time this availability was computed'),
});
export type Availability = z.infer<typeof availabilitySchema>;
