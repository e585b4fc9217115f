/** Receipt printer API: the MQTT contract of `device/printer`, including the receipt document model. */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';

const alignSchema = z.enum(['start', 'center', 'end', 'left', 'right']);
/** BCP 47-ish language tag, informative (e.g. "ar", "zh-Hans"); direction is what matters for layout. */
const langSchema = z.string().max(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as ar, en, zh-Hans');
const dirSchema = z.enum(['ltr', 'rtl', 'auto']).default('auto');
const lineText = z.string().min(1).max(2000).refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'control characters are not allowed (use \\n for a line break)');

export const textBlockSchema = z.strictObject({
  type: z.literal('text'),
  text: lineText,
  lang: langSchema.optional(),
  dir: dirSchema,
  align: alignSchema.default('start'),
  /** 1 = normal (12x24 dots), 2 = double width and height, 3 = triple. */
  size: z.number().int().min(1).max(3).default(1),
  bold: z.boolean().default(false),
  inverse: z.boolean().default(false),
});

export const rowBlockSchema = z.strictObject({
  type: z.literal('row'),
  key: z.string().min(1).max(200),
  value: z.string().min(1).max(200),
  lang: langSchema.optional(),
  dir: dirSchema,
  bold: z.boolean().default(false),
});

export const separatorBlockSchema = z.strictObject({ type: z.literal('separator'), style: z.enum(['single', 'double']).default('single') });

export const qrBlockSchema = z.strictObject({
  type: z.literal('qr'),
  data: z.string().min(1).max(1000),
  moduleSize: z.number().int().min(2).max(16).default(6),
  ecLevel: z.enum(['L', 'M', 'Q', 'H']).default('M'),
  align: alignSchema.default('center'),
});

export const barcodeBlockSchema = z.strictObject({
  type: z.literal('barcode'),
  symbology: z.literal('code128'),
  data: z.string().min(1).max(80).regex(/^[\x20-\x7e]+$/, 'printable ASCII only'),
  height: z.number().int().min(24).max(255).default(80),
  moduleWidth: z.number().int().min(2).max(6).default(2),
  hri: z.boolean().default(true),
  align: alignSchema.default('center'),
});

export const imageBlockSchema = z.strictObject({
  type: z.literal('image'),
  /** A PNG, base64; scaled down to the paper width, thresholded to black and white. */
  png: z.string().min(16).max(700_000).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
  align: alignSchema.default('center'),
});

export const feedBlockSchema = z.strictObject({ type: z.literal('feed'), lines: z.number().int().min(1).max(20).default(1) });
export const cutBlockSchema = z.strictObject({ type: z.literal('cut'), partial: z.boolean().default(true) });

export const blockSchema = z.discriminatedUnion('type', [
  textBlockSchema, rowBlockSchema, separatorBlockSchema, qrBlockSchema, barcodeBlockSchema, imageBlockSchema, feedBlockSchema, cutBlockSchema,
]);

/** A receipt: blocks top to bottom. Paper width comes from the device config. */
export const receiptDocumentSchema = z.strictObject({
  blocks: z.array(blockSchema).min(1).max(300),
  /** Feed and cut after the last block (unless the last block is a cut). */
  cut: z.boolean().default(true),
});

export type ReceiptDocument = z.output<typeof receiptDocumentSchema>;
export type ReceiptDocumentInput = z.input<typeof receiptDocumentSchema>;
export type Block = z.output<typeof blockSchema>;
export type TextBlock = z.output<typeof textBlockSchema>;
export type RowBlock = z.output<typeof rowBlockSchema>;

/** Same key, same receipt: a key never prints twice (kept across restarts). */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, '8-128 of A-Z a-z 0-9 . _ : -');

const paperSchema = z.enum(['ok', 'near_end', 'out', 'unknown']);
const coverSchema = z.enum(['open', 'closed', 'unknown']);

export const printerStatusSchema = z.object({
  paper: paperSchema,
  cover: coverSchema,
  online: z.boolean(),
  cutterError: z.boolean(),
  at: z.string(),
});

const pngOutput = z.object({ png: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() });

