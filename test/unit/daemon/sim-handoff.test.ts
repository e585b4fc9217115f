/** The handover file of a simulator in its own process (src/daemon/sim-handoff.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpioConfigSchema } from '../../../src/drivers/gpio/config.js';
import { readHandoff, writeHandoff } from '../../../src/daemon/sim-handoff.js';
import { tempDir } from '../../helpers/daemon.js';

const driverConfig = gpioConfigSchema.parse({ backend: 'sim', simSocket: '/run/x/chip.sock', inputs: { door: { line: 5 } } });

describe('simulator handoff', () => {
  it('round-trips a driver config through the kind schema', async () => {
    const path = join(tempDir(), 'driver.json');
    await writeHandoff(path, driverConfig, '2026-12-01T00:00:00.000Z');
    expect(readHandoff(path, 'gpio', gpioConfigSchema)).toEqual(driverConfig);
  });

  it('absent, or left by a simulator process that is gone: DEVICE_NOT_FOUND saying what to run', () => {
    const dir = tempDir();
    expect(() => readHandoff(join(dir, 'none.json'), 'gpio', gpioConfigSchema)).toThrow(expect.objectContaining({ code: 'DEVICE_NOT_FOUND', message: expect.stringContaining('kioskd simulate') }));
    const stale = join(dir, 'stale.json');
    // pid 2^22+1 is above Linux's pid_max: no such process
    writeFileSync(stale, JSON.stringify({ pid: 4_194_305, startedAt: 'x', driverConfig }));
    expect(() => readHandoff(stale, 'gpio', gpioConfigSchema)).toThrow(expect.objectContaining({ code: 'DEVICE_NOT_FOUND' }));
  });

  it('a config the driver schema refuses is CONFIG_INVALID, not guessed at', async () => {
    const path = join(tempDir(), 'driver.json');
    await writeHandoff(path, { ...driverConfig, backend: 'telepathy' }, 'x');
    expect(() => readHandoff(path, 'gpio', gpioConfigSchema)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
