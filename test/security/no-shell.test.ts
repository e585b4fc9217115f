/**
 * No input ever reaches a shell. Hostile values (command substitution, `;`, quotes, newlines, MQTT
 * wildcards) are either rejected by config validation, or — where a value does go to a process — passed
 * as one argv word: the tool sees exactly the string, and the command hidden in it never runs (the marker
 * file it would create never appears).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/daemon/config/load.js';
import { GpiodBackend } from '../../src/transports/gpio/gpiod.js';
import { startTestDaemon, tempDir } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from '../faults/report.js';

const markerDir = tempDir('kioskd-pwned-');
const marker = join(markerDir, 'pwned');
const hostile = [
  `GPIO1;touch ${marker}`,
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `GPIO1 && touch ${marker}`,
  `GPIO1' || touch '${marker}`,
  `GPIO1"; touch "${marker}`,
  `GPIO1\ntouch ${marker}`,
  `GPIO1 | touch ${marker}`,
  `--help ${marker}`,
];
let rejectedByConfig = 0;

function expectConfigRejects(value: unknown, path: string): void {
  let error: unknown;
  try {
    validateConfig(value, 'hostile');
  } catch (err) {
    error = err;
  }
  expect(error, `${path} accepted: ${JSON.stringify(value)}`).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.join('\n')).toContain(path);
  rejectedByConfig++;
}

describe('config validation rejects hostile values', () => {
  it.each(hostile)('GPIO line name / label / chip: %j', (value) => {
    expectConfigRejects({ devices: { gpio: { backend: 'gpiod', inputs: { door: { line: value } } } } }, 'devices.gpio.inputs.door.line');
    expectConfigRejects({ devices: { gpio: { backend: 'gpiod', outputs: { [value]: { line: 'GPIO5' } } } } }, 'devices.gpio.outputs');
    expectConfigRejects({ devices: { gpio: { backend: 'gpiod', chip: value } } }, 'devices.gpio.chip');
  });

  it.each(['k/#', 'k+1', 'a b', '#', '+', 'k/../x', '$(reboot)', 'k;reboot', 'k\n1', ''])('kioskId %j', (kioskId) => {
    expectConfigRejects({ kioskId }, 'kioskId');
  });

  it.each(['kiosk/#', '+', '#', 'a b', 'kiosk/x', 'a\tb', ''])('mqtt.root %j', (root) => {
    expectConfigRejects({ mqtt: { root } }, 'mqtt.root');
  });

  it('mqtt.url must be an MQTT URL (no file:, no shell)', () => {
    expectConfigRejects({ mqtt: { url: `$(touch ${marker})` } }, 'mqtt.url');
    expectConfigRejects({ mqtt: { url: 'file:///etc/passwd' } }, 'mqtt.url');
  });
});

describe('values that reach a process are one argv word', () => {
  // Stand-ins for the libgpiod tools that record each argument NUL-terminated, one call per line.
  const bin = tempDir('kioskd-argv-');
  const argvLog = join(bin, 'argv');
  for (const tool of ['gpiofind', 'gpioget', 'gpiomon', 'gpioset']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nprintf '%s\\0' "${tool}" "$@" >> "${argvLog}"\nprintf '\\n' >> "${argvLog}"\nexit 1\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const calls = (): string[][] =>
    existsSync(argvLog) ? readFileSync(argvLog, 'utf8').split('\0\n').filter(Boolean).map((l) => l.split('\0')) : [];

  it.each(hostile)('gpiofind gets the line name %j as exactly one argument', async (line) => {
    const before = calls().length;
    const b = new GpiodBackend({ chip: 'gpiochip0', binDir: bin });
    await expect(b.open([{ name: 'door', line }], [])).rejects.toMatchObject({ code: 'ENOENT' });
    await b.close();
    expect(calls().slice(before)).toEqual([['gpiofind', line]]);
    expect(existsSync(marker)).toBe(false);
  });

  it.each(hostile)('gpioget gets the chip %j as exactly one argument', async (chip) => {
    const before = calls().length;
    const b = new GpiodBackend({ chip, binDir: bin });
    await expect(b.open([{ name: 'door', line: 4 }], [])).rejects.toThrow();
    await b.close();
    expect(calls().slice(before)).toEqual([['gpioget', chip, '4']]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe.skipIf(!hasMosquitto || !hasPty)('a state directory with spaces, a newline, $() and ; in its path', () => {
  // Simulated devices put their PTY links and FIFOs (mkfifo) under it. PTYs no longer go through
  // socat's address syntax, so quotes, commas and `!!` are in the path too.
  const stateDir = join(tempDir('kioskd-hostile-'), `state dir\n$(touch ${marker.replaceAll('/', '_')}) ;x | y 'q' "d" a,b !!`);
  mkdirSync(stateDir, { recursive: true });
  afterAll(() => {
    record({
      id: 'security.no-shell',
      section: 'security',
      what: 'hostile config values: `;`, `$()`, backticks, quotes, newlines, wildcards',
      inFlight: `${hostile.length} hostile strings; ${rejectedByConfig} config values tried`,
      behaviour: `config rejects each one by path; gpiod tools get them as one argv word (execFile/spawn, no shell); simulators run under a hostile state path`,
      figure: `${rejectedByConfig} of ${rejectedByConfig} rejected; marker file never created`,
      lostOrDuplicated: 'n/a',
      test: 'test/security/no-shell.test.ts',
    });
  });

  it('the scanner simulator (PTY, FIFO via mkfifo) and its driver come up; no command ran', async () => {
    const broker = await startMosquitto();
    const kiosk = await startTestDaemon({
      brokerUrl: broker.url,
      stateDir,
      config: {
        simulation: true,
        devices: {
          scanner: {
            inputs: {
              reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200, model: 'generic' },
              wedge: { type: 'hid', path: '/dev/input/by-id/usb-simulated-event-kbd', keymap: 'us' },
            },
          },
        },
      },
    });
    const probe = await Probe.connect(broker.url, kiosk.base);
    try {
      await probe.waitFor('device/scanner/state', (p: { status: string }) => p.status === 'ready', 15_000);
      expect(existsSync(marker)).toBe(false);
      // A shell would have run the `$(touch ...)` in its working directory.
      expect(existsSync(join(process.cwd(), marker.replaceAll('/', '_')))).toBe(false);
    } finally {
      await probe.close();
      await kiosk.stop();
      await broker.stop();
    }
  });
});
