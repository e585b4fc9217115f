/** Config of `devices.printer`. */
import { z } from 'zod';
import { deviceCommon, serialTransportSchema, tcpTransportSchema } from '../../core/device-config.js';
import { CODE_PAGE_NAMES, type CodePageName } from './codepages.js';
import { BUNDLED_FONTS } from './font-files.js';

const hexId = z.union([z.number().int().min(0).max(0xffff), z.string().regex(/^(0x)?[0-9a-fA-F]{4}$/).transform((s) => parseInt(s.replace(/^0x/, ''), 16))]);

/** Kernel line-printer device (usblp): prefer /dev/usb/lp-by-id style udev links. */
export const lpTransportSchema = z.strictObject({ type: z.literal('lp'), path: z.string().min(1) });

/** Raw USB bulk endpoints (libusb) when usblp is not bound: by vendor:product and optional serial. */
export const usbTransportSchema = z.strictObject({
  type: z.literal('usb'),
  vendorId: hexId,
  productId: hexId,
  serialNumber: z.string().optional(),
});

const DEFAULT_FONTS = BUNDLED_FONTS;

/** Receipt fonts; each defaults to the copy installed from npm (font-files.ts). */
export const fontsSchema = z.strictObject({
  latin: z.string().default(DEFAULT_FONTS.latin),
  latinBold: z.string().default(DEFAULT_FONTS.latinBold),
  arabic: z.string().default(DEFAULT_FONTS.arabic),
  arabicBold: z.string().default(DEFAULT_FONTS.arabicBold),
  cjk: z.string().default(DEFAULT_FONTS.cjk),
  cjkBold: z.string().default(DEFAULT_FONTS.cjkBold),
  /** The virtual printer's built-in font A (12x24). */
  mono: z.string().default(DEFAULT_FONTS.mono),
  monoBold: z.string().default(DEFAULT_FONTS.monoBold),
});
export type FontPaths = z.output<typeof fontsSchema>;

export const printerConfigSchema = z.strictObject({
  ...deviceCommon,
  /** Required unless simulated (the simulator supplies a PTY). Serial defaults to hardware flow control. */
  transport: z
    .discriminatedUnion('type', [
      serialTransportSchema.extend({ rtscts: z.boolean().default(true), baudRate: z.number().int().positive().default(115200) }),
      tcpTransportSchema.extend({ port: z.number().int().min(1).max(65535).default(9100) }),
      lpTransportSchema,
      usbTransportSchema,
    ])
    .optional(),
  paperWidthMm: z.union([z.literal(58), z.literal(80)]).default(80),
  /** Code pages this printer has, in order of preference; text in none of them is rasterised. */
  codePages: z.array(z.enum(CODE_PAGE_NAMES as [CodePageName, ...CodePageName[]])).default(['cp437', 'cp858', 'wpc1252', 'cp866']),
  /** native: GS ( k (few bytes, printer draws crisp modules); raster: for printers without it. */
  qr: z.enum(['native', 'raster']).default('native'),
  /** Rows per GS v 0 band; real-time status queries go between bands. */
  bandRows: z.number().int().min(8).max(1024).default(128),
  statusPollMs: z.number().int().min(100).max(60_000).default(2000),
  replyTimeoutMs: z.number().int().min(50).max(30_000).default(1000),
  fonts: fontsSchema.prefault({}),
  sim: z
    .strictObject({
      /** Pace the virtual printer at this baud rate (bytes x 10 / baud), like a real serial link. 0 = as fast as it reads. */
      wireBaud: z.number().int().min(0).default(0),
      keepPages: z.number().int().min(1).max(50).default(5),
    })
    .prefault({}),
});

export type PrinterConfig = z.output<typeof printerConfigSchema>;

/** Printable dots across the paper at 203 dpi (8 dots/mm). */
export function paperDots(widthMm: 58 | 80): number {
  return widthMm === 58 ? 384 : 576;
}
