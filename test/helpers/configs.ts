/** Device configs shared by integration tests. */
export const gpioConfig = {
  simulation: true,
  devices: {
    gpio: {
      backend: 'sim',
      debounceMs: 20,
      inputs: { presence: { line: 'GPIO17' }, door: { line: 'GPIO27', activeLow: true } },
      outputs: { light_printer: { line: 'GPIO5' }, relay: { line: 'GPIO26', safe: true } },
    },
  },
};
