/**
 * Receipt printer: render time and bytes on the wire for an English-only and an Arabic receipt, and the
 * print time over a 115200-baud PTY link (the virtual printer consumes bytes at 10 bits per byte, as a
 * UART does) against the wire-time limit bytes x 10 / baud, all in one run. The driver answers only when
 * the printer has processed the GS r 1 marker after the last byte, so print time >= wire time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import type { DriverHost } from '../src/core/driver.js';
import { createLogger } from '../src/core/logger.js';
import { receiptDocumentSchema, type PrinterApi, type ReceiptDocument } from '../src/drivers/printer/api.js';
import { printerConfigSchema } from '../src/drivers/printer/config.js';
import { PrinterDriver } from '../src/drivers/printer/driver.js';
import { renderReceipt } from '../src/drivers/printer/render.js';
import { PrinterSimulator } from '../src/drivers/printer/sim.js';
import { receiptFor } from '../test/fixtures/printer/receipts.js';
import { createTransports } from '../src/transports/factory.js';

const BAUD = 115_200;
const quiet = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const host: DriverHost<PrinterApi> = {
  device: 'printer', setState: () => undefined, patchDetail: () => undefined, emit: () => undefined,
  lost: () => undefined, count: () => undefined, noteError: () => undefined,
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const r1 = (v: number): number => Math.round(v * 10) / 10;

async function timeRender(doc: ReceiptDocument, n: number): Promise<{ coldMs: number; medianMs: number; bytes: number; rasterBlocks: number }> {
  const cfg = printerConfigSchema.parse({});
  const samples: number[] = [];
  let bytes = 0;
  let rasterBlocks = 0;
  for (let i = 0; i <= n; i++) {
    const t = performance.now();
    const job = await renderReceipt(doc, cfg);
    samples.push(performance.now() - t);
    bytes = job.bytes;
    rasterBlocks = job.rasterBlocks;
  }
  const [cold = 0, ...warm] = samples;
  return { coldMs: cold, medianMs: median(warm), bytes, rasterBlocks };
}

export async function benchPrinter(opts: { quick: boolean }): Promise<{ title: string; rows: Array<Record<string, string | number>>; notes?: string[] }> {
  const docs: Array<[string, ReceiptDocument]> = [
    ['English only', receiptDocumentSchema.parse(receiptFor('en'))],
    ['Arabic', receiptDocumentSchema.parse(receiptFor('ar'))],
  ];
  const renders = opts.quick ? 5 : 30;
  const prints = opts.quick ? 2 : 5;
  const rows: Array<Record<string, string | number>> = [];
  // English first: it must not load canvas at all, so the Arabic "cold" figure includes loading it
  const rendered = [];
  for (const [name, doc] of docs) rendered.push({ name, doc, ...(await timeRender(doc, renders)) });

  const dir = mkdtempSync(join(tmpdir(), 'kioskd-bench-printer-'));
  const config = printerConfigSchema.parse({ simulate: true, statusPollMs: 60_000, sim: { wireBaud: BAUD } });
  const sim = await PrinterSimulator.start(config, { log: quiet, clock: systemClock, workDir: join(dir, 'sim'), stateDir: join(dir, 'simstate') });
  const driver = new PrinterDriver(sim.driverConfig, { host, log: quiet, clock: systemClock, transports: createTransports({ clock: systemClock }), journal: undefined, stateDir: join(dir, 'state'), simulatorLink: undefined });
  try {
    await driver.start();
    let seq = 0;
    for (const r of rendered) {
      const times: number[] = [];
      const simTimes: number[] = [];
      // one unmeasured print first: the virtual printer's glyph cache and the qrcode import are its own warm-up
      await driver.commands.print({ document: r.doc, idempotencyKey: `bench-warm-${process.pid}-${++seq}` }, { transaction: undefined, signal: new AbortController().signal, requester: 'bench', role: 'ui' });
      for (let i = 0; i < prints; i++) {
        const busy0 = sim.printer.busyMs;
        const t = performance.now();
        await driver.commands.print({ document: r.doc, idempotencyKey: `bench-${process.pid}-${++seq}` }, { transaction: undefined, signal: new AbortController().signal, requester: 'bench', role: 'ui' });
        times.push(performance.now() - t);
        simTimes.push(sim.printer.busyMs - busy0);
      }
      const wireMs = (r.bytes * 10 * 1000) / BAUD;
      const printMs = median(times);
      rows.push({
        receipt: r.name,
        bytesOnWire: r.bytes,
        rasterBlocks: r.rasterBlocks,
        renderColdMs: r1(r.coldMs),
        renderMedianMs: r1(r.medianMs),
        printMedianMs: r1(printMs),
        wireLimitMs: r1(wireMs),
        printOverWire: r1(printMs / wireMs),
        overheadMs: r1(printMs - wireMs),
        simDrawMs: r1(median(simTimes)),
      });
    }
  } finally {
    await driver.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: `Receipt printer: render and print over a ${BAUD}-baud PTY link (virtual printer paced at bytes x 10 / baud)`,
    rows,
    notes: [
      `renders: ${renders} warm (+1 cold) per receipt; prints: ${prints} per receipt after one unmeasured warm-up print, median.`,
      'renderColdMs for Arabic includes the lazy import of @napi-rs/canvas and font registration; the English receipt never loads canvas.',
      'printMedianMs = from the print call to the answer, which waits for the GS r 1 reply after the last byte (render + status query + send + wire + completion); overheadMs = printMedianMs - wireLimitMs; simDrawMs = time the virtual printer spent drawing the page (its own cost, part of the overhead, mostly after the last byte for text).',
      'The PTY itself has no line rate: the virtual printer consumes bytes at 115200 baud, so the wire figure is modelled, not a UART measurement. Print mechanism speed is not modelled.',
    ],
  };
}
