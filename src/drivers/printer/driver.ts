/**
 * The receipt printer driver: opens the configured transport, polls real-time status while idle, prints
 * jobs exactly once per idempotency key and answers when the printer confirms the end of the job.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Timer } from '../../core/clock.js';
import type { Driver, DriverDeps } from '../../core/driver.js';
import { ERROR_CODES, KioskError, toKioskError } from '../../core/errors.js';
import type { ByteStream } from '../../core/transport.js';
import { printerApi, type PrinterApi, type ReceiptDocument } from './api.js';
import type { PrinterConfig } from './config.js';
import { JobStore } from './jobs.js';
import { PrinterLink } from './link.js';
import { previewReceipt } from './preview.js';
import { asMidJobError, sendJob } from './print-job.js';
import { measureDocument } from './budget.js';
import { collectGarbage, collectIfGrown } from './collect.js';
import { Slicer } from './slicer.js';
import { renderReceipt } from './render.js';
import type { PrinterStatus } from './status.js';
import { createPrinterTransport, wireSecondsPerByte } from './transport.js';

type Out = Awaited<ReturnType<Driver<PrinterApi>['commands']['print']>>;

export async function createPrinterDriver(config: PrinterConfig, deps: DriverDeps<PrinterApi>): Promise<Driver<PrinterApi>> {
  return new PrinterDriver(config, deps);
}

export class PrinterDriver implements Driver<PrinterApi> {
  readonly api = printerApi;
  private stream: ByteStream | undefined;
  private link: PrinterLink | undefined;
  private pollTimer: Timer | undefined;
  private presenceTimer: Timer | undefined;
  private status: PrinterStatus | undefined;
  private answering = false;
  private job: string | undefined;
  private readonly jobs: JobStore;
  /** Renders (print and preview) run one at a time on this printer: memory and CPU stay those of one receipt. */
  private rendering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: PrinterConfig,
    private readonly deps: DriverDeps<PrinterApi>,
  ) {
    this.jobs = new JobStore(deps.stateDir);
  }

  readonly commands: Driver<PrinterApi>['commands'] = {
    print: ({ document, idempotencyKey }, ctx) => this.print(document, idempotencyKey, ctx.transaction),
    preview: async ({ document }) => {
      await measureDocument(document, this.config);
      const p = await this.oneAtATime(() => previewReceipt(document, this.config, new Slicer(10, collectIfGrown)));
      return { png: p.png.toString('base64'), width: p.width, height: p.height, bytes: p.bytes };
    },
    status: async () => {
      const status = await this.query();
      return this.statusPayload(status);
    },
  };

  /** Run a render after the ones already queued on this printer, and collect its garbage before the next. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> => {
      collectGarbage();
      return work().finally(collectGarbage);
    };
    const next = this.rendering.then(run, run);
    this.rendering = next.catch(() => undefined);
    return next;
  }

  async start(): Promise<void> {
    await this.jobs.load(this.deps.clock.now());
    const stream = await createPrinterTransport(this.config.transport, this.deps.transports);
    await stream.open().catch((err: unknown) => {
      throw linkError(err, this.devicePath());
    });
    this.stream = stream;
    stream.onClose((err) => this.onClosed(stream, err));
    this.link = new PrinterLink(stream, this.config.replyTimeoutMs, this.deps.clock);
    try {
      this.apply(await this.link.queryStatus());
    } catch (err) {
      await this.release();
      throw err;
    }
    this.schedulePoll();
    const path = this.devicePath();
    if (path) this.presenceTimer = this.deps.clock.setInterval(() => void this.checkPresence(stream, path), 250);
  }

  private devicePath(): string | undefined {
    const t = this.config.transport;
    return t?.type === 'serial' || t?.type === 'lp' ? t.path : undefined;
  }

  /**
   * A USB unplug removes the device node at once, but a serial port does not always report the hangup
   * (a PTY whose other side went away never does), so the path is watched too.
   */
  private async checkPresence(stream: ByteStream, path: string): Promise<void> {
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.onClosed(stream, Object.assign(new Error(`${path} disappeared`), { code: 'ENODEV' }));
    }
  }

  async stop(): Promise<void> {
    await this.release();
  }

  private async release(): Promise<void> {
    this.pollTimer?.cancel();
    this.presenceTimer?.cancel();
    this.pollTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    this.link?.detach(new KioskError('PRINT_INTERRUPTED', 'The printer link was closed while printing: the receipt may be partly printed; it will not be reprinted'));
    this.link = undefined;
    await stream?.close().catch(() => undefined);
  }

  private onClosed(stream: ByteStream, err: Error | undefined): void {
    if (this.stream !== stream) return; // closed by us
    this.deps.log.warn({ err: err?.message, transport: stream.label }, 'printer link lost');
    void this.release().finally(() => this.deps.host.lost(linkError(err ?? new Error(`${stream.label} closed`), this.devicePath())));
  }

  private schedulePoll(): void {
    this.pollTimer = this.deps.clock.setTimeout(() => void this.pollOnce(), this.config.statusPollMs);
  }

  private async pollOnce(): Promise<void> {
    if (!this.link) return;
    if (!this.job) await this.query().catch(() => undefined);
    if (this.link) this.schedulePoll();
  }

  /** Query now; a printer that stops answering is shown offline until it answers again. */
  private async query(): Promise<PrinterStatus> {
    const link = this.link;
    if (!link) throw new KioskError('DEVICE_UNAVAILABLE');
    try {
      const status = await link.queryStatus();
      this.apply(status);
      return status;
    } catch (err) {
      const k = toKioskError(err);
      if (k.code === 'TIMEOUT' && this.answering) {
        this.answering = false;
        this.deps.host.noteError('TIMEOUT');
        this.deps.host.setState('offline', { ...this.detail(), online: false });
        this.deps.host.emit('status', { ...this.statusPayload(this.status), online: false });
      }
      throw k;
    }
  }

  private apply(status: PrinterStatus): void {
    const prev = this.status;
    this.status = status;
    const changed = !this.answering || !prev || prev.paper !== status.paper || prev.cover !== status.cover || prev.online !== status.online || prev.cutterError !== status.cutterError;
    this.answering = true;
    if (changed) this.deps.host.emit('status', this.statusPayload(status));
    // A technician filters the journal by code (journalctl -u kioskd CODE=PAPER_OUT): say when it starts.
    if (status.paper === 'out' && prev?.paper !== 'out') this.deps.log.warn({ code: 'PAPER_OUT' }, 'paper out: refill the printer');
    if (status.cover === 'open' && prev?.cover !== 'open') this.deps.log.warn({ code: 'COVER_OPEN' }, 'printer cover open');
    this.refreshState();
  }

  private refreshState(): void {
    const s = this.status;
    const unusable = !s || s.paper === 'out' || s.cover === 'open' || s.cutterError || s.unrecoverableError;
    this.deps.host.setState(this.job ? 'busy' : unusable ? 'fault' : 'ready', this.detail());
  }

  private detail(): Record<string, unknown> {
    const s = this.status;
    return {
      transport: this.stream?.label ?? 'closed',
      paperWidthMm: this.config.paperWidthMm,
      paper: s?.paper ?? 'unknown',
      cover: s?.cover ?? 'unknown',
      online: (s?.online ?? false) && this.answering,
      cutterError: s?.cutterError ?? false,
      ...(this.job ? { job: this.job } : {}),
    };
  }

  private statusPayload(s: PrinterStatus | undefined): { paper: 'ok' | 'near_end' | 'out' | 'unknown'; cover: 'open' | 'closed' | 'unknown'; online: boolean; cutterError: boolean; at: string } {
    return { paper: s?.paper ?? 'unknown', cover: s?.cover ?? 'unknown', online: s?.online ?? false, cutterError: s?.cutterError ?? false, at: this.deps.clock.iso() };
  }

  private async print(document: ReceiptDocument, key: string, transaction: string | undefined): Promise<Out> {
    // the same key printing right now is already recorded as started: say so before looking it up
    if (this.job?.endsWith(`#${key}`)) throw new KioskError('DUPLICATE_REQUEST');
    const prior = this.jobs.get(key);
    if (prior?.state === 'printed') {
      return { jobId: prior.jobId, idempotencyKey: key, duplicate: true, bytes: prior.bytes ?? 0, rasterBlocks: prior.rasterBlocks ?? 0, durationMs: prior.durationMs ?? 0 };
    }
    if (prior) throw new KioskError('JOB_ALREADY_ATTEMPTED', undefined, { details: { jobId: prior.jobId, ...(prior.code ? { code: prior.code } : {}) } });
    if (this.job) throw new KioskError('DEVICE_BUSY');
    if (!this.link) throw new KioskError('DEVICE_UNAVAILABLE');
    const jobId = `job-${this.deps.clock.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    this.job = `${jobId}#${key}`;
    try {
      return await this.runJob(document, key, jobId, transaction);
    } finally {
      this.job = undefined;
      this.refreshState();
    }
  }

  private async runJob(document: ReceiptDocument, key: string, jobId: string, transaction: string | undefined): Promise<Out> {
    const t0 = this.deps.clock.monotonic();
    const progress = (phase: 'rendering' | 'sending' | 'finishing' | 'done' | 'failed', bytesSent: number, bytesTotal: number, code?: string): void =>
      this.deps.host.emit('progress', { jobId, ...(transaction ? { transaction } : {}), phase, bytesSent, bytesTotal, ...(code ? { code } : {}) });
    await measureDocument(document, this.config);
    progress('rendering', 0, 0);
    const job = await this.oneAtATime(() => renderReceipt(document, this.config, new Slicer(10, collectIfGrown)));
    const link = this.link;
    if (!link) throw new KioskError('DEVICE_UNAVAILABLE');
    const status = await this.query().catch((err: unknown) => {
      throw new KioskError('DEVICE_UNAVAILABLE', 'The printer does not answer status queries; nothing was printed', { cause: err });
    });
    preflight(status);
    await this.jobs.put(key, { jobId, state: 'started', at: this.deps.clock.iso() });
    this.refreshState();
    let sent = 0;
    try {
      await sendJob({
        link, job, pollMs: Math.min(500, this.config.statusPollMs), secondsPerByte: wireSecondsPerByte(this.config.transport),
        onStatus: (s) => this.apply(s),
        onProgress: (phase, bytesSent) => {
          sent = bytesSent;
          progress(phase, bytesSent, job.bytes);
        },
      });
    } catch (err) {
      const k = asMidJobError(err);
      link.dropCompletionWaiters();
      await link.clearBuffers().catch(() => undefined);
      await this.jobs.put(key, { jobId, state: 'failed', code: k.code, at: this.deps.clock.iso() });
      this.deps.host.count('jobs_failed');
      this.deps.host.noteError(k.code);
      progress('failed', sent, job.bytes, k.code);
      this.deps.log.warn({ jobId, code: k.code }, 'print job failed');
      throw k;
    }
    const durationMs = Math.round(this.deps.clock.monotonic() - t0);
    await this.jobs.put(key, { jobId, state: 'printed', at: this.deps.clock.iso(), bytes: job.bytes, rasterBlocks: job.rasterBlocks, durationMs });
    this.deps.host.count('jobs_printed');
    progress('done', job.bytes, job.bytes);
    this.deps.log.info({ jobId, bytes: job.bytes, rasterBlocks: job.rasterBlocks, durationMs }, 'receipt printed');
    return { jobId, idempotencyKey: key, duplicate: false, bytes: job.bytes, rasterBlocks: job.rasterBlocks, durationMs };
  }
}

/** Transport errors as stable codes: a vanished device node is DEVICE_NOT_FOUND (offline, retried), the rest IO_ERROR. */
function linkError(err: unknown, path: string | undefined): KioskError {
  const k = toKioskError(err);
  if (k.code !== 'INTERNAL') return k;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENODEV' || (path !== undefined && !existsSync(path))) return new KioskError('DEVICE_NOT_FOUND', `${path ?? 'the printer'} is gone (unplugged?)`, { cause: err });
  return new KioskError('IO_ERROR', `${ERROR_CODES.IO_ERROR.message}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** A job sent while the printer cannot print fails at once, before any byte goes out. */
function preflight(s: PrinterStatus): void {
  if (s.paper === 'out') throw new KioskError('PAPER_OUT');
  if (s.cover === 'open') throw new KioskError('COVER_OPEN');
  if (s.cutterError || s.unrecoverableError) throw new KioskError('PRINTER_ERROR');
  if (!s.online) throw new KioskError('DEVICE_UNAVAILABLE', 'The printer reports itself offline; nothing was printed');
}
