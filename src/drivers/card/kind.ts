/** Card payment terminal device kind: schemas eagerly, driver, protocol plugin and simulator lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { cardApi } from './api.js';
import { cardConfigSchema } from './config.js';

export const cardKind = defineDeviceKind({
  api: cardApi,
  configSchema: cardConfigSchema,
  usesJournal: true,
  async create(config, deps) {
    const { createCardDriver } = await import('./driver.js');
    return createCardDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startCardSimulator } = await import('./sim.js');
    return startCardSimulator(config, deps);
  },
});
