/**
 * Scanner device API: the MQTT contract of `device/scanner` (ID documents with an ICAO 9303 MRZ and
 * barcodes, from serial readers and keyboard-wedge inputs). Schemas only.
 *
 * Both events carry what a person showed the kiosk, so both are `personal`: local bus only, QoS 1,
 * never retained, never in state, health, logs or the fleet link.
 */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';

/** An input's name as configured (the key under `devices.scanner.inputs`). */
export const inputNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'an input name (a-z, 0-9, _)');

/**
 * Check digits of an MRZ: true when the digit matches its field (ICAO 9303 part 3, 7-3-1 weights). A key
 * is present when the format has that check digit (visas have no composite; the Swiss driving licence none).
 */
const checksSchema = z.object({
  documentNumber: z.boolean().optional(),
  birthDate: z.boolean().optional(),
  expiryDate: z.boolean().optional(),
  /** TD3 only: the personal number's own check digit. */
  personalNumber: z.boolean().optional(),
  composite: z.boolean().optional(),
});

/** MRZ formats by shape: ICAO layouts, visas, and national formats that are not ICAO layouts. */
export const MRZ_FORMATS = ['TD1', 'TD2', 'TD3', 'MRV-A', 'MRV-B', 'FR-ID', 'CH-DL', 'FR-DL'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const documentEventSchema = z.object({
  input: inputNameSchema,
  /** Keyed hash of the MRZ text (per daemon run): correlates this event with log lines, reveals nothing. */
  scanId: z.string(),
  /**
   * Layout: TD1 ID card (3x30), TD2 (2x36), TD3 passport (2x44), visas MRV-A (2x44) and MRV-B (2x36), the
   * French identity card of 1988-2021 `FR-ID` (2x36), the Swiss `CH-DL` (9+30+30) and French `FR-DL` (1x30)
   * driving licences; null when the lines fit none (an incomplete read: the layout its first line starts).
   */
  format: z.enum(MRZ_FORMATS).nullable(),
  /** True only when the MRZ is complete and every check digit and field is well formed. */
  valid: z.boolean(),
  /** Why `valid` is false: `incomplete` (lines missing: timeout, unplug), `check_digit`, `field` (bad date, sex...). */
  problem: z.enum(['incomplete', 'check_digit', 'field']).nullable(),
  /**
   * Fields that failed, e.g. `documentNumberCheckDigit`, `birthDate`, `expirationDate`, `sex`, `names`,
   * `documentCode`, `compositeCheckDigit`, `format` (the lines fit no layout).
   */
  invalidFields: z.array(z.string()),
  /** Document code, e.g. `P`, `I`, `ID`, `AC`. */
  documentType: z.string().nullable(),
  /** ICAO 9303 three-letter code as printed (may be a specimen code such as UTO). */
  issuingCountry: z.string().nullable(),
  documentNumber: z.string().nullable(),
  surname: z.string().nullable(),
  givenNames: z.string().nullable(),
  nationality: z.string().nullable(),
  birthDate: isoDate.nullable(),
  sex: z.enum(['male', 'female', 'unspecified']).nullable(),
  expiryDate: isoDate.nullable(),
  /** By the kiosk's clock (expired on the day after the expiry date); null when the date is unreadable. */
  expired: z.boolean().nullable(),
  /** Optional data / personal number fields as printed, fillers at either end removed. */
  optionalData: z.array(z.string()),
  /**
   * The holder's national identity number where the issuing state is known to put it in the optional
   * data: `AE-EID` (Emirates ID, TD1 line 1), `ES-DNI` (Spanish DNI, TD1 line 1). Personal: never logged.
   */
  nationalId: z.object({ scheme: z.string(), number: z.string() }).nullable(),
  checks: checksSchema.nullable(),
  /** The MRZ lines as read, for UIs that show or re-parse them. */
  lines: z.array(z.string()),
  at: z.string(),
});
export type DocumentEvent = z.infer<typeof documentEventSchema>;

export const barcodeEventSchema = z.object({
  input: inputNameSchema,
  data: z.string(),
  /** From the AIM identifier prefix (ISO/IEC 15424) when the scanner sends one; null otherwise. */
  symbology: z.string().nullable(),
  /** The AIM identifier as sent, e.g. `]Q1`; null when absent. */
  aim: z.string().nullable(),
  at: z.string(),
});
export type BarcodeEvent = z.infer<typeof barcodeEventSchema>;

const armedSchema = z.object({
  armed: z.boolean(),
  /** ISO time the arming ends by itself; null when armed until `disable` (or not armed). */
  until: z.string().nullable(),
});

const inputTarget = z.strictObject({ input: inputNameSchema.optional() });

export const scannerApi = {
  kind: 'scanner',
  summary: 'ID documents (ICAO 9303 MRZ: TD1, TD2, TD3, visas; national formats) and barcodes from serial and keyboard-wedge scanners.',
  commands: {
    enable: {
      summary: 'Arm the scanner: scans are published until `disable` or until `timeoutMs` has passed.',
      input: z.strictObject({ timeoutMs: z.number().int().min(100).max(3_600_000).optional() }),
      output: armedSchema,
    },
    disable: {
      summary: 'Disarm the scanner: scans are dropped and counted (health counter scans_dropped_disarmed).',
      input: z.strictObject({}),
      output: armedSchema,
    },
    beep: {
      summary: 'Beep (or flash the LED) on a serial reader whose model preset knows the command.',
      input: inputTarget.extend({ signal: z.enum(['beep', 'led']).default('beep') }),
      output: z.object({ input: inputNameSchema, sent: z.number().int() }),
      errors: ['SCANNER_INPUT_UNKNOWN', 'NOT_SUPPORTED', 'IO_ERROR'],
    },
  },
  events: {
    document: {
      summary: 'An ID document was read (complete or not; check digits verified, failures listed).',
      payload: documentEventSchema,
      personal: true,
    },
    barcode: {
      summary: 'A barcode or QR code was read.',
      payload: barcodeEventSchema,
      personal: true,
    },
    armed: {
      summary: 'The scanner was armed or disarmed (by request or because the arming timed out).',
      payload: armedSchema.extend({ reason: z.enum(['request', 'timeout']), at: z.string() }),
    },
  },
  stateDetail: z.object({
    armed: z.boolean(),
    armedUntil: z.string().nullable(),
    inputs: z.record(inputNameSchema, z.object({ type: z.enum(['serial', 'hid']), model: z.string() })),
  }),
  sim: {
    document: {
      summary: 'Write an MRZ over the PTY: the ICAO specimen (expired) or one expiring in `expiresInDays`, or the given `lines`; optionally corrupt, split or cut by an unplug.',
      input: inputTarget.extend({
        format: z.enum(['TD1', 'TD2', 'TD3']).optional(),
        /** MRZ lines to send as they are (any format, e.g. an Emirates ID), instead of a specimen. */
        lines: z.array(z.string().regex(/^[A-Z0-9<]{1,50}$/)).min(1).max(3).optional(),
        expiresInDays: z.number().int().min(-36_500).max(36_500).optional(),
        badCheckDigit: z.enum(['documentNumber', 'birthDate', 'expiryDate', 'composite']).optional(),
        /** Write each line in two writes with a pause between them. */
        split: z.boolean().default(false),
        lineGapMs: z.number().int().min(0).max(5000).default(40),
        /** Unplug the reader after this many lines (a document pulled out mid-read, a cable yanked). */
        unplugAfterLines: z.number().int().min(0).max(2).optional(),
        replugAfterMs: z.number().int().min(0).max(60_000).optional(),
      }).refine((v) => (v.format === undefined) !== (v.lines === undefined), 'give format or lines'),
      output: z.object({ lines: z.number().int() }),
    },
    barcode: {
      summary: 'Write a barcode scan, with an AIM identifier prefix when `aim` is given (e.g. `]Q1`).',
      input: inputTarget.extend({ data: z.string().min(1).max(4096), aim: z.string().regex(/^\][A-Za-z][0-9A-Za-z]$/).optional() }),
      output: z.object({ bytes: z.number().int() }),
    },
    noise: {
      summary: 'Write line noise: random bytes then a terminator.',
      input: inputTarget.extend({ bytes: z.number().int().min(1).max(4096).default(16) }),
      output: z.object({ bytes: z.number().int() }),
    },
    unplug: {
      summary: 'Unplug the reader (its PTY disappears); replug after `replugAfterMs` when given.',
      input: inputTarget.extend({ replugAfterMs: z.number().int().min(0).max(60_000).optional() }),
      output: z.object({ plugged: z.boolean() }),
    },
    replug: {
      summary: 'Plug the reader back in at the same path.',
      input: inputTarget,
      output: z.object({ plugged: z.boolean() }),
    },
  },
} as const satisfies DeviceApi;

export type ScannerApi = typeof scannerApi;
