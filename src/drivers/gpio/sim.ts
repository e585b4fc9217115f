/** GPIO simulator: a simulated line set whose inputs the `sim/gpio/request/input` topic drives. */
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { SimGpioChip } from '../../transports/gpio/sim-chip.js';
import { gpioApi } from './api.js';
import type { GpioConfig } from './config.js';

export async function startGpioSimulator(config: GpioConfig, _deps: SimulatorDeps): Promise<SimulatorHandle<GpioConfig>> {
  const chip = new SimGpioChip();
  for (const [name, c] of Object.entries(config.inputs)) chip.levels.set(name, c.activeLow);
  return {
    driverConfig: { ...config, backend: 'sim' },
    link: chip,
    commands: {
      input: async (raw) => {
        const { line, value, bounceEdges } = gpioApi.sim.input.input.parse(raw);
        const c = config.inputs[line];
        if (!c) throw new KioskError('GPIO_LINE_UNKNOWN', `no input named ${line}`);
        chip.drive(line, value !== c.activeLow, bounceEdges);
        return { line, value };
      },
    },
    async stop() {},
  };
}
