/** Picks the GPIO backend a config asks for; each is loaded only when used. */
import type { GpioBackend } from '../../transports/gpio/backend.js';
import type { GpioConfig } from './config.js';

export async function createGpioBackend(config: GpioConfig, simulatorLink: unknown): Promise<GpioBackend> {
  switch (config.backend) {
    case 'sim': {
      if (config.simSocket !== undefined) {
        const { SocketGpioBackend } = await import('../../transports/gpio/sim-socket.js');
        return new SocketGpioBackend(config.simSocket);
      }
      const { SimGpioBackend, SimGpioChip } = await import('../../transports/gpio/sim-chip.js');
      if (!(simulatorLink instanceof SimGpioChip)) {
        throw new Error('gpio backend "sim" needs the simulator: set simulate: true (or simulation: true)');
      }
      return new SimGpioBackend(simulatorLink);
    }
    case 'gpiod': {
      const { GpiodBackend } = await import('../../transports/gpio/gpiod.js');
      return new GpiodBackend({ chip: config.chip });
    }
    case 'sysfs': {
      const { SysfsBackend } = await import('../../transports/gpio/sysfs.js');
      return new SysfsBackend({ root: config.sysfsRoot, chip: config.chip });
    }
  }
}
