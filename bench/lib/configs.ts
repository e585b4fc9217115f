/** The daemon configurations the benches run (the YAML sections, as objects). */

/** GPIO only: `presence` without debounce (event latency), `light_printer` output (round trip). */
export const gpioBenchConfig = {
  simulation: true,
  logging: { level: 'info' },
  health: { intervalSec: 3600 },
  devices: {
    gpio: {
      backend: 'sim',
      debounceMs: 20,
      inputs: { presence: { line: 'GPIO17', debounceMs: 0 }, door: { line: 'GPIO27', activeLow: true } },
      outputs: { light_printer: { line: 'GPIO5' }, relay: { line: 'GPIO26', safe: true } },
    },
  },
};

export const BURST_LINES = ['b0', 'b1', 'b2', 'b3'] as const;
export const BURST_DEBOUNCE_MS = 20;

/** Four debounced inputs for the burst. */
export const burstConfig = {
  simulation: true,
  logging: { level: 'info' },
  health: { intervalSec: 3600 },
  devices: {
    gpio: {
      backend: 'sim',
      debounceMs: BURST_DEBOUNCE_MS,
      inputs: Object.fromEntries(BURST_LINES.map((l, i) => [l, { line: 20 + i }])),
      outputs: { light_printer: { line: 'GPIO5' } },
    },
  },
};

/** Every device kind, simulated (as config/simulated.yaml grows to be). */
export const allDevicesConfig = {
  simulation: true,
  logging: { level: 'info' },
  devices: {
    gpio: gpioBenchConfig.devices.gpio,
    printer: {},
    scanner: {
      inputs: {
        reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200, model: 'generic' },
        wedge: { type: 'hid', path: '/dev/input/by-id/usb-simulated-event-kbd', keymap: 'us' },
      },
    },
    card: {},
    cash: {},
  },
};
export const ALL_DEVICES = Object.keys(allDevicesConfig.devices);
