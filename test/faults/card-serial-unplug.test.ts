/**
 * The card terminal's serial line (ZVT DLE framing) pulled mid-sale, the customer at the card, the
 * terminal approving while the cable is out, the cable back after 1 s. The sale answers failed/charged
 * unknown; after the replug kioskd reconciles with the terminal (06 20), publishes event/recovered with
 * the terminal's true outcome, the sale is at the terminal once, and a replay of the key is a replay.
 * Found as a reproduction on 2026-11-25: the simulated terminal kept delivering every message of the
 * abandoned dialogue (2 s each) and stayed busy, so the driver never got to reconcile; a real terminal
 * ends the dialogue when the ECR stops acknowledging, as the simulator now does.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { cardConfigSchema } from '../../src/drivers/card/config.js';
import { startCardSimulator } from '../../src/drivers/card/sim.js';
import { startTestDaemon, tempDir } from '../helpers/daemon.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { Cable } from './cable.js';

describe('card terminal serial cable pulled mid-sale', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('card terminal on serial mid-sale: charged once, the outcome reported is the terminal\'s', { timeout: 90_000 }, async () => {
    const dir = tempDir('kioskd-unplug-card-');
    const sim = await startCardSimulator(cardConfigSchema.parse({ sim: { link: 'serial' } }), {
      log: createLogger({ level: 'warn', journald: false, write: () => undefined }),
      clock: systemClock,
      workDir: join(dir, 'sim-work'),
      stateDir: join(dir, 'terminal'),
    });
    const t = sim.driverConfig.transport;
    if (t?.type !== 'serial') throw new Error('the card simulator did not make a serial line');
    const cable = await Cable.connect(join(dir, 'cable'), t.path);
    const kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      stateDir: join(dir, 'state'),
      config: { devices: { card: { transport: { ...t, path: cable.pair.devicePath }, ackTimeoutMs: 1000, idleTimeoutMs: 4000 } } },
    });
    const probe = await Probe.connect(broker.url, kiosk.base);
    const key = `unplug-card-${process.pid}`;
    const salesAtTerminal = (): number => sim.store.log.filter((e) => e.command === 'sale').length;
    try {
      await probe.waitFor('device/card/state', (p) => p.status === 'ready', 20_000);
      await sim.commands.approve?.({ holdAt: 'card' });
      const sale = probe.request('card', 'sale', { amount: 3300, currency: 'AED', reference: 'unplug-card', idempotencyKey: key }, { timeoutMs: 40_000 });
      await probe.waitFor('device/card/event/progress', (p: { idempotencyKey?: string; code?: string }) => p.idempotencyKey === key && p.code === 'PRESENT_CARD', 15_000);
      await cable.pull();
      await sim.commands.release?.({}); // the customer pays while the cable is out
      await new Promise((r) => setTimeout(r, 1000));
      await cable.replug();
      const res = await sale;
      expect(res.status, JSON.stringify(res)).toBe('ok');
      let outcome = (res as { data: { result: string; charged?: string } }).data;
      if (outcome.result !== 'approved') {
        const rec = await probe.waitFor('device/card/event/recovered', (p: { idempotencyKey?: string }) => p.idempotencyKey === key, 30_000);
        outcome = (rec.payload as { outcome: { result: string } }).outcome;
      }
      expect(outcome).toMatchObject({ result: 'approved' });
      expect(salesAtTerminal()).toBe(1);
      // Reconciliation runs while the driver starts; requests meanwhile get DEVICE_UNAVAILABLE (retryable).
      const latest = (): { status?: string } | undefined =>
        [...probe.messages].reverse().find((m) => m.topic === `${kiosk.base}/device/card/state`)?.payload as { status?: string } | undefined;
      for (let i = 0; i < 400 && latest()?.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(latest()?.status).toBe('ready');
      const replay = await probe.request('card', 'sale', { amount: 3300, currency: 'AED', reference: 'unplug-card', idempotencyKey: key }, { timeoutMs: 20_000 });
      expect(replay.status === 'ok' || replay.error.code === 'DUPLICATE_REQUEST').toBe(true);
      expect(salesAtTerminal()).toBe(1);
      console.log(`card: answer ${(res as { data: { result: string } }).data.result}, final outcome approved, ${salesAtTerminal()} sale at the terminal after a replay`);
    } finally {
      await probe.close();
      await kiosk.stop();
      await cable.close();
      await sim.stop();
    }
  });

});
