/**
 * Debouncing on the edges' own timestamps (issue 18): a stalled event loop that gets a batch of queued
 * edges at once neither loses a change that really held, nor invents one from a level whose ending
 * edge is still unread when its timer fires. The time that passes is a ManualClock's; the "kernel" is a
 * backend that hands the driver edges with the timestamps a kernel would have given them.
 */
import { describe, expect, it } from 'vitest';
import type { DriverHost } from '../../../src/core/driver.js';
import { createLogger } from '../../../src/core/logger.js';
import { ManualClock } from '../../../src/core/test-clocks.js';
import type { GpioApi } from '../../../src/drivers/gpio/api.js';
import { gpioConfigSchema } from '../../../src/drivers/gpio/config.js';
import { GpioDriver } from '../../../src/drivers/gpio/driver.js';
import { Listeners } from '../../../src/transports/byte-stream.js';
import type { GpioBackend } from '../../../src/transports/gpio/backend.js';
import { realTransports } from '../../helpers/transports.js';

/** A backend whose edges the test delivers, each with its kernel timestamp. */
class QueuedEdges implements GpioBackend {
  readonly kind = 'sim' as const;
  readonly edges = new Listeners<[string, boolean, number]>();
  async open(): Promise<void> {}
  async read(): Promise<boolean> {
    return false;
  }
  async write(): Promise<void> {}
  onEdge(l: (name: string, level: boolean, atMs: number) => void): () => void {
    return this.edges.add(l);
  }
  onLost(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
  /** What a read after a stall returns: every edge queued meanwhile, in one go. */
  deliver(...batch: Array<[boolean, number]>): void {
    for (const [level, at] of batch) this.edges.emit('door', level, at);
  }
}

const checkPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function setup(): Promise<{ clock: ManualClock; backend: QueuedEdges; changes: boolean[]; driver: GpioDriver }> {
  const clock = new ManualClock();
  const backend = new QueuedEdges();
  const changes: boolean[] = [];
  const host: DriverHost<GpioApi> = {
    device: 'gpio',
    setState: () => undefined,
    patchDetail: () => undefined,
    emit: (event, payload) => {
      if (event === 'change') changes.push((payload as { value: boolean }).value);
    },
    lost: () => undefined,
    count: () => undefined,
    noteError: () => undefined,
  };
  const config = gpioConfigSchema.parse({ backend: 'sim', debounceMs: 20, inputs: { door: { line: 5 } } });
  const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
  const driver = new GpioDriver(config, { host, log, clock, transports: realTransports(), journal: undefined, stateDir: '/tmp', simulatorLink: undefined }, backend);
  await driver.start();
  return { clock, backend, changes, driver };
}

describe('GPIO debouncing on kernel edge timestamps', () => {
  it('a level held 100 ms between two edges read together after a stall is one change, not lost', async () => {
    const { clock, backend, changes, driver } = await setup();
    // Door opened at t=1000 and closed at t=1100; the loop stalled and reads both at once.
    backend.deliver([true, 1000], [false, 1100]);
    clock.advance(25);
    await checkPhase();
    expect(changes).toEqual([true, false]);
    await driver.stop();
  });

  it('glitches shorter than the debounce read together are no change, whatever the stall', async () => {
    const { clock, backend, changes, driver } = await setup();
    backend.deliver([true, 1000], [false, 1000.5], [true, 1001], [false, 1019]);
    clock.advance(60);
    await checkPhase();
    expect(changes).toEqual([]);
    await driver.stop();
  });

  it('a timer that fires late, while the edge that ended the hold is still unread, invents nothing', async () => {
    const { clock, backend, changes, driver } = await setup();
    backend.deliver([true, 1000]);
    // The loop stalls 60 ms; meanwhile the door closed again at 1005 (a glitch). When the loop runs,
    // the timer phase comes first: the debounce timer fires before the queued edge is read...
    clock.advance(60);
    // ...then the I/O phase reads the queued edge, then the check phase runs.
    backend.deliver([false, 1005]);
    await checkPhase();
    clock.advance(60);
    await checkPhase();
    expect(changes).toEqual([]);
    await driver.stop();
  });

  it('without a stall: a change is published once, debounceMs after its edge, not before', async () => {
    const { clock, backend, changes, driver } = await setup();
    backend.deliver([true, 1000]);
    clock.advance(19);
    await checkPhase();
    expect(changes).toEqual([]);
    clock.advance(1);
    await checkPhase();
    expect(changes).toEqual([true]);
    // A 60 ms burst of edges 0.5 ms apart read in one go (an odd count: the level ends low), then held.
    const burst: Array<[boolean, number]> = Array.from({ length: 121 }, (_, i) => [i % 2 === 1, 2000 + i * 0.5]);
    backend.deliver(...burst);
    clock.advance(20);
    await checkPhase();
    expect(changes).toEqual([true, false]);
    await driver.stop();
  });
});
