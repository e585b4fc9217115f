/** In-process rig for the card driver: a fake host (a tiny supervisor), a real journal, the real simulator over TCP. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/clock.js';
import type { CommandContext, DeviceStatus, Driver, DriverHost } from '../../../src/core/driver.js';
import type { Role } from '../../../src/core/roles.js';
import { Journal } from '../../../src/core/journal.js';
import { createLogger } from '../../../src/core/logger.js';
import type { CardApi } from '../../../src/drivers/card/api.js';
import { cardConfigSchema, type CardConfig } from '../../../src/drivers/card/config.js';
import { createCardDriver } from '../../../src/drivers/card/driver.js';
import { startCardSimulator, type CardSimulator } from '../../../src/drivers/card/sim.js';
import { realTransports } from '../../helpers/transports.js';

export interface Rig {
  sim: CardSimulator;
  driver: Driver<CardApi>;
  journal: Journal;
  host: FakeHost;
  logs: string[];
  dir: string;
  ctx: (transaction?: string, role?: Role) => CommandContext;
  close(): Promise<void>;
}

export class FakeHost implements DriverHost<CardApi> {
  readonly device = 'card';
  status: DeviceStatus = 'starting';
  readonly events: Array<{ event: string; payload: unknown }> = [];
  readonly lostErrors: unknown[] = [];
  restart: (() => Promise<void>) | undefined;
  detail: Record<string, unknown> = {};
  readonly counters: Record<string, number> = {};
  setState(status: DeviceStatus, detail?: Record<string, unknown>): void {
    this.status = status;
    if (detail) this.detail = detail;
  }
  patchDetail(patch: Record<string, unknown>): void {
    this.detail = { ...this.detail, ...patch };
  }
  emit(event: string, payload: unknown): void {
    this.events.push({ event, payload });
  }
  lost(err: unknown): void {
    this.lostErrors.push(err);
    this.status = 'offline';
    void this.restart?.();
  }
  count(counter: string, by = 1): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + by;
  }
  noteError(): void {}
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kioskd-card-'));
}

export async function makeRig(opts: { dir?: string; link?: 'tcp' | 'serial'; config?: Partial<CardConfig>; autoRestart?: boolean } = {}): Promise<Rig> {
  const dir = opts.dir ?? tempDir();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', journald: false, write: (l) => logs.push(l) });
  const config = cardConfigSchema.parse({ ackTimeoutMs: 1000, idleTimeoutMs: 3000, sim: { link: opts.link ?? 'tcp' }, ...opts.config });
  const sim = await startCardSimulator(config, { log, clock: systemClock, workDir: join(dir, 'sim-work'), stateDir: join(dir, 'sim-state') });
  const journal = await Journal.open(join(dir, 'journal.jsonl'));
  const host = new FakeHost();
  const abort = new AbortController();
  const driver = createCardDriver(sim.driverConfig, { host, log, clock: systemClock, transports: realTransports(), journal, stateDir: dir, simulatorLink: undefined });
  if (opts.autoRestart !== false) {
    host.restart = async () => {
      await driver.stop();
      for (let i = 0; i < 100; i++) {
        try {
          await driver.start(abort.signal);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
  }
  await driver.start(abort.signal);
  return {
    sim, driver, journal, host, logs, dir,
    ctx: (transaction, role = 'ui') => ({ transaction, signal: abort.signal, requester: undefined, role }),
    async close() {
      abort.abort();
      host.restart = undefined;
      await driver.stop();
      await sim.stop();
      await journal.close();
    },
  };
}

export async function until(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}
