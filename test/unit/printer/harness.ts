/** Driver + virtual printer on a real PTY pair, with a recording DriverHost. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/clock.js';
import type { DriverHost } from '../../../src/core/driver.js';
import { createLogger } from '../../../src/core/logger.js';
import type { PrinterApi } from '../../../src/drivers/printer/api.js';
import { printerConfigSchema, type PrinterConfig } from '../../../src/drivers/printer/config.js';
import { PrinterDriver } from '../../../src/drivers/printer/driver.js';
import { PrinterSimulator } from '../../../src/drivers/printer/sim.js';
import { realTransports } from '../../helpers/transports.js';

export const quietLog = createLogger({ level: process.env.PRINTER_TEST_DEBUG ? 'debug' : 'fatal', journald: false, write: (l) => void (process.env.PRINTER_TEST_DEBUG && process.stdout.write(l)) });

export class RecordingHost implements DriverHost<PrinterApi> {
  readonly device = 'printer';
  status = 'starting';
  detail: Record<string, unknown> = {};
  readonly events: Array<{ event: string; payload: Record<string, unknown> }> = [];
  readonly counters: Record<string, number> = {};
  lostErrors: unknown[] = [];
  setState(status: string, detail?: Record<string, unknown>): void {
    this.status = status;
    if (detail) this.detail = detail;
  }
  patchDetail(patch: Record<string, unknown>): void {
    this.detail = { ...this.detail, ...patch };
  }
  emit(event: string, payload: unknown): void {
    this.events.push({ event, payload: payload as Record<string, unknown> });
  }
  lost(err: unknown): void {
    this.lostErrors.push(err);
  }
  count(counter: string, by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by;
  }
  noteError(): void {}
  statusEvents(): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.event === 'status').map((e) => e.payload);
  }
}

export interface Rig {
  sim: PrinterSimulator;
  driver: PrinterDriver;
  host: RecordingHost;
  stateDir: string;
  config: PrinterConfig;
  /** A new driver on the same state dir (a daemon restart). */
  restartDriver(): Promise<PrinterDriver>;
  close(): Promise<void>;
}

export async function startRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-printer-'));
  const config = printerConfigSchema.parse({ simulate: true, statusPollMs: 150, replyTimeoutMs: 400, ...overrides });
  const sim = await PrinterSimulator.start(config, { log: quietLog, clock: systemClock, workDir: join(dir, 'sim'), stateDir: join(dir, 'simstate') });
  const stateDir = join(dir, 'state');
  const host = new RecordingHost();
  const make = (): PrinterDriver =>
    new PrinterDriver(sim.driverConfig, { host, log: quietLog, clock: systemClock, transports: realTransports(), journal: undefined, stateDir, simulatorLink: undefined });
  const rig: Rig = {
    sim, host, stateDir, config,
    driver: make(),
    async restartDriver() {
      await rig.driver.stop();
      rig.driver = make();
      await rig.driver.start();
      return rig.driver;
    },
    async close() {
      await rig.driver.stop();
      await sim.stop();
    },
  };
  await rig.driver.start();
  return rig;
}

/** Poll a condition (for real I/O to happen), failing after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