export const printerApi = {
  kind: 'printer',
  summary: 'ESC/POS receipt printer: receipts in any script (text or raster), QR and Code128, real paper/cover status, exactly-once jobs.',
  commands: {
    print: {
      summary: 'Print a receipt; answers when the printer has really finished (or failed). The same idempotencyKey never prints twice.',
      input: z.strictObject({ document: receiptDocumentSchema, idempotencyKey: idempotencyKeySchema }),
      output: z.object({
        jobId: z.string(),
        idempotencyKey: z.string(),
        /** true: this key was printed before; nothing was printed now. */
        duplicate: z.boolean(),
        bytes: z.number().int(),
        rasterBlocks: z.number().int(),
        durationMs: z.number(),
      }),
      errors: ['PAPER_OUT', 'COVER_OPEN', 'PRINTER_ERROR', 'PAPER_OUT_MID_JOB', 'PRINT_INTERRUPTED', 'JOB_ALREADY_ATTEMPTED', 'DUPLICATE_REQUEST', 'DOCUMENT_INVALID', 'FONT_MISSING', 'DEVICE_BUSY', 'DEVICE_UNAVAILABLE'],
      progressEvent: 'progress',
    },
    preview: {
      summary: 'Render a receipt to a PNG (base64) exactly as the virtual printer decodes the bytes a print would send. Prints nothing.',
      input: z.strictObject({ document: receiptDocumentSchema }),
      output: pngOutput,
      errors: ['DOCUMENT_INVALID', 'FONT_MISSING'],
    },
    status: {
      summary: 'Query the printer status now (DLE EOT 1-4).',
      input: z.strictObject({}),
      output: printerStatusSchema,
      errors: ['DEVICE_UNAVAILABLE', 'TIMEOUT'],
    },
  },
  events: {
    status: { summary: 'Paper, cover, online or cutter state changed.', payload: printerStatusSchema },
    progress: {
      summary: 'Progress of a print job.',
      payload: z.object({
        jobId: z.string(),
        transaction: z.string().optional(),
        phase: z.enum(['rendering', 'sending', 'finishing', 'done', 'failed']),
        bytesSent: z.number().int(),
        bytesTotal: z.number().int(),
        code: z.string().optional(),
        /** With `done`: millimetres of paper the job fed (dot rows / 8, to a tenth). */
        paperMm: z.number().min(0).optional(),
      }),
    },
  },
  stateDetail: z.object({
    transport: z.string(),
    paperWidthMm: z.union([z.literal(58), z.literal(80)]),
    paper: paperSchema,
    cover: coverSchema,
    online: z.boolean(),
    cutterError: z.boolean(),
    job: z.string().optional(),
  }),
  sim: {
    paper: {
      summary: 'Set the simulated paper sensor; with afterBytes, paper runs out after that many more received bytes.',
      input: z.strictObject({ state: z.enum(['ok', 'near_end', 'out']), afterBytes: z.number().int().min(0).optional() }),
      output: z.object({ paper: z.enum(['ok', 'near_end', 'out']) }),
    },
    cover: {
      summary: 'Open or close the simulated cover; with afterBytes, after that many more received bytes.',
      input: z.strictObject({ open: z.boolean(), afterBytes: z.number().int().min(0).optional() }),
      output: z.object({ cover: z.enum(['open', 'closed']) }),
    },
    cutter: {
      summary: 'Raise or clear a simulated autocutter error.',
      input: z.strictObject({ error: z.boolean() }),
      output: z.object({ cutterError: z.boolean() }),
    },
    silent: {
      summary: 'Stop (or resume) answering anything, like a printer that is switched off.',
      input: z.strictObject({ silent: z.boolean() }),
      output: z.object({ silent: z.boolean() }),
    },
    unplug: {
      summary: 'Unplug the simulated printer (both PTY ends vanish); with replugAfterMs it comes back by itself.',
      input: z.strictObject({ replugAfterMs: z.number().int().min(0).max(600_000).optional() }),
      output: z.object({ plugged: z.boolean() }),
    },
    replug: {
      summary: 'Plug the simulated printer back in at the same path.',
      input: z.strictObject({}),
      output: z.object({ plugged: z.boolean() }),
    },
    lastPage: {
      summary: 'The last cut page(s) as PNG (index 0 = newest), and how many pages were cut.',
      input: z.strictObject({ index: z.number().int().min(0).default(0) }),
      output: pngOutput.extend({ pages: z.number().int() }),
    },
  },
} as const satisfies DeviceApi;

export type PrinterApi = typeof printerApi;
