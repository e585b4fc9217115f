/**
 * Scanner driver: opens every configured input, turns their reads into `document` and `barcode` events
 * while armed, and drops (and counts) them while not.
 *
 * Personal data: MRZ lines, names, numbers and barcode data go only into the events. Logs get the input,
 * the format/document type, validity and a keyed hash (`scanId`, also in the event) so a support engineer
 * can match a log line to what the UI saw without the log revealing anything.
 *
 * Hotplug: any input closing by itself (unplug) is reported with `host.lost`; the supervisor marks the
 * device offline, stops this driver and starts a new one with backoff until the path exists again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Timer } from '../../core/clock.js';
import type { CommandHandlers, Driver, DriverDeps } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { splitAim } from './aim.js';
import { scannerApi, type ScannerApi } from './api.js';
import type { ScannerConfig } from './config.js';
import { parseDocument } from './document.js';
import type { Read } from './grouping.js';
import { ScannerInput, serialFraming } from './input.js';

/** Per-process key: scan ids correlate within a run and cannot be brute-forced back to an MRZ. */
const SCAN_ID_KEY = randomBytes(32);

export function scanIdOf(text: string): string {
  return createHmac('sha256', SCAN_ID_KEY).update(text).digest('hex').slice(0, 16);
}

/** Test seam: the device-path watch (0 turns it off). */
export interface ScannerDriverOptions {
  presenceCheckMs?: number;
}

export function createScannerDriver(config: ScannerConfig, deps: DriverDeps<ScannerApi>, options: ScannerDriverOptions = {}): Driver<ScannerApi> {
  return new ScannerDriver(config, deps, options);
}

class ScannerDriver implements Driver<ScannerApi> {
  readonly api = scannerApi;
  private inputs: ScannerInput[] = [];
  private armed = false;
  private armedUntil: string | null = null;
  private armTimer: Timer | undefined;
  private stopping = false;

  constructor(
    private readonly config: ScannerConfig,
    private readonly deps: DriverDeps<ScannerApi>,
    private readonly options: ScannerDriverOptions,
  ) {}

  readonly commands: CommandHandlers<ScannerApi> = {
    enable: async ({ timeoutMs }) => this.setArmed(true, 'request', timeoutMs),
    disable: async () => this.setArmed(false, 'request'),
    beep: async ({ input, signal }) => this.beep(input, signal),
  };

  async start(signal: AbortSignal): Promise<void> {
    this.stopping = false;
    this.armed = this.config.arming === 'always';
    for (const [name, cfg] of Object.entries(this.config.inputs)) {
      if (signal.aborted) break;
      const input = new ScannerInput(name, cfg, this.deps.clock, {
        read: (r) => this.onRead(name, r),
        discarded: (counter, n) => this.onDiscarded(name, counter, n),
        lost: (err) => this.onLost(name, err),
      }, this.deps.transports, this.options.presenceCheckMs);
      this.inputs.push(input);
      await input.open();
      this.deps.log.info({ input: name, path: input.label, type: cfg.type }, 'scanner input open');
    }
    this.deps.host.setState('ready', this.detail());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.armTimer?.cancel();
    const inputs = this.inputs;
    this.inputs = [];
    await Promise.all(inputs.map((i) => i.close().catch(() => undefined)));
  }

  private detail(): Record<string, unknown> {
    const inputs: Record<string, { type: 'serial' | 'hid'; model: string }> = {};
    for (const [name, cfg] of Object.entries(this.config.inputs)) {
      inputs[name] = { type: cfg.type, model: cfg.type === 'serial' ? cfg.model : `hid-${cfg.keymap}` };
    }
    return { armed: this.armed, armedUntil: this.armedUntil, inputs };
  }

  private setArmed(armed: boolean, reason: 'request' | 'timeout', timeoutMs?: number): { armed: boolean; until: string | null } {
    this.armTimer?.cancel();
    this.armed = armed;
    this.armedUntil = armed && timeoutMs !== undefined ? new Date(this.deps.clock.now() + timeoutMs).toISOString() : null;
    if (armed && timeoutMs !== undefined) {
      this.armTimer = this.deps.clock.setTimeout(() => this.setArmed(false, 'timeout'), timeoutMs);
    }
    this.deps.host.patchDetail({ armed: this.armed, armedUntil: this.armedUntil });
    this.deps.host.emit('armed', { armed: this.armed, until: this.armedUntil, reason, at: this.deps.clock.iso() });
    this.deps.log.info({ armed, reason, timeoutMs }, armed ? 'scanner armed' : 'scanner disarmed');
    return { armed: this.armed, until: this.armedUntil };
  }

  private onRead(input: string, read: Read): void {
    if (!this.armed) {
      this.deps.host.count('scans_dropped_disarmed');
      this.deps.log.debug({ input, kind: read.kind }, 'scan dropped: scanner not armed');
      return;
    }
    if (read.kind === 'barcode') this.emitBarcode(input, read.text);
    else this.emitDocument(input, read.lines, read.complete);
  }

  private emitBarcode(input: string, text: string): void {
    const { aim, symbology, data } = splitAim(text);
    const scanId = scanIdOf(text);
    this.deps.host.count('barcodes');
    this.deps.log.info({ input, symbology, length: data.length, scanId }, 'barcode read');
    this.deps.host.emit('barcode', { input, data, symbology, aim, at: this.deps.clock.iso() });
  }

  private emitDocument(input: string, lines: readonly string[], complete: boolean): void {
    const doc = parseDocument(lines, complete, new Date(this.deps.clock.now()));
    const scanId = scanIdOf(lines.join('\n'));
    this.deps.host.count(doc.valid ? 'documents' : 'documents_invalid');
    this.deps.log.info(
      { input, format: doc.format, documentType: doc.documentType, valid: doc.valid, problem: doc.problem, invalidFields: doc.invalidFields, scanId },
      'document read',
    );
    this.deps.host.emit('document', { ...doc, input, scanId, at: this.deps.clock.iso() });
  }

  private onDiscarded(input: string, counter: string, n: number): void {
    this.deps.host.count(counter, n);
    this.deps.log.warn({ input, counter, n }, 'scanner input discarded data');
  }

  private onLost(input: string, err: Error): void {
    if (this.stopping) return;
    this.deps.log.warn({ input, code: (err as NodeJS.ErrnoException).code }, 'scanner input lost');
    this.deps.host.lost(err);
  }

  private async beep(name: string | undefined, signal: 'beep' | 'led'): Promise<{ input: string; sent: number }> {
    if (name !== undefined && !(name in this.config.inputs)) throw new KioskError('SCANNER_INPUT_UNKNOWN', `no scanner input ${name}`);
    const hexOf = (i: ScannerInput): string | undefined => (i.cfg.type === 'serial' ? serialFraming(i.cfg).commands[signal] : undefined);
    const input = this.inputs.find((i) => (name === undefined || i.name === name) && hexOf(i) !== undefined);
    const hex = input && hexOf(input);
    if (!input || !hex) throw new KioskError('NOT_SUPPORTED', `${name ?? 'no scanner input'} has no ${signal} command`);
    const bytes = Buffer.from(hex, 'hex');
    await input.write(bytes);
    return { input: input.name, sent: bytes.length };
  }
}
