/**
 * One device never takes the daemon down: the simulated kiosk of `npm start` (config/simulated.yaml)
 * with each device's start broken in turn, the way a fresh or misconfigured machine breaks it — a
 * missing tool, a missing font, a bad path, a terminal that is not there, no PTYs. The broken device
 * shows fault/offline with a stable code and a message that says what to install or fix; the other
 * four come up ready, the bridge is online and they answer requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SimulatorDeps } from '../../src/core/driver.js';
import { DEVICE_KINDS } from '../../src/daemon/registry.js';
import { repoRoot, startTestDaemon, tempDir } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { freePort, startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

type Devices = Record<string, Record<string, unknown>>;
const DEVICES = ['gpio', 'printer', 'scanner', 'card', 'cash'] as const;
type Device = (typeof DEVICES)[number];

function simulatedKiosk(): { devices: Devices } & Record<string, unknown> {
  const c = parse(readFileSync(join(repoRoot, 'config', 'simulated.yaml'), 'utf8')) as { devices: Devices } & Record<string, unknown>;
  delete c.stateDir;
  delete c.kioskId;
  delete c.mqtt;
  // The breakages are made in this process (PATH, the FFI): the simulators run in the daemon under test here.
  delete c.simulators;
  // Simulated per device, so that a breakage can put one of them on hardware.
  c.simulation = false;
  for (const d of Object.values(c.devices)) d.simulate = true;
  return c;
}

interface Breakage {
  /** How the device is broken, and what the technician must read. */
  what: string;
  apply(devices: Devices): Promise<(() => void) | void>;
  status: 'fault' | 'offline';
  code: string;
  message: RegExp;
}

const BREAK: Record<Device, Breakage> = {
  gpio: {
    what: 'GPIO on the gpiod backend without the libgpiod tools installed',
    apply: async (d) => {
      d.gpio = { ...d.gpio, simulate: false, backend: 'gpiod' };
      const path = process.env.PATH;
      process.env.PATH = tempDir('kioskd-empty-path-'); // the tools are spawned by name, as on a Pi
      return () => void (process.env.PATH = path);
    },
    status: 'fault',
    code: 'DEPENDENCY_MISSING',
    message: /apt-get install gpiod/,
  },
  printer: {
    what: 'the virtual printer with a Chinese font that is not there',
    apply: async (d) => void (d.printer = { ...d.printer, fonts: { cjk: '/nonexistent/NotoSansSC-Regular.ttf' } }),
    status: 'fault',
    code: 'FONT_MISSING',
    message: /\/nonexistent\/NotoSansSC-Regular\.ttf.*devices\.printer\.fonts\.cjk/,
  },
  scanner: {
    what: 'a document reader on hardware at a path that does not exist',
    apply: async (d) =>
      void (d.scanner = { simulate: false, arming: 'on-request', inputs: { reader: { type: 'serial', path: '/dev/serial/by-id/usb-no-such-reader', baudRate: 115200, model: 'generic' } } }),
    status: 'offline',
    code: 'DEVICE_NOT_FOUND',
    message: /usb-no-such-reader/,
  },
  card: {
    what: 'a LAN card terminal that does not answer on its port',
    apply: async (d) => void (d.card = { simulate: false, protocol: 'zvt', currency: 'AED', transport: { type: 'tcp', host: '127.0.0.1', port: await freePort(), connectTimeoutMs: 1000 } }),
    status: 'offline',
    code: 'IO_ERROR',
    message: /ECONNREFUSED 127\.0\.0\.1:\d+/,
  },
  cash: {
    what: 'the cash simulators on a machine where PTYs cannot be made (the FFI does not load)',
    apply: async () => {
      const kind = DEVICE_KINDS.cash as unknown as { simulate: (c: unknown, deps: SimulatorDeps) => Promise<unknown> };
      const real = kind.simulate;
      kind.simulate = async (_c, deps) => {
        // what src/transports/pty-pair.ts throws when koffi or glibc cannot be loaded
        throw Object.assign(new Error(`cannot make a PTY for ${deps.workDir}/validator: the koffi FFI module or glibc could not be loaded`), { code: 'ENOPKG' });
      };
      return () => void (kind.simulate = real);
    },
    status: 'fault',
    code: 'DEPENDENCY_MISSING',
    message: /cannot make a PTY.*koffi/,
  },
};

/** A request each healthy device answers with status ok. */
const ASK: Record<Device, [string, Record<string, unknown>]> = {
  gpio: ['set', { line: 'light_printer', value: true }],
  printer: ['status', {}],
  scanner: ['enable', {}],
  card: ['status', {}],
  cash: ['status', {}],
};

describe.skipIf(!hasMosquitto || !hasPty)('one device that cannot start never takes the daemon down', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  for (const broken of DEVICES) {
    const b = BREAK[broken];
    it(`${broken}: ${b.what} → ${b.status} ${b.code}; the other four ready and answering`, async () => {
      const config = simulatedKiosk();
      const restore = await b.apply(config.devices);
      let kiosk;
      try {
        kiosk = await startTestDaemon({ brokerUrl: broker.url, config });
      } finally {
        restore?.();
      }
      const probe = await Probe.connect(broker.url, kiosk.base);
      try {
        await probe.waitFor('bridge/state', (p: { state: string }) => p.state === 'online');
        const state = await probe
          .waitFor(`device/${broken}/state`, (p: { status: string }) => p.status === b.status, 15_000)
          .catch((err: Error) => {
            const seen = probe.messages.filter((m) => m.topic.endsWith(`/device/${broken}/state`)).map((m) => JSON.stringify(m.payload));
            throw new Error(`${err.message}; states seen: ${seen.join(' | ')}`);
          });
        const error = (state.payload as { error?: { code: string; message?: string } }).error;
        expect(error?.code).toBe(b.code);
        expect(error?.message).toMatch(b.message);
        for (const other of DEVICES.filter((d) => d !== broken)) {
          await probe.waitFor(`device/${other}/state`, (p: { status: string }) => p.status === 'ready', 15_000);
          const [command, payload] = ASK[other];
          const reply = await probe.request(other, command, payload);
          expect(reply, `${other} ${command}`).toMatchObject({ status: 'ok' });
        }
        // the broken device answers too: with a code, at once
        const [command, payload] = ASK[broken];
        expect(await probe.request(broken, command, payload)).toMatchObject({ status: 'error', error: { code: 'DEVICE_UNAVAILABLE' } });
      } finally {
        await probe.close();
        await kiosk.stop();
      }
    });
  }
});
