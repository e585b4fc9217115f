import { afterEach, describe, expect, it } from 'vitest';
import { hasPty } from '../../helpers/env.js';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';
import { receiptFor } from '../../fixtures/printer/receipts.js';
import { startRig, until, type Rig } from './harness.js';

const doc = (lang: Parameters<typeof receiptFor>[0]) => receiptDocumentSchema.parse(receiptFor(lang));
const ctx = { transaction: 't-1', signal: new AbortController().signal, requester: 'test', role: 'ui' as const };
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (process.env.PRINTER_TEST_DEBUG) console.log((err as Error).message);
    return (err as { code: string }).code;
  }
  return 'resolved';
}

describe.skipIf(!hasPty)('printer driver against the virtual printer on a PTY', () => {
  it('prints a receipt, answers after the completion marker, and the page matches the preview', async () => {
    rig = await startRig();
    expect(rig.host.status).toBe('ready');
    expect(rig.host.detail).toMatchObject({ paper: 'ok', cover: 'closed', online: true, paperWidthMm: 80 });
    const res = await rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'receipt-en-0001' }, ctx);
    expect(res).toMatchObject({ idempotencyKey: 'receipt-en-0001', duplicate: false, rasterBlocks: 0 });
    expect(rig.sim.printer.paper.pages).toHaveLength(1);
    const page = await rig.sim.page();
    const preview = await rig.driver.commands.preview({ document: doc('en') }, ctx);
    expect(preview.png).toBe(page.png.toString('base64'));
    const phases = rig.host.events.filter((e) => e.event === 'progress').map((e) => e.payload.phase);
    expect(phases[0]).toBe('rendering');
    expect(phases.at(-1)).toBe('done');
    expect(rig.host.events.find((e) => e.event === 'progress')?.payload.transaction).toBe('t-1');
  });

  it('never prints the same idempotency key twice, also after a restart', async () => {
    rig = await startRig();
    const first = await rig.driver.commands.print({ document: doc('de'), idempotencyKey: 'dup-key-0001' }, ctx);
    const again = await rig.driver.commands.print({ document: doc('de'), idempotencyKey: 'dup-key-0001' }, ctx);
    expect(again).toMatchObject({ jobId: first.jobId, duplicate: true });
    await rig.restartDriver();
    const afterRestart = await rig.driver.commands.print({ document: doc('de'), idempotencyKey: 'dup-key-0001' }, ctx);
    expect(afterRestart).toMatchObject({ jobId: first.jobId, duplicate: true });
    expect(rig.sim.printer.paper.pages).toHaveLength(1);
  });

  it('refuses a concurrent job with the same key (DUPLICATE_REQUEST) or another key (DEVICE_BUSY)', async () => {
    rig = await startRig({ sim: { wireBaud: 57_600 } }); // ~3 s for this receipt: the checks land mid-job
    const a = rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'conc-key-0001' }, ctx);
    expect(await codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'conc-key-0001' }, ctx))).toBe('DUPLICATE_REQUEST');
    // also once the key is on disk as started and bytes are flowing
    const sim = rig.sim;
    await until(() => sim.printer.received > 2000, 5000, 'job under way');
    expect(await codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'conc-key-0001' }, ctx))).toBe('DUPLICATE_REQUEST');
    expect(await codeOf(rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'conc-key-0002' }, ctx))).toBe('DEVICE_BUSY');
    await a;
    expect(rig.sim.printer.paper.pages).toHaveLength(1);
  });

  it('fails at once with PAPER_OUT when out of paper, sends nothing, and the key stays usable', async () => {
    rig = await startRig();
    await rig.sim.commands.paper?.({ state: 'out' });
    await until(() => rig?.host.detail.paper === 'out', 3000, 'paper out in state');
    expect(rig.host.status).toBe('fault');
    expect(rig.host.statusEvents().at(-1)).toMatchObject({ paper: 'out' });
    const before = rig.sim.printer.received;
    expect(await codeOf(rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'paper-key-0001' }, ctx))).toBe('PAPER_OUT');
    // only the 12 bytes of one DLE EOT 1-4 query went out, no job bytes
    expect(rig.sim.printer.received - before).toBeLessThanOrEqual(24);
    await rig.sim.commands.paper?.({ state: 'ok' });
    const res = await rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'paper-key-0001' }, ctx);
    expect(res.duplicate).toBe(false);
    expect(rig.sim.printer.paper.pages).toHaveLength(1);
  });

  it('paper out mid-job fails with PAPER_OUT_MID_JOB, clears the printer buffer and never reprints after a refill', async () => {
    rig = await startRig();
    await rig.sim.commands.paper?.({ state: 'out', afterBytes: 12_000 });
    expect(await codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'mid-key-0001' }, ctx))).toBe('PAPER_OUT_MID_JOB');
    const pagesAfterFailure = rig.sim.printer.paper.pages.length; // the partly printed end of the roll
    expect(pagesAfterFailure).toBe(1);
    await rig.sim.commands.paper?.({ state: 'ok' });
    await until(() => rig?.host.status === 'ready', 3000, 'ready after refill');
    expect(rig.sim.printer.paper.current().inkRows()).toBeUndefined();
    expect(rig.sim.printer.paper.pages).toHaveLength(pagesAfterFailure);
    expect(await codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'mid-key-0001' }, ctx))).toBe('JOB_ALREADY_ATTEMPTED');
    expect(rig.host.events.filter((e) => e.event === 'progress').at(-1)?.payload).toMatchObject({ phase: 'failed', code: 'PAPER_OUT_MID_JOB' });
  });

  it('cover open: COVER_OPEN before a job, PRINT_INTERRUPTED when opened during one', async () => {
    rig = await startRig();
    await rig.sim.commands.cover?.({ open: true });
    await until(() => rig?.host.detail.cover === 'open', 3000, 'cover open in state');
    expect(rig.host.status).toBe('fault');
    expect(await codeOf(rig.driver.commands.print({ document: doc('fr'), idempotencyKey: 'cover-key-0001' }, ctx))).toBe('COVER_OPEN');
    await rig.sim.commands.cover?.({ open: false });
    await until(() => rig?.host.status === 'ready', 3000, 'ready after closing');
    await rig.sim.commands.cover?.({ open: true, afterBytes: 2000 });
    expect(await codeOf(rig.driver.commands.print({ document: doc('zh'), idempotencyKey: 'cover-key-0002' }, ctx))).toBe('PRINT_INTERRUPTED');
  });

  it('answers status now, and refuses a job with PRINTER_ERROR on a cutter error', async () => {
    rig = await startRig();
    expect(await rig.driver.commands.status({}, ctx)).toMatchObject({ paper: 'ok', cover: 'closed', online: true, cutterError: false });
    await rig.sim.commands.cutter?.({ error: true });
    expect(await rig.driver.commands.status({}, ctx)).toMatchObject({ online: false, cutterError: true });
    expect(rig.host.status).toBe('fault');
    expect(await codeOf(rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'cutter-key-0001' }, ctx))).toBe('PRINTER_ERROR');
    await rig.sim.commands.cutter?.({ error: false });
    expect((await rig.driver.commands.print({ document: doc('en'), idempotencyKey: 'cutter-key-0001' }, ctx)).duplicate).toBe(false);
  });

  it('reports near end as a status change and stays ready', async () => {
    rig = await startRig();
    await rig.sim.commands.paper?.({ state: 'near_end' });
    await until(() => rig?.host.detail.paper === 'near_end', 3000, 'near end in state');
    expect(rig.host.status).toBe('ready');
    expect(rig.host.statusEvents().at(-1)).toMatchObject({ paper: 'near_end', online: true });
  });

  it('shows a printer that stops answering as offline, and ready again when it answers', async () => {
    rig = await startRig();
    await rig.sim.commands.silent?.({ silent: true });
    await until(() => rig?.host.status === 'offline', 3000, 'offline');
    expect(rig.host.detail.online).toBe(false);
    await rig.sim.commands.silent?.({ silent: false });
    await until(() => rig?.host.status === 'ready', 3000, 'ready again');
  });

  it('unplug mid-job: PRINT_INTERRUPTED, host.lost, and after replug the key is not printed again', async () => {
    rig = await startRig({ sim: { wireBaud: 9600 } });
    const job = codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'unplug-key-0001' }, ctx));
    const sim = rig.sim;
    await until(() => sim.printer.received > 1500, 10_000, 'job under way');
    await sim.unplug();
    expect(await job).toBe('PRINT_INTERRUPTED');
    await until(() => (rig?.host.lostErrors.length ?? 0) > 0, 3000, 'host.lost');
    await sim.replug();
    await rig.restartDriver();
    expect(rig.host.status).toBe('ready');
    expect(await codeOf(rig.driver.commands.print({ document: doc('ar'), idempotencyKey: 'unplug-key-0001' }, ctx))).toBe('JOB_ALREADY_ATTEMPTED');
  });
});
