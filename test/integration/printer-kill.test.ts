/**
 * kill -9 in the middle of a print: the daemon runs as a child process against the virtual printer on a
 * PTY owned by this test (so the printer outlives the daemon, as a real one does). After the restart the
 * interrupted key is refused and the printed key answers as a duplicate: nothing is ever printed twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { printerConfigSchema } from '../../src/drivers/printer/config.js';
import { PrinterSimulator } from '../../src/drivers/printer/sim.js';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { receiptFor } from '../fixtures/printer/receipts.js';

const BAUD = 19_200; // an Arabic receipt takes ~9 s on this wire: long enough to kill the daemon mid-job

describe.skipIf(!hasMosquitto || !hasPty)('printer: kill -9 mid-job never leads to a second print', () => {
  const stateDir = tempDir('kioskd-printer-kill-');
  const kioskId = `pk${process.pid}`;
  let broker: Broker;
  let sim: PrinterSimulator;
  let probe: Probe;
  let daemon: SpawnedDaemon | undefined;
  let config: Record<string, unknown>;

  async function boot(): Promise<void> {
    const ready = probe.next('device/printer/state', (p: { status: string }) => p.status === 'ready', 30_000);
    const d = spawnDaemon({ brokerUrl: broker.url, config, stateDir, kioskId });
    daemon = d;
    await ready.catch((err: unknown) => {
      throw new Error(`daemon not ready: ${(err as Error).message}\n${d.logs.slice(-15).join('\n')}`);
    });
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    const quiet = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    sim = await PrinterSimulator.start(printerConfigSchema.parse({ sim: { wireBaud: BAUD } }), {
      log: quiet, clock: systemClock, workDir: join(stateDir, 'pty'), stateDir: join(stateDir, 'sim-state'),
    });
    config = {
      logging: { level: 'info' },
      devices: { printer: { transport: { type: 'serial', path: sim.pty.devicePath, baudRate: BAUD, rtscts: false }, statusPollMs: 200 } },
    };
    probe = await Probe.connect(broker.url, `kiosk/${kioskId}`);
  }, 30_000);

  afterAll(async () => {
    daemon?.kill('SIGKILL');
    await probe?.close();
    await sim?.stop();
    await broker?.stop();
  });

  it('refuses the interrupted key and answers the printed key as a duplicate after the restart', async () => {
    await boot();
    const printed = await probe.request('printer', 'print', { document: receiptFor('en'), idempotencyKey: 'kill-printed-0001' }, { timeoutMs: 30_000 });
    expect(printed.status).toBe('ok');
    expect(sim.printer.paper.pages).toHaveLength(1);

    // all bytes handed to the PTY, the printer still working through them at 19200 baud
    const finishing = probe.next('device/printer/event/progress', (p: { phase: string; bytesTotal: number }) => p.phase === 'finishing' && p.bytesTotal > 10_000, 20_000);
    void probe.request('printer', 'print', { document: receiptFor('ar'), idempotencyKey: 'kill-midjob-0001' }, { timeoutMs: 60_000 }).catch(() => undefined);
    await finishing;
    expect(sim.printer.paper.pages).toHaveLength(1);
    const d = daemon;
    d?.kill('SIGKILL');
    expect(await d?.exited).toBe('SIGKILL');

    // every byte had reached the printer before the kill: it finishes that receipt by itself, once
    for (let i = 0; i < 400 && sim.printer.paper.pages.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sim.printer.paper.pages).toHaveLength(2);

    await boot();
    const again = await probe.request('printer', 'print', { document: receiptFor('ar'), idempotencyKey: 'kill-midjob-0001' });
    expect(again.status === 'error' && again.error.code, JSON.stringify(again)).toBe('JOB_ALREADY_ATTEMPTED');
    const dup = await probe.request('printer', 'print', { document: receiptFor('en'), idempotencyKey: 'kill-printed-0001' });
    expect(dup.status === 'ok' && (dup.data as { duplicate: boolean }).duplicate).toBe(true);
    // nothing was printed a second time
    expect(sim.printer.paper.pages).toHaveLength(2);
  }, 90_000);
});
