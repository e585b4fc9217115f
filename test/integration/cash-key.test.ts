/**
 * eSSP with the factory fixed key: outside simulation every start logs an error-level SECURITY line
 * (the link still works: refusing would stop a kiosk over a configuration mistake); in simulation, not.
 */
import { systemClock } from '../../src/core/clock.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashConfigSchema } from '../../src/drivers/cash/config.js';
import { startCashSimulators, type CashSimulators } from '../../src/drivers/cash/sim.js';
import { startTestDaemon, tempDir } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

const security = (logs: string[]): string[] => logs.filter((l) => l.includes('"level":"error"') && l.includes('SECURITY'));

describe.skipIf(!hasMosquitto)('cash: the factory eSSP key', () => {
  let broker: Broker;
  let sims: CashSimulators;
  const dir = tempDir('kioskd-cash-key-');

  beforeAll(async () => {
    broker = await startMosquitto();
    sims = await startCashSimulators(cashConfigSchema.parse({ simulator: { coins: [] } }), { workDir: join(dir, 'pty'), stateDir: join(dir, 'sim'), clock: systemClock });
  });
  afterAll(async () => {
    await sims?.stop();
    await broker?.stop();
  });

  it('is reported at error level at every start outside simulation, and the validator still runs encrypted', async () => {
    const config = { devices: { cash: { validator: { port: { path: sims.validatorPath }, encryption: { enabled: true } } } } };
    const stateDir = join(dir, 'state');
    for (let start = 1; start <= 2; start++) {
      const kiosk = await startTestDaemon({ brokerUrl: broker.url, config, stateDir });
      const probe = await Probe.connect(broker.url, kiosk.base);
      const ready = await probe.waitFor('device/cash/state', (p: { status: string }) => p.status === 'ready', 15_000);
      expect(ready.payload).toMatchObject({ detail: { encrypted: true, currency: 'EUR' } });
      expect(security(kiosk.logs)).toHaveLength(1);
      await probe.close();
      await kiosk.stop();
    }
  });

  it('is not reported in simulation', async () => {
    const kiosk = await startTestDaemon({ brokerUrl: broker.url, config: { simulation: true, devices: { cash: { validator: { encryption: { enabled: true } } } } } });
    const probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/cash/state', (p: { status: string; detail: { encrypted: boolean } }) => p.status === 'ready' && p.detail.encrypted, 15_000);
    expect(security(kiosk.logs)).toEqual([]);
    await probe.close();
    await kiosk.stop();
  });
});
