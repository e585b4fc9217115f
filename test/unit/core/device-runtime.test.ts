import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DeviceStateMessage } from '../../../src/api/envelope.js';
import { ManualClock } from '../../../src/core/clock.js';
import { DeviceRuntime } from '../../../src/daemon/device-runtime.js';
import { defineDeviceKind, type DeviceApi, type Driver, type DriverHost } from '../../../src/core/driver.js';
import { KioskError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { realTransports } from '../../helpers/transports.js';

const api = {
  kind: 'fake',
  summary: 'a fake device',
  commands: {
    ping: { summary: 'ping', input: z.object({}), output: z.object({ pong: z.boolean() }) },
    boom: { summary: 'throws', input: z.object({}), output: z.object({}) },
  },
  events: {},
  stateDetail: z.object({}),
} as const satisfies DeviceApi;

/** A driver whose start fails `failures` times, and which can be made to lose its device. */
function fakeKind(behaviour: { failures: number; starts: number[]; stops: number[]; host?: DriverHost }, clock: ManualClock) {
  return defineDeviceKind({
    api,
    configSchema: z.object({}),
    async create(_config, deps) {
      behaviour.host = deps.host;
      const driver: Driver<typeof api> = {
        api,
        commands: {
          ping: async () => ({ pong: true }),
          boom: async () => {
            throw new TypeError('driver bug');
          },
        },
        async start() {
          behaviour.starts.push(clock.monotonic());
          if (behaviour.failures > 0) {
            behaviour.failures--;
            throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
          }
        },
        async stop() {
          behaviour.stops.push(clock.monotonic());
        },
      };
      return driver;
    },
  });
}

function runtime(behaviour: Parameters<typeof fakeKind>[0], states: DeviceStateMessage[], clock = new ManualClock()) {
  return new DeviceRuntime({
    name: 'fake',
    kind: fakeKind(behaviour, clock),
    config: {},
    enabled: true,
    simulated: false,
    log: createLogger({ level: 'fatal', journald: false, write: () => undefined }),
    clock,
    transports: realTransports(clock),
    sink: { state: (_d, s) => states.push(s), event: () => undefined },
    stateDir: '/tmp',
    simulatorLink: undefined,
    backoff: { initialMs: 20, maxMs: 80, jitter: 0.25 },
  });
}

/** Move the manual clock on in small steps (letting each start attempt run) until `cond` holds. */
const until = async (clock: ManualClock, cond: () => boolean, ms = 3000): Promise<void> => {
  for (let t = 0; !cond(); t += 5) {
    if (t > ms) throw new Error('condition not reached');
    await clock.advanceAsync(5);
  }
};

describe('DeviceRuntime (supervisor)', () => {
  it('retries a failing start with growing backoff, offline meanwhile, then becomes ready', async () => {
    const b = { failures: 3, starts: [] as number[], stops: [] as number[] };
    const states: DeviceStateMessage[] = [];
    const clock = new ManualClock();
    const r = runtime(b, states, clock);
    await r.start();
    expect(r.state.status).toBe('offline');
    expect(r.state.error?.code).toBe('DEVICE_NOT_FOUND');
    await expect(r.run('ping', {}, { transaction: undefined, signal: r.signal, requester: undefined, role: 'ui' as const })).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE' });
    await until(clock, () => r.state.status === 'ready');
    expect(b.starts).toHaveLength(4);
    const gaps = b.starts.slice(1).map((t, i) => t - b.starts[i]!);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!); // exponential: 20, 40, 80 ms ± 25% (of the runtime's clock)
    expect(gaps[0]!).toBeGreaterThanOrEqual(15);
    expect(gaps[2]!).toBeLessThanOrEqual(100);
    expect(r.health().restarts).toBe(3);
    expect(r.state.error).toBeUndefined();
    await r.stop();
  });

  it('a lost device goes offline, is stopped, and is restarted', async () => {
    const b = { failures: 0, starts: [] as number[], stops: [] as number[] } as Parameters<typeof fakeKind>[0];
    const states: DeviceStateMessage[] = [];
    const clock = new ManualClock();
    const r = runtime(b, states, clock);
    await r.start();
    expect(r.state.status).toBe('ready');
    b.host!.lost(Object.assign(new Error('unplugged'), { code: 'EIO' }));
    await until(clock, () => states.some((s) => s.status === 'offline'));
    await until(clock, () => r.state.status === 'ready' && b.starts.length === 2);
    expect(b.stops.length).toBeGreaterThanOrEqual(1);
    await r.stop();
  });

  it('a command that throws a bug answers INTERNAL and the device stays up', async () => {
    const b = { failures: 0, starts: [] as number[], stops: [] as number[] };
    const r = runtime(b, []);
    await r.start();
    const ctx = { transaction: undefined, signal: r.signal, requester: undefined, role: 'ui' as const };
    await expect(r.run('boom', {}, ctx)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(r.health().lastError?.code).toBe('INTERNAL');
    await expect(r.run('ping', {}, ctx)).resolves.toEqual({ pong: true });
    expect(r.state.status).toBe('ready');
    await r.stop();
  });

  it('stop cancels pending retries and aborts the command signal', async () => {
    const b = { failures: 100, starts: [] as number[], stops: [] as number[] };
    const clock = new ManualClock();
    const r = runtime(b, [], clock);
    await r.start();
    const signal = r.signal;
    await r.stop();
    const n = b.starts.length;
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(1000);
    expect(b.starts.length).toBe(n);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as KioskError).code).toBe('SHUTTING_DOWN');
  });
});
