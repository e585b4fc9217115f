/** GPIO device kind: schemas eagerly, driver and backends lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { gpioApi } from './api.js';
import { gpioConfigSchema } from './config.js';

export const gpioKind = defineDeviceKind({
  api: gpioApi,
  configSchema: gpioConfigSchema,
  async create(config, deps) {
    const { createGpioDriver } = await import('./driver.js');
    return createGpioDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startGpioSimulator } = await import('./sim.js');
    return startGpioSimulator(config, deps);
  },
});
