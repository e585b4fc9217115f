/**
 * Driver against its simulator over real PTYs and a FIFO, without a broker: the framed reader preset
 * (STX/ETX), TD2, a frame cut by an unplug, and several inputs at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { Driver, DriverHost, SimulatorHandle } from '../../src/core/driver.js';
import { createLogger } from '../../src/core/logger.js';
import type { ScannerApi } from '../../src/drivers/scanner/api.js';
import { scannerConfigSchema, type ScannerConfig } from '../../src/drivers/scanner/config.js';
import { createScannerDriver } from '../../src/drivers/scanner/driver.js';
import { startScannerSimulator } from '../../src/drivers/scanner/sim.js';
import { hasPty } from '../helpers/env.js';
import { realTransports } from '../helpers/transports.js';

const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });

interface Rig {
  driver: Driver<ScannerApi>;
  sim: SimulatorHandle<ScannerConfig>;
  events: Array<{ name: string; payload: Record<string, unknown> }>;
  lost: unknown[];
  next(name: string): Promise<Record<string, unknown>>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.driver.stop();
  await rig?.sim.stop();
  rig = undefined;
});

async function start(inputs: Record<string, unknown>): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-scan-sim-'));
  const sim = await startScannerSimulator(scannerConfigSchema.parse({ inputs, arming: 'always' }), { log, clock: systemClock, workDir: dir, stateDir: dir });
  const events: Rig['events'] = [];
  const waiters: Array<{ name: string; resolve: (p: Record<string, unknown>) => void }> = [];
  const lost: unknown[] = [];
  const host: DriverHost<ScannerApi> = {
    device: 'scanner', setState: () => undefined, patchDetail: () => undefined, count: () => undefined, noteError: () => undefined,
    lost: (err) => lost.push(err),
    emit: (name, payload) => {
      events.push({ name, payload });
      const i = waiters.findIndex((w) => w.name === name);
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(payload);
    },
  };
  const driver = createScannerDriver(sim.driverConfig, { host, log, clock: systemClock, transports: realTransports(), journal: undefined, stateDir: dir, simulatorLink: undefined }, { presenceCheckMs: 50 });
  await driver.start(new AbortController().signal);
  rig = { driver, sim, events, lost, next: (name) => new Promise((resolve) => waiters.push({ name, resolve })) };
  return rig;
}

describe.skipIf(!hasPty)('scanner driver against its simulator (real PTYs, FIFO)', () => {
  it('a framed (STX/ETX) reader: TD2 and TD1 documents, split writes, each frame one read', async () => {
    const r = await start({ desko: { type: 'serial', path: '/dev/x', model: 'desko-cute' } });
    let doc = r.next('document');
    await r.sim.commands.document?.({ format: 'TD2', expiresInDays: 30, split: true, lineGapMs: 5 });
    expect(await doc).toMatchObject({ input: 'desko', format: 'TD2', valid: true, documentNumber: 'D23145890' });
    doc = r.next('document');
    await r.sim.commands.document?.({ format: 'TD1', lineGapMs: 5 });
    expect(await doc).toMatchObject({ format: 'TD1', valid: true, expired: true });
  });

  it('a frame cut by an unplug: incomplete document, then the loss is reported', async () => {
    const r = await start({ desko: { type: 'serial', path: '/dev/x', model: 'desko-cute' } });
    const doc = r.next('document');
    await r.sim.commands.document?.({ format: 'TD3', unplugAfterLines: 1, lineGapMs: 5 });
    expect(await doc).toMatchObject({ valid: false, problem: 'incomplete', format: 'TD3' });
    for (let i = 0; i < 100 && r.lost.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(r.lost).toHaveLength(1);
  });

  it('a serial reader and a keyboard-wedge scanner side by side', async () => {
    const r = await start({ reader: { type: 'serial', path: '/dev/x' }, wedge: { type: 'hid', path: '/dev/y', keymap: 'de' } });
    let bc = r.next('barcode');
    await r.sim.commands.barcode?.({ input: 'wedge', data: 'Zürich-Yb@42', aim: ']d2' });
    expect(await bc).toMatchObject({ input: 'wedge', data: 'Zürich-Yb@42', symbology: 'gs1-datamatrix' });
    bc = r.next('barcode');
    await r.sim.commands.barcode?.({ input: 'reader', data: 'Zürich ✓' });
    expect(await bc).toMatchObject({ input: 'reader', data: 'Zürich ✓', symbology: null });
    await expect(r.sim.commands.noise?.({ input: 'wedge' })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(r.sim.commands.barcode?.({ input: 'wedge', data: '✓' })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });
});
