/** Printer device kind: schemas eagerly; driver, transports, canvas and the simulator lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { printerApi } from './api.js';
import { printerConfigSchema } from './config.js';

export const printerKind = defineDeviceKind({
  api: printerApi,
  configSchema: printerConfigSchema,
  async create(config, deps) {
    const { createPrinterDriver } = await import('./driver.js');
    return createPrinterDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startPrinterSimulator } = await import('./sim.js');
    return startPrinterSimulator(config, deps);
  },
});
