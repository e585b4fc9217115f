import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import type { DriverHost } from '../../../src/core/driver.js';
import { createLogger } from '../../../src/core/logger.js';
import type { GpioApi } from '../../../src/drivers/gpio/api.js';
import { gpioConfigSchema } from '../../../src/drivers/gpio/config.js';
import { createGpioDriver } from '../../../src/drivers/gpio/driver.js';
import { SimGpioChip } from '../../../src/transports/gpio/sim-chip.js';
import { realTransports } from '../../helpers/transports.js';

function setup() {
  const chip = new SimGpioChip();
  const events: Array<{ event: string; payload: unknown }> = [];
  const host: DriverHost<GpioApi> = {
    device: 'gpio',
    setState: () => undefined,
    patchDetail: () => undefined,
    emit: (event, payload) => events.push({ event, payload }),
    lost: () => undefined,
    count: () => undefined,
    noteError: () => undefined,
  };
  const config = gpioConfigSchema.parse({
    backend: 'sim',
    debounceMs: 0,
    inputs: { tamper: { line: 'GPIO22', activeLow: true } },
    outputs: { light: { line: 'GPIO5' }, lock: { line: 'GPIO6', activeLow: true, safe: true } },
  });
  const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
  return { chip, events, host, config, log };
}

describe('GPIO driver', () => {
  it('drives every output to its safe level at start and at stop, honouring activeLow', async () => {
    const { chip, host, config, log } = setup();
    const driver = await createGpioDriver(config, { host, log, clock: systemClock, transports: realTransports(), journal: undefined, stateDir: '/tmp', simulatorLink: chip });
    await driver.start(new AbortController().signal);
    // lock is active-low and safe=on: physical low
    expect(chip.levels.get('light')).toBe(false);
    expect(chip.levels.get('lock')).toBe(false);
    const ctx = { transaction: undefined, signal: new AbortController().signal, requester: undefined, role: 'ui' as const };
    await driver.commands.set({ line: 'light', value: true }, ctx);
    await driver.commands.set({ line: 'lock', value: false }, ctx);
    expect(chip.levels.get('light')).toBe(true);
    expect(chip.levels.get('lock')).toBe(true);
    await driver.stop();
    expect(chip.levels.get('light')).toBe(false);
    expect(chip.levels.get('lock')).toBe(false);
    expect(chip.requested.size).toBe(0);
  });

  it('a set during a blink cancels the blink', async () => {
    const { chip, host, config, log } = setup();
    const driver = await createGpioDriver(config, { host, log, clock: systemClock, transports: realTransports(), journal: undefined, stateDir: '/tmp', simulatorLink: chip });
    await driver.start(new AbortController().signal);
    const ctx = { transaction: undefined, signal: new AbortController().signal, requester: undefined, role: 'ui' as const };
    const blinking = driver.commands.blink({ line: 'light', onMs: 20, offMs: 20, count: 100 }, ctx);
    await new Promise((r) => setTimeout(r, 30));
    await driver.commands.set({ line: 'light', value: false }, ctx);
    await expect(blinking).rejects.toMatchObject({ code: 'CANCELLED' });
    const writes = chip.writes.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(chip.writes.length).toBe(writes);
    await driver.stop();
  });

  it('publishes active-low inputs as logical values', async () => {
    const { chip, host, events, config, log } = setup();
    chip.levels.set('tamper', true); // switch closed = not tampered (active low)
    const driver = await createGpioDriver(config, { host, log, clock: systemClock, transports: realTransports(), journal: undefined, stateDir: '/tmp', simulatorLink: chip });
    await driver.start(new AbortController().signal);
    chip.drive('tamper', false);
    expect(events.at(-1)).toMatchObject({ event: 'change', payload: { line: 'tamper', value: true, direction: 'input' } });
    await driver.stop();
  });
});
