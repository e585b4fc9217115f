/**
 * The kiosk-level services' view of the devices (src/services/ports.ts), over the device runtimes: a
 * command runs as the daemon itself (its input checked by the command's own schema, defaults applied),
 * and a device's state is its retained state.
 */
import { KioskError } from '../core/errors.js';
import type { DevicePort } from '../services/ports.js';
import type { Devices } from './devices.js';

export function servicesPort(devices: Pick<Devices, 'runtime'>): DevicePort {
  return {
    run: async (device, command, input, transaction) => {
      const runtime = devices.runtime(device);
      if (!runtime) throw new KioskError('UNKNOWN_DEVICE', `no device ${device} on this kiosk`);
      const spec = Object.hasOwn(runtime.api.commands, command) ? runtime.api.commands[command] : undefined;
      if (!spec) throw new KioskError('UNKNOWN_COMMAND', `${device} has no command ${command}`);
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) throw new KioskError('INVALID_PAYLOAD', `${device}/${command}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return runtime.run(command, parsed.data, { transaction, signal: runtime.signal, requester: 'kioskd:services', role: 'ui' });
    },
    view: (device) => devices.runtime(device)?.state,
  };
}
