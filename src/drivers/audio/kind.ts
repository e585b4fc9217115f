/** Audio device kind: schemas eagerly; driver, engines and the simulator lazily. */
import { defineDeviceKind } from '../../core/driver.js';
import { audioApi } from './api.js';
import { audioConfigSchema } from './config.js';

export const audioKind = defineDeviceKind({
  api: audioApi,
  configSchema: audioConfigSchema,
  // The simulated sound card is an object the driver plays into: it stays in the daemon's process.
  simulatorInProcess: true,
  async create(config, deps) {
    const { createAudioDriver } = await import('./driver.js');
    return createAudioDriver(config, deps);
  },
  async simulate(config, deps) {
    const { startAudioSimulator } = await import('./sim.js');
    return startAudioSimulator(config, deps);
  },
});
