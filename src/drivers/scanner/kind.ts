/** Scanner device kind: schemas eagerly, driver (and the mrz package) and simulator lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { scannerApi } from './api.js';
import { scannerConfigSchema } from './config.js';

export const scannerKind = defineDeviceKind({
  api: scannerApi,
  configSchema: scannerConfigSchema,
  async create(config, deps) {
    const { createScannerDriver } = await import('./driver.js');
    return createScannerDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startScannerSimulator } = await import('./sim.js');
    return startScannerSimulator(config, deps);
  },
});
