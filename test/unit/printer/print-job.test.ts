import { ManualClock } from '../../../src/core/test-clocks.js';
import { settle } from '../../helpers/clock.js';
import { describe, expect, it } from 'vitest';
import { Listeners, type ByteStream } from '../../../src/transports/byte-stream.js';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';
import { printerConfigSchema } from '../../../src/drivers/printer/config.js';
import { EscPosDecoder } from '../../../src/drivers/printer/decoder.js';
import { PrinterLink } from '../../../src/drivers/printer/link.js';
import { asMidJobError, sendJob } from '../../../src/drivers/printer/print-job.js';
import { renderReceipt } from '../../../src/drivers/printer/render.js';
import { receiptFor } from '../../fixtures/printer/receipts.js';

/** A printer that answers every DLE EOT with `status[n-1]` and GS r 1 with paper ok, recording writes. */
class ScriptedPrinter implements ByteStream {
  readonly writes: Uint8Array[] = [];
  readonly label = 'scripted';
  isOpen = true;
  status = [0x12, 0x12, 0x12, 0x12];
  /** After this many writes, paper-out is reported (and GS r is never answered). */
  paperOutAfterWrites = Infinity;
  private readonly data = new Listeners<[Buffer]>();
  async open(): Promise<void> {}
  async close(): Promise<void> {}
  onData(l: (chunk: Buffer) => void): () => void {
    return this.data.add(l);
  }
  onClose(): () => void {
    return () => undefined;
  }
  async write(bytes: Uint8Array): Promise<void> {
    this.writes.push(bytes);
    const out = this.writes.length > this.paperOutAfterWrites;
    const replies: number[] = [];
    for (const { cmd } of new EscPosDecoder().push(bytes)) {
      if (cmd.op === 'realtimeStatus') replies.push(cmd.n === 4 && out ? 0x72 : (this.status[cmd.n - 1] as number));
      if (cmd.op === 'transmitStatus' && !out) replies.push(0x00);
      if (cmd.op === 'clearBuffers') replies.push(0x37, 0x25, 0x00);
    }
    if (replies.length) setImmediate(() => this.data.emit(Buffer.from(replies)));
  }
}

const cfg = printerConfigSchema.parse({ bandRows: 24 });

describe('sending a job', () => {
  it('puts status queries only between complete commands, never inside raster data', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse(receiptFor('ar')), cfg);
    const printer = new ScriptedPrinter();
    const link = new PrinterLink(printer, 500, new ManualClock());
    const phases: string[] = [];
    await sendJob({ link, job, pollMs: 0, secondsPerByte: undefined, writeBytes: 1, onStatus: () => undefined, onProgress: (p) => phases.push(p) });
    const queries = printer.writes.filter((w) => w[0] === 0x10 && w[1] === 0x04);
    expect(queries.length).toBeGreaterThan(10);
    for (const w of printer.writes) {
      const d = new EscPosDecoder();
      d.push(w);
      expect(d.pendingBytes, 'every write is whole commands').toBe(0);
    }
    // the job's bytes, in order, are exactly the rendered chunks (+ GS r 1 at the end)
    const jobWrites = printer.writes.filter((w) => !(w[0] === 0x10 && w[1] === 0x04));
    expect(Buffer.concat(jobWrites.slice(0, -1))).toEqual(Buffer.concat(job.chunks));
    expect(jobWrites.length).toBe(job.chunks.length + 1);
    expect(Buffer.from(jobWrites.at(-1) as Uint8Array).toString('hex')).toBe('1d7201');
    expect(phases.at(-1)).toBe('finishing');
  });

  it('joins whole commands into writes of at most 4 KB by default', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse(receiptFor('zh')), cfg);
    const printer = new ScriptedPrinter();
    await sendJob({ link: new PrinterLink(printer, 500, new ManualClock()), job, pollMs: 0, secondsPerByte: undefined, onStatus: () => undefined, onProgress: () => undefined });
    const jobWrites = printer.writes.filter((w) => !(w[0] === 0x10 && w[1] === 0x04));
    expect(jobWrites.length).toBeLessThan(job.chunks.length / 2);
    for (const w of jobWrites.slice(0, -1)) {
      const d = new EscPosDecoder();
      d.push(w);
      expect(d.pendingBytes).toBe(0);
      expect(w.length).toBeLessThanOrEqual(Math.max(4096, ...job.chunks.map((c) => c.length)));
    }
    expect(Buffer.concat(jobWrites.slice(0, -1))).toEqual(Buffer.concat(job.chunks));
  });

  it('stops sending at the first paper-out status and never resends', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse(receiptFor('zh')), cfg);
    const printer = new ScriptedPrinter();
    printer.paperOutAfterWrites = 6;
    const link = new PrinterLink(printer, 500, new ManualClock());
    await expect(sendJob({ link, job, pollMs: 0, secondsPerByte: undefined, writeBytes: 1, onStatus: () => undefined, onProgress: () => undefined })).rejects.toMatchObject({ code: 'PAPER_OUT_MID_JOB' });
    const jobWrites = printer.writes.filter((w) => !(w[0] === 0x10 && w[1] === 0x04));
    const sent = Buffer.concat(jobWrites);
    expect(sent.length).toBeLessThan(job.bytes);
    expect(Buffer.concat(job.chunks).subarray(0, sent.length)).toEqual(sent); // a prefix, nothing twice
  });

  it('a printer that never confirms the end fails as PRINT_INTERRUPTED, not as success', async () => {
    const job = await renderReceipt(receiptDocumentSchema.parse(receiptFor('en')), cfg);
    const printer = new ScriptedPrinter();
    const clock = new ManualClock();
    const link = new PrinterLink(printer, 100, clock);
    // the printer answers the first status queries, then goes silent before the GS r 1 reply
    let writes = 0;
    const write = printer.write.bind(printer);
    printer.write = async (b) => {
      if (++writes > job.chunks.length) return;
      await write(b);
    };
    const sending = sendJob({ link, job, pollMs: 5, secondsPerByte: undefined, writeBytes: 1, onStatus: () => undefined, onProgress: () => undefined });
    const err = await settle(clock, sending, { stepMs: 20, maxMs: 30_000 }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect(asMidJobError(err).code).toBe('PRINT_INTERRUPTED');
  });
});
