/** Cash device kind: schemas eagerly; driver, serial transport and simulators lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { cashApi } from './api.js';
import { cashConfigSchema } from './config.js';

export const cashKind = defineDeviceKind({
  api: cashApi,
  configSchema: cashConfigSchema,
  usesJournal: true,
  async create(config, deps) {
    const { createCashDriver } = await import('./driver.js');
    return createCashDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startCashSimulator } = await import('./sim.js');
    return startCashSimulator(config, deps);
  },
});
