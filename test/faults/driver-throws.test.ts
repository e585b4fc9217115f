/**
 * A driver that throws — at start, in a command, while stopping, losing its device mid-command — next
 * to a healthy device. A fake device kind ("bomb") exists only in this test: it is added to the registry
 * after config validation, so the real daemon wires it like any other kind. The daemon and the GPIO
 * device keep running; every bomb request gets exactly one answer with a stable code; nothing leaks.
 */
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { validateConfig } from '../../src/daemon/config/load.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { defineDeviceKind, type DeviceKind, type DriverHost } from '../../src/core/driver.js';
import { createLogger } from '../../src/core/logger.js';
import { DEVICE_KINDS } from '../../src/daemon/registry.js';
import { tempDir } from '../helpers/daemon.js';
import { gpioConfig } from '../helpers/configs.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from './report.js';

const bombApi = {
  kind: 'bomb',
  summary: 'A driver that fails in every way a driver can (fault tests only).',
  commands: {
    crash: { summary: 'Throws a TypeError.', input: z.strictObject({}), output: z.object({}) },
    lose: { summary: 'Reports the device lost, then throws.', input: z.strictObject({}), output: z.object({}) },
    ok: { summary: 'Works.', input: z.strictObject({}), output: z.object({ n: z.number() }) },
  },
  events: {},
  stateDetail: z.object({}),
} as const;

const bomb = { starts: 0, failFirstStarts: 2, stops: 0 };
const bombKind = defineDeviceKind({
  api: bombApi,
  configSchema: z.object({ enabled: z.boolean(), simulate: z.boolean() }),
  create: (_config, deps) => {
    const host: DriverHost = deps.host;
    let n = 0;
    return Promise.resolve({
      api: bombApi,
      commands: {
        crash: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'secret')")),
        lose: () => {
          host.lost(new Error('gone'));
          return Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
        },
        ok: () => Promise.resolve({ n: ++n }),
      },
      start: () => {
        bomb.starts++;
        if (bomb.starts <= bomb.failFirstStarts) return Promise.reject(new RangeError('start exploded'));
        return Promise.resolve();
      },
      stop: () => {
        bomb.stops++;
        return Promise.reject(new Error('stop exploded too'));
      },
    });
  },
});

describe.skipIf(!hasMosquitto)('a driver that throws', () => {
  let broker: Broker;
  let daemon: Daemon;
  let probe: Probe;
  const logs: string[] = [];
  const kinds = DEVICE_KINDS as unknown as Record<string, DeviceKind>;

  beforeAll(async () => {
    broker = await startMosquitto();
    // Only GPIO is simulated (the bomb has no simulator).
    const config = validateConfig({ simulation: false, devices: { gpio: { ...gpioConfig.devices.gpio, simulate: true } }, kioskId: `bomb${process.pid}`, stateDir: tempDir(), mqtt: { url: broker.url, limits: { ratePerSec: 1000, burst: 1000, inFlight: 200 } } }, 'test');
    // (one probe sends 100 requests at once here; the per-client limits are test/faults/bounded-work.test.ts's subject)
    kinds.bomb = bombKind;
    (config.devices as Record<string, unknown>).bomb = { enabled: true, simulate: false };
    daemon = new Daemon({
      config,
      log: createLogger({ level: 'debug', journald: false, write: (l) => logs.push(l) }),
      clock: systemClock,
      version: '0.0.0-test',
      hostname: 'test',
      backoff: { initialMs: 50, maxMs: 200, jitter: 0 },
    });
    await daemon.start();
    probe = await Probe.connect(broker.url, daemon.topics.base);
  });
  afterAll(async () => {
    delete kinds.bomb;
    await probe?.close();
    await daemon?.stop();
    await broker?.stop();
  });

  it('a start that throws: fault, retried with backoff, then ready; GPIO unaffected', async () => {
    await probe.waitFor('device/bomb/state', (p) => p.status === 'fault' && p.error?.code === 'INTERNAL');
    await probe.waitFor('device/bomb/state', (p) => p.status === 'ready', 10_000);
    expect(bomb.starts).toBe(bomb.failFirstStarts + 1);
    expect(await probe.request('gpio', 'set', { line: 'light_printer', value: true })).toMatchObject({ status: 'ok' });
  });

  it('a command that throws: INTERNAL without the error text; the device and the daemon keep going', async () => {
    const res = await probe.request('bomb', 'crash', {});
    expect(res).toMatchObject({ status: 'error', error: { code: 'INTERNAL', retryable: false } });
    expect(JSON.stringify(res)).not.toContain('secret');
    expect(await probe.request('bomb', 'ok', {})).toMatchObject({ status: 'ok', data: { n: 1 } });
  });

  it('a device lost mid-command (and a stop that throws): IO_ERROR answered, offline, restarted', async () => {
    const before = bomb.starts;
    const res = await probe.request('bomb', 'lose', {});
    expect(res).toMatchObject({ status: 'error', error: { code: 'IO_ERROR' } });
    await probe.next('device/bomb/state', (p) => p.status === 'ready', 10_000);
    expect(bomb.starts).toBe(before + 1);
    expect(bomb.stops).toBeGreaterThan(0);
    expect(logs.some((l) => l.includes('driver stop threw'))).toBe(true);
  });

  it('100 mixed requests while it throws: one answer each, GPIO answers all', async () => {
    const kinds: Array<[string, string]> = [['gpio', 'read'], ['bomb', 'crash'], ['bomb', 'ok'], ['gpio', 'read']];
    const cmds = Array.from({ length: 100 }, (_, i): [string, string] => kinds[i % 4] ?? ['gpio', 'read']);
    const answers = await Promise.all(cmds.map(([d, c], i) => probe.request(d, c, { transaction: `mix-${i}` })));
    expect(answers.filter((a) => a.status === 'ok')).toHaveLength(75);
    expect(answers.filter((a) => a.status === 'error').every((a) => a.status === 'error' && a.error.code === 'INTERNAL')).toBe(true);
    const responses = probe.messages.filter((m) => m.topic.includes('/response/') && String((m.payload as { transaction?: string }).transaction).startsWith('mix-'));
    expect(responses).toHaveLength(100); // none duplicated
    expect(daemon.runtime('gpio')?.state.status).toBe('ready');
    record({
      id: 'fault.driver-throws',
      section: 'fault',
      what: 'a driver throws: at start, in a command, in stop, device lost mid-command (fake kind next to GPIO)',
      inFlight: '100 mixed requests to the throwing device and GPIO',
      behaviour: `start failure -> fault, retried with backoff (${bomb.failFirstStarts} failures then ready); command -> INTERNAL (text not leaked); lost -> IO_ERROR, offline, restarted`,
      figure: '100 of 100 answered exactly once; GPIO stayed ready',
      lostOrDuplicated: '0 lost, 0 duplicated',
      test: 'test/faults/driver-throws.test.ts',
    });
  });
});
