/** The scanner driver with a fake host that keeps its events, for oracle tests. */
import type { Clock } from '../../src/core/clock.js';
import type { DriverHost } from '../../src/core/driver.js';
import type { Transports } from '../../src/core/transport.js';
import { createLogger } from '../../src/core/logger.js';
import type { ScannerApi } from '../../src/drivers/scanner/api.js';
import { scannerConfigSchema } from '../../src/drivers/scanner/config.js';
import { createScannerDriver, type ScannerDriverOptions } from '../../src/drivers/scanner/driver.js';

export interface Captured {
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

export function scannerUnderTest(inputs: Record<string, unknown>, clock: Clock, transports: Transports, options: ScannerDriverOptions = {}) {
  const events: Captured[] = [];
  const logs: string[] = [];
  const host: DriverHost<ScannerApi> = {
    device: 'scanner',
    setState: () => undefined,
    patchDetail: () => undefined,
    emit: (name, payload) => events.push({ name, payload }),
    lost: () => undefined,
    count: () => undefined,
    noteError: () => undefined,
  };
  const config = scannerConfigSchema.parse({ inputs, arming: 'always' });
  const log = createLogger({ level: 'debug', journald: false, write: (l) => logs.push(l) });
  const driver = createScannerDriver(config, { host, log, clock, transports, journal: undefined, stateDir: '/tmp', simulatorLink: undefined }, { presenceCheckMs: 0, ...options });
  return { driver, events, logs };
}
