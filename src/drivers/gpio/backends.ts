/** The GPIO backend a config asks for, made by the transports the daemon hands the driver. */
import type { GpioBackend, Transports } from '../../core/transport.js';
import type { GpioConfig } from './config.js';

export function createGpioBackend(config: GpioConfig, transports: Transports, simulatorLink: unknown): Promise<GpioBackend> {
  switch (config.backend) {
    case 'sim':
      return transports.gpio({ backend: 'sim', link: simulatorLink });
    case 'gpiod':
      return transports.gpio({ backend: 'gpiod', chip: config.chip });
    case 'sysfs':
      return transports.gpio({ backend: 'sysfs', root: config.sysfsRoot, chip: config.chip });
  }
}
