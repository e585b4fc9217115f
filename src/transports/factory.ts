/**
 * The daemon's {@link Transports}: the real serial, TCP, line-printer, USB, input-event, GPIO and sound
 * transports, each module imported only when a configured device asks for it (a kiosk without a USB
 * printer never loads `usb`). Timers inside a transport that stand for a protocol deadline (the TCP
 * connect timeout) run on the given clock.
 */
import type { Clock } from '../core/clock.js';
import { KioskError } from '../core/errors.js';
import type { Transports } from '../core/transport.js';
import { EspeakEngine } from './audio/espeak.js';
import { PiperEngine } from './audio/piper.js';

export function createTransports(o: { clock: Clock }): Transports {
  return {
    async stream(spec) {
      switch (spec.type) {
        case 'serial': {
          const { SerialTransport } = await import('./serial.js');
          return new SerialTransport(spec);
        }
        case 'tcp': {
          const { TcpTransport } = await import('./tcp.js');
          return new TcpTransport({ ...spec, clock: o.clock });
        }
        case 'lp': {
          const { LpFileTransport } = await import('./lp-file.js');
          return new LpFileTransport({ path: spec.path });
        }
        case 'usb': {
          const { UsbBulkTransport } = await import('./usb-bulk.js');
          return new UsbBulkTransport({ vendorId: spec.vendorId, productId: spec.productId, ...(spec.serialNumber ? { serialNumber: spec.serialNumber } : {}) });
        }
        case 'input-events': {
          const { InputEventTransport } = await import('./input-events.js');
          return new InputEventTransport({ path: spec.path, ...(spec.pollMs !== undefined ? { pollMs: spec.pollMs } : {}) });
        }
      }
    },

    async gpio(spec) {
      switch (spec.backend) {
        case 'sim': {
          const { SimGpioBackend, SimGpioChip } = await import('./gpio/sim-chip.js');
          if (!(spec.link instanceof SimGpioChip)) {
            throw new Error('gpio backend "sim" needs the simulator: set simulate: true (or simulation: true)');
          }
          return new SimGpioBackend(spec.link);
        }
        case 'gpiod': {
          const { GpiodBackend } = await import('./gpio/gpiod.js');
          return new GpiodBackend({ chip: spec.chip });
        }
        case 'sysfs': {
          const { SysfsBackend } = await import('./gpio/sysfs.js');
          return new SysfsBackend({ root: spec.root, chip: spec.chip });
        }
      }
    },

    async player(spec) {
      if (spec.kind === 'sim') {
        const { SimSoundCard } = await import('./audio/sim-card.js');
        if (!(spec.link instanceof SimSoundCard)) throw new KioskError('CONFIG_INVALID', 'audio player "sim" needs the simulator: set simulate: true (or simulation: true)');
        return spec.link.player();
      }
      const [{ findTool, toolError }, { ProcessPlayer }] = await Promise.all([import('./audio/tool.js'), import('./audio/player.js')]);
      if (!(await findTool(spec.kind))) throw toolError('ENOENT', `${spec.kind} is not installed`);
      return new ProcessPlayer({ kind: spec.kind, device: spec.device });
    },

    // small modules (they spawn a program per utterance): loaded with the factory
    espeak: (opts) => new EspeakEngine(opts),
    piper: (opts) => new PiperEngine(opts),
  };
}
