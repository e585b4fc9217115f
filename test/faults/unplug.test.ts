/**
 * Serial devices unplugged in the middle of their work and plugged back in (the PTY removed and
 * re-created at the same path, as udev does with /dev/serial/by-id/...), through the real daemon and a
 * real Mosquitto:
 * - the printer mid-job (its simulator's own unplug): PRINT_INTERRUPTED, offline, back to ready by
 *   itself; the interrupted key is never printed twice.
 * - the note validator mid-acceptance, a note in escrow: a relay PTY between driver and simulator is
 *   removed (the cable, not the validator, goes away). Every note the validator stacked is credited
 *   exactly once in the journal; the session answers; the device comes back by itself.
 * The card terminal's serial line pulled mid-sale: card-serial-unplug.test.ts.
 * The scanner's unplug mid-document is test/integration/scanner.test.ts (referenced in the table).
 */
import { systemClock } from '../../src/core/clock.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashConfigSchema } from '../../src/drivers/cash/config.js';
import { startCashSimulators, type CashSimulators } from '../../src/drivers/cash/sim.js';
import { receiptFor } from '../fixtures/printer/receipts.js';
import { startTestDaemon, tempDir } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { Cable } from './cable.js';
import { record } from './report.js';

const rows: string[] = [];

describe.skipIf(!hasMosquitto || !hasPty)('serial devices unplugged mid-work', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
    record({
      id: 'fault.unplug',
      section: 'fault',
      what: 'serial device unplugged mid-work and re-plugged at the same path (printer, note validator, coin acceptor; scanner: see its test; card on serial: card-serial-unplug.test.ts)',
      inFlight: 'a receipt half sent at 38400 baud; a cash accept with a note in escrow; coins dropping while the coin cable is out',
      behaviour: rows.join('; '),
      figure: 'both back to ready by themselves, no restart of the daemon',
      lostOrDuplicated: 'no receipt printed twice; every stacked note and dropped coin credited exactly once',
      test: 'test/faults/unplug.test.ts, test/integration/scanner.test.ts',
    });
  });

  it('printer mid-job: PRINT_INTERRUPTED, offline, ready again; the key is never printed twice', async () => {
    const kiosk = await startTestDaemon({ brokerUrl: broker.url, config: { simulation: true, devices: { printer: { statusPollMs: 200, sim: { wireBaud: 38400 } } } } });
    const probe = await Probe.connect(broker.url, kiosk.base);
    try {
      await probe.waitFor('device/printer/state', (p) => p.status === 'ready', 20_000);
      const key = `unplug-${process.pid}-0001`;
      const job = probe.request('printer', 'print', { document: receiptFor('ar'), idempotencyKey: key, transaction: 'unplug-job' }, { timeoutMs: 30_000 });
      // mid-job means bytes on the wire: the first progress (`rendering`) comes before the printer is
      // touched, and rendering an Arabic receipt can take longer than the 300 ms below on a loaded machine
      await probe.waitFor('device/printer/event/progress', (p: { transaction?: string; phase?: string }) => p.transaction === 'unplug-job' && p.phase === 'sending');
      await new Promise((r) => setTimeout(r, 300));
      expect(await probe.sim('printer', 'unplug', { replugAfterMs: 1000 })).toMatchObject({ status: 'ok' });
      const res = await job;
      expect(res).toMatchObject({ status: 'error', error: { code: 'PRINT_INTERRUPTED' } });
      await probe.waitFor('device/printer/state', (p) => p.status === 'offline', 10_000);
      await probe.next('device/printer/state', (p) => p.status === 'ready', 20_000);
      const again = await probe.request('printer', 'print', { document: receiptFor('ar'), idempotencyKey: key }, { timeoutMs: 30_000 });
      expect(again).toMatchObject({ status: 'error', error: { code: 'JOB_ALREADY_ATTEMPTED' } });
      const fresh = await probe.request('printer', 'print', { document: receiptFor('en', { qr: false, barcode: false }), idempotencyKey: `unplug-${process.pid}-0002` }, { timeoutMs: 30_000 });
      expect(fresh).toMatchObject({ status: 'ok', data: { duplicate: false } });
      rows.push('printer: PRINT_INTERRUPTED, offline, ready after replug; same key -> JOB_ALREADY_ATTEMPTED; next job prints');
    } finally {
      await probe.close();
      await kiosk.stop();
    }
  });

  it('coin acceptor cable pulled while coins drop: credited once each from its buffered events after replug', async () => {
    const dir = tempDir('kioskd-unplug-coins-');
    const key = '5a5a1234abcd9876';
    const simConfig = cashConfigSchema.parse({ validator: { encryption: { enabled: true, fixedKey: key } }, coinAcceptor: {}, simulator: { stepMs: 40 } });
    const sims: CashSimulators = await startCashSimulators(simConfig, { workDir: join(dir, 'pty'), stateDir: join(dir, 'sim-state'), clock: systemClock });
    const cable = await Cable.connect(join(dir, 'cable'), sims.coinPath ?? '');
    const kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      stateDir: join(dir, 'state'),
      config: {
        devices: {
          cash: {
            validator: { port: { path: sims.validatorPath, baudRate: 9600 }, pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: key } },
            coinAcceptor: { port: { path: cable.pair.devicePath, baudRate: 9600 }, pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 },
          },
        },
      },
    });
    const probe = await Probe.connect(broker.url, kiosk.base);
    const coinCredits = (): number =>
      readFileSync(join(dir, 'state', 'journal', 'money.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data: { value?: number } })
        .filter((e) => e.type === 'coin.credited').reduce((a, e) => a + (e.data.value ?? 0), 0);
    const dropped = (): number => (sims.coins?.coins ?? []).reduce((a, b) => a + b, 0);
    try {
      await probe.waitFor('device/cash/state', (p) => p.status === 'ready', 20_000);
      const busy = probe.next('device/cash/state', (p) => p.status === 'busy');
      const accept = probe.request('cash', 'accept', { amountDue: 500, currency: 'EUR', timeoutMs: 20_000 }, { timeoutMs: 40_000 });
      await busy;
      const first = probe.next('device/cash/event/credit', (p: { value: number; source: string }) => p.source === 'coin' && p.value === 100);
      expect(sims.coins?.insertCoin(100)).toMatchObject({ taken: true });
      await first;
      await cable.pull();
      // The acceptor stays enabled and powered: coins still drop and go into its event buffer.
      expect(sims.coins?.insertCoin(200)).toMatchObject({ taken: true });
      expect(sims.coins?.insertCoin(200)).toMatchObject({ taken: true });
      await new Promise((r) => setTimeout(r, 800));
      await cable.replug();
      const res = await accept;
      for (let i = 0; i < 100 && coinCredits() !== dropped(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(coinCredits()).toBe(dropped());
      expect(dropped()).toBe(500);
      const out = res.status === 'ok' ? (res.data as { status: string; total: number }) : undefined;
      rows.push(`coin acceptor: 2 coins dropped with the cable out; dropped ${dropped()} = journaled ${coinCredits()}; accept -> ${res.status === 'ok' ? `${out?.status} total ${out?.total}` : res.error.code}`);
    } finally {
      await probe.close();
      await kiosk.stop();
      await cable.close();
      await sims.stop();
    }
  });

  it('note validator mid-acceptance with a note in escrow: credited once or returned, never lost or doubled', async () => {
    const dir = tempDir('kioskd-unplug-cash-');
    const simConfig = cashConfigSchema.parse({ validator: { encryption: { enabled: true, fixedKey: '5a5a1234abcd9876' } }, simulator: { stepMs: 60, escrowTimeoutMs: 3000, coins: [] } });
    const sims: CashSimulators = await startCashSimulators(simConfig, { workDir: join(dir, 'pty'), stateDir: join(dir, 'sim-state'), clock: systemClock });
    const cable = await Cable.connect(join(dir, 'cable'), sims.validatorPath);
    const kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      stateDir: join(dir, 'state'),
      config: { devices: { cash: { validator: { port: { path: cable.pair.devicePath, baudRate: 9600 }, pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '5a5a1234abcd9876' } } } } },
    });
    const probe = await Probe.connect(broker.url, kiosk.base);
    const credited = (): number =>
      readFileSync(join(dir, 'state', 'journal', 'money.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data: { value?: number } })
        .filter((e) => e.type === 'note.credited').reduce((a, e) => a + (e.data.value ?? 0), 0);
    const stacked = (): number => sims.validator.stacked.reduce((a, b) => a + b, 0);
    try {
      await probe.waitFor('device/cash/state', (p) => p.status === 'ready', 20_000);
      const busy = probe.next('device/cash/state', (p) => p.status === 'busy');
      const accept = probe.request('cash', 'accept', { amountDue: 3000, currency: 'EUR', timeoutMs: 20_000, transaction: 'unplug-accept' }, { timeoutMs: 40_000 });
      await busy;
      const first = probe.next('device/cash/event/credit', (p: { value: number }) => p.value === 1000);
      expect(sims.validator.insertNote(1000)).toMatchObject({ taken: true });
      await first;
      const escrow = probe.next('device/cash/event/escrow', (p: { value: number }) => p.value === 2000);
      expect(sims.validator.insertNote(2000)).toMatchObject({ taken: true });
      await escrow;
      await cable.pull(); // the note sits in escrow; the driver's port vanishes
      await probe.waitFor('device/cash/state', (p) => p.status === 'offline' || p.status === 'fault', 10_000);
      await new Promise((r) => setTimeout(r, 1000));
      await cable.replug();
      await probe.next('device/cash/state', (p) => p.status === 'ready' || p.status === 'busy', 20_000);
      const res = await accept;
      // Give a late credit (reconciled by the validator's counters after the replug) time to land.
      for (let i = 0; i < 100 && credited() !== stacked(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(credited()).toBe(stacked());
      const out = res.status === 'ok' ? (res.data as { status: string; total: number; pending: boolean }) : undefined;
      rows.push(`validator: stacked ${stacked()} = journaled ${credited()} (the escrowed note was ${stacked() >= 3000 ? "stacked" : "not stacked: handed back"}); accept -> ${res.status === 'ok' ? `${out?.status} total ${out?.total}` : res.error.code}`);
      expect(res.status === 'ok' || res.error.code !== 'INTERNAL').toBe(true);
    } finally {
      await probe.close();
      await kiosk.stop();
      await cable.close();
      await sims.stop();
    }
  });
});
