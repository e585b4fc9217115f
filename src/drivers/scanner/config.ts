/**
 * Config of `devices.scanner`: one device with any number of inputs, e.g. a document reader on a serial
 * port and a barcode scanner left in keyboard-wedge mode:
 *
 *   scanner:
 *     inputs:
 *       mrz: { type: serial, path: /dev/serial/by-id/usb-DESKO_...-if00, model: desko-cute }
 *       barcode: { type: hid, path: /dev/input/by-id/usb-Honeywell_...-event-kbd }
 */
import { z } from 'zod';
import { deviceCommon, serialTransportSchema } from '../../core/device-config.js';
import { inputNameSchema } from './api.js';
import { KEYMAP_NAMES } from './keymap.js';
import { PRESET_NAMES } from './presets.js';

const regexSource = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'a valid regular expression');

const hexBytes = z.string().regex(/^([0-9a-fA-F]{2})+$/, 'bytes as hex, e.g. 1b35');

const serialInputSchema = serialTransportSchema.extend({
  model: z.enum(PRESET_NAMES).default('generic'),
  /** Override the preset's line terminators (YAML: "\r", "\r\n"). */
  terminators: z.array(z.string().min(1).max(4)).min(1).optional(),
  /** Override the preset's header/checksum line patterns. */
  dropLines: z.array(regexSource).optional(),
  groupGapMs: z.number().int().min(10).max(10_000).optional(),
  /** Override the preset's host commands. */
  commands: z.strictObject({ beep: hexBytes.optional(), led: hexBytes.optional() }).optional(),
  /** How line bytes become text (QR codes from phones are UTF-8). */
  encoding: z.enum(['utf8', 'latin1']).default('utf8'),
  /** false for a barcode-only scanner: a code whose text looks like an MRZ line is then never held as a document. */
  detectMrz: z.boolean().default(true),
});

const hidInputSchema = z.strictObject({
  type: z.literal('hid'),
  /** /dev/input/by-id/usb-..-event-kbd: stable across re-enumeration. */
  path: z.string().min(1),
  keymap: z.enum(KEYMAP_NAMES).default('us'),
  /** Extra or changed keys: Linux key code -> [unshifted, shifted] characters. */
  keymapOverrides: z.record(z.string().regex(/^\d{1,3}$/), z.tuple([z.string().max(1), z.string().max(1)])).default({}),
  /** sizeof(struct input_event): 24 on 64-bit kernels/userspace, 16 on 32-bit (armhf) Raspberry Pi OS. */
  eventSize: z.union([z.literal(16), z.literal(24)]).optional(),
  groupGapMs: z.number().int().min(10).max(10_000).default(300),
  /** How often the non-blocking event device is polled while idle. */
  pollMs: z.number().int().min(1).max(200).default(10),
  detectMrz: z.boolean().default(true),
});

export const scannerInputSchema = z.discriminatedUnion('type', [serialInputSchema, hidInputSchema]);
export type ScannerInputConfig = z.output<typeof scannerInputSchema>;
export type SerialInputConfig = z.output<typeof serialInputSchema>;
export type HidInputConfig = z.output<typeof hidInputSchema>;

export const scannerConfigSchema = z.strictObject({
  ...deviceCommon,
  inputs: z
    .record(inputNameSchema, scannerInputSchema)
    .refine((inputs) => Object.keys(inputs).length > 0, 'at least one input'),
  /** `on-request`: scans are published only while armed by `enable`; `always`: armed from start. */
  arming: z.enum(['on-request', 'always']).default('on-request'),
});

export type ScannerConfig = z.output<typeof scannerConfigSchema>;
