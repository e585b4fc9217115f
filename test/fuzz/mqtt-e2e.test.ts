/**
 * Fuzzing the daemon end to end over a real Mosquitto: arbitrary device and command names (unicode,
 * empty, near-miss), arbitrary payloads, MQTT 5 correlation data and requester properties, against GPIO,
 * scanner, card and cash simulators. Each request names its own response topic, so every answer can be
 * counted: exactly one per request, a valid envelope, a registered code; no INTERNAL; the daemon still
 * answering at the end. 10,000 cases (FUZZ_RUNS); every schema in-process: requests.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseSchema } from '../../src/api/envelope.js';
import { DEVICE_APIS } from '../../src/api/index.js';
import { bridgeOps } from '../../src/api/bridge.js';
import { allErrorCodes } from '../../src/core/errors.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { gpioConfig } from '../helpers/configs.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from '../faults/report.js';
import { fuzzAsync, MAX_HEAP_GROWTH_MB, RUNS } from './harness.js';

const DEVICES = ['gpio', 'scanner', 'card', 'cash'] as const;
const config = {
  simulation: true,
  devices: {
    gpio: gpioConfig.devices.gpio,
    scanner: { inputs: { reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200, model: 'generic' } } },
    card: { ackTimeoutMs: 1000, idleTimeoutMs: 2500 },
    cash: { validator: { pollIntervalMs: 50 }, simulator: { stepMs: 40 } },
  },
};

describe.skipIf(!hasMosquitto || !hasPty)('the daemon over MQTT with arbitrary requests', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  const waiting = new Map<string, (payload: Buffer) => void>();
  const answers = new Map<string, number>();

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config });
    probe = await Probe.connect(broker.url, kiosk.base, { subscribe: [`${kiosk.base}/device/+/state`, `${kiosk.base}/device/gpio/response/+`, `${kiosk.base}/bridge/response/+`, `fuzz-${process.pid}/#`] });
    for (const d of DEVICES) await probe.waitFor(`device/${d}/state`, (p) => p.status === 'ready', 20_000);
    probe.client.on('message', (topic, payload) => {
      answers.set(topic, (answers.get(topic) ?? 0) + 1);
      waiting.get(topic)?.(payload);
    });
  }, 40_000);
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it(`${RUNS} arbitrary requests: one valid answer each, registered codes, no INTERNAL, still answering`, async () => {
    const codes = new Set(Object.keys(allErrorCodes()));
    const seen = new Map<string, number>();
    const commandNames = [...new Set(Object.values(DEVICE_APIS).flatMap((a) => [...Object.keys(a.commands), ...Object.keys(a.sim ?? {})]).concat(Object.keys(bridgeOps)))];
    const level = fc.oneof(fc.constantFrom(...DEVICES, 'printer', 'nope', '', '__proto__', 'constructor'), fc.string({ maxLength: 12 }).filter((s) => !/[/+#\u0000]/.test(s)));
    // Inherited property names first found INTERNAL errors here (a command lookup that was not own-keys).
    const inherited = ['toString', 'valueOf', 'constructor', '__proto__', 'hasOwnProperty', 'prototype'];
    const command = fc.oneof(fc.constantFrom(...commandNames, ...inherited), fc.string({ maxLength: 12 }).filter((s) => !/[/+#\u0000]/.test(s)));
    const topic = fc.oneof(
      fc.tuple(level, command).map(([d, c]) => `device/${d}/request/${c}`),
      fc.tuple(level, command).map(([d, c]) => `sim/${d}/request/${c}`),
      command.map((c) => `bridge/request/${c}`),
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
      fc.dictionary(fc.constantFrom('line', 'value', 'amount', 'currency', 'idempotencyKey', 'reference', 'timeoutMs', 'data', 'device', 'level', 'transaction', 'onMs', 'count'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 5 }).map((o) => Buffer.from(JSON.stringify(o))),
    );
    const props = fc.record({ corr: fc.option(fc.uint8Array({ maxLength: 16 })), requester: fc.option(fc.string({ maxLength: 80 })) });
    let n = 0;
    let internal = 0;
    const internals: string[] = [];
    const stats = await fuzzAsync(fc.tuple(topic, payload, props), async ([suffix, body, p]) => {
      const replyTo = `fuzz-${process.pid}/${++n}`;
      const answered = new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${suffix} ${body.toString('hex').slice(0, 80)}`)), 15_000);
        waiting.set(replyTo, (b) => {
          clearTimeout(timer);
          resolve(b);
        });
      });
      await probe.client.publishAsync(`${kiosk.base}/${suffix}`, body, {
        qos: 1,
        properties: { responseTopic: replyTo, ...(p.corr ? { correlationData: Buffer.from(p.corr) } : {}), ...(p.requester !== null ? { userProperties: { requester: p.requester } } : {}) },
      });
      const res = responseSchema.parse(JSON.parse((await answered).toString()));
      waiting.delete(replyTo);
      const code = res.status === 'ok' ? 'ok' : res.error.code;
      if (code === 'INTERNAL' && ++internal <= 5) internals.push(`${suffix} ${body.toString().slice(0, 120)}`);
      expect(code === 'ok' || codes.has(code), code).toBe(true);
      seen.set(code, (seen.get(code) ?? 0) + 1);
    });
    await new Promise((r) => setTimeout(r, 500));
    const doubled = [...answers].filter(([t, c]) => t.startsWith(`fuzz-${process.pid}/`) && c > 1);
    expect(doubled).toEqual([]);
    expect(internal, internals.join('\n')).toBe(0);
    expect(stats.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
    // Valid simulator commands among the cases may unplug the scanner or power the terminal off (that is
    // what they are for), so the end check is that the daemon still answers, not that every device is up.
    expect(kiosk.daemon.connected).toBe(true);
    expect(await probe.request('gpio', 'read')).toMatchObject({ status: 'ok' });
    expect(await probe.bridge('health')).toMatchObject({ status: 'ok' });
    const states = DEVICES.map((d) => `${d} ${kiosk.daemon.runtime(d)?.state.status ?? '?'}`).join(', ');
    record({
      id: 'input.fuzz.mqtt-e2e',
      section: 'input',
      what: 'arbitrary requests over a real Mosquitto (names incl. unicode/empty, payloads, MQTT 5 properties) to the daemon with 4 simulated devices',
      inFlight: `${RUNS.toLocaleString('en')} requests`,
      behaviour: `one answer each: ${[...seen].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c} ${k}`).join(', ')}`,
      figure: `slowest round trip ${stats.maxCaseMs.toFixed(0)} ms; 0 INTERNAL (3 found and fixed: inherited names as commands); still answering (${states})`,
      lostOrDuplicated: '0 unanswered, 0 answered twice',
      test: 'test/fuzz/mqtt-e2e.test.ts',
    });
  });
});
