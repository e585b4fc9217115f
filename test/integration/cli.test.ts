/**
 * The command line as a technician meets it: each mistake or expected failure ends with its exit code
 * and one line that says what to do, never a stack trace, never a silent fallback, no process left.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { freePort, startMosquitto, type Broker } from '../helpers/mosquitto.js';

const cli = join(repoRoot, 'dist', 'src', 'cli.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  pgid: number;
}

/** Run kioskd in its own process group (to look for anything it leaves behind), with a time limit. */
function kioskd(args: string[], opts: { env?: NodeJS.ProcessEnv; until?: RegExp; timeoutMs?: number; uid?: number; gid?: number } = {}): Promise<Result & { kill(): Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  });
  const out = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async (): Promise<number | null> => {
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kioskd ${args.join(' ')} did not finish: ${out.stderr}`)), opts.timeoutMs ?? 20_000);
    const check = (): void => {
      if (opts.until?.test(`${out.stderr}\n${out.stdout}`)) {
        clearTimeout(timer);
        resolve({ code: null, ...out, pgid: child.pid!, kill });
      }
    };
    child.stdout.on('data', (d: Buffer) => ((out.stdout += d.toString()), check()));
    child.stderr.on('data', (d: Buffer) => ((out.stderr += d.toString()), check()));
    void exited.then((code) => {
      clearTimeout(timer);
      resolve({ code, ...out, pgid: child.pid!, kill });
    });
  });
}

/** Processes still alive in a process group (what a crashed or careless CLI would orphan). */
function leftIn(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

function expectNoStack(r: { stderr: string }): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

function config(dir: string, c: Record<string, unknown>): string {
  const file = join(dir, `kioskd-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({ kioskId: 'cli-test', stateDir: join(dir, 'state'), ...c }));
  return file;
}

const gpioOnly = { simulation: true, devices: { gpio: { backend: 'sim', inputs: { presence: { line: 'GPIO17' } }, outputs: { light: { line: 'GPIO5' } } } } };

describe('usage errors: exit 64 with the usage, nothing started', () => {
  it.each([
    [['--confg', '/etc/kioskd/config.yaml'], /unknown option --confg \(did you mean --config\?\)/],
    [['stauts'], /unknown command "stauts" \(did you mean status\?\)/],
    [['status', '--jsn'], /status: unknown option --jsn \(did you mean --json\?\)/],
    [['doctor', 'now'], /doctor: unexpected argument "now"/],
    [['config', 'chek', 'x.yaml'], /config: unknown subcommand "chek"/],
    [['config', 'check'], /config check needs a FILE/],
    [['--config'], /--config/],
    [['--playground', '--config', 'x.yaml', 'extra'], /unknown command "extra"/],
  ])('kioskd %j', async (args, message) => {
    const r = await kioskd(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage:');
    expect(r.stdout).toBe('');
    expectNoStack(r);
  });

  it('--help and --version exit 0', async () => {
    expect((await kioskd(['--help'])).stdout).toContain('exit status:');
    expect((await kioskd(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('configuration failures: exit 78 naming the key (systemd does not restart)', () => {
  it('a missing mqtt.passwordFile', async () => {
    const dir = tempDir();
    const secret = join(dir, 'mqtt.secret');
    const file = config(dir, { ...gpioOnly, mqtt: { url: 'mqtt://127.0.0.1:1', username: 'kioskd', passwordFile: secret } });
    const r = await kioskd(['--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`mqtt.passwordFile: cannot read ${secret} (ENOENT)`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // "invalid configuration FILE:" and the key
    expectNoStack(r);
    writeFileSync(secret, '\n');
    const empty = await kioskd(['--config', file]);
    expect(empty.code).toBe(78);
    expect(empty.stderr).toContain(`mqtt.passwordFile: ${secret} is empty`);
  });
});

describe('a state directory the user may not write: exit 73, one line', () => {
  it('says how to run it instead', async () => {
    const dir = tempDir();
    const asRoot = process.getuid?.() === 0;
    // As root nothing is forbidden: run as nobody, as a technician without sudo would be.
    const stateDir = asRoot ? join(dir, 'root-only', 'state') : '/var/lib/kioskd-cli-test-no-write';
    if (asRoot) {
      mkdirSync(join(dir, 'root-only'), { mode: 0o700 });
      chmodSync(dir, 0o755);
    }
    const file = config(dir, { ...gpioOnly, stateDir, mqtt: { url: 'embedded', embedded: { port: 0, wsPort: 0 } } });
    chmodSync(file, 0o644);
    const r = await kioskd(['--config', file], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r.code, r.stderr).toBe(73);
    expect(r.stderr).toMatch(/cannot write .* \(EACCES\): run kioskd as its service/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expectNoStack(r);
  });
});

describe.skipIf(!hasMosquitto)('taken ports, the banner, and talking to a daemon that is not there', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('the embedded broker port held by another broker: one line, exit 75, nothing published there, nothing left running', async () => {
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const seen: string[] = [];
    watcher.on('message', (t) => seen.push(t));
    await watcher.subscribeAsync('#');
    const dir = tempDir();
    const file = config(dir, { simulation: true, devices: { ...gpioOnly.devices, printer: {} }, mqtt: { url: 'embedded', embedded: { port: broker.port, wsPort: 0 } } });
    const r = await kioskd(['--config', file]);
    expect(r.code).toBe(75);
    expect(r.stderr.trim()).toBe(
      `kioskd: the embedded broker's MQTT port 127.0.0.1:${broker.port} is taken (another kioskd, or Mosquitto): stop it, or set mqtt.embedded.port (0 picks a free port), or use that broker on purpose with mqtt.url: mqtt://127.0.0.1:${broker.port}`,
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(seen.filter((t) => t.startsWith('kiosk/'))).toEqual([]);
    expect(leftIn(r.pgid)).toEqual([]);
    await watcher.endAsync();
  });

  it('a taken playground port: one line, exit 75, before any device starts', async () => {
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((res) => holder.listen(port, '127.0.0.1', () => res()));
    try {
      const dir = tempDir();
      const file = config(dir, { ...gpioOnly, mqtt: { url: broker.url } });
      const r = await kioskd(['--config', file, '--playground', String(port)]);
      expect(r.code).toBe(75);
      expect(r.stderr.trim()).toBe(`kioskd: the playground port 127.0.0.1:${port} is taken (another kioskd --playground or a web server): stop it, or choose another with --playground PORT`);
      expect(r.stdout).not.toContain('device started');
      expect(leftIn(r.pgid)).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('the banner hints carry the port the embedded broker really got', async () => {
    const dir = tempDir();
    const file = config(dir, { ...gpioOnly, mqtt: { url: 'embedded', embedded: { port: 0, wsPort: 0 } } });
    const r = await kioskd(['--config', file], { until: /try\s+mosquitto_pub.*\n/ });
    try {
      const port = /MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(r.stderr)?.[1];
      expect(Number(port)).toBeGreaterThan(0);
      expect(r.stderr).toContain(`mosquitto_sub -h 127.0.0.1 -p ${port} -v -t 'kiosk/cli-test/#'`);
      expect(r.stderr).toContain(`mosquitto_pub -h 127.0.0.1 -p ${port} -t 'kiosk/cli-test/device/gpio/request/set'`);
    } finally {
      expect(await r.kill()).toBe(0);
    }
  });

  it('SIGTERM leaves no child behind (gpiod tools the GPIO backend started)', async () => {
    // Fake libgpiod tools: gpiofind/gpioget answer, gpiomon and gpioset --mode=signal stay running as real ones do.
    const dir = tempDir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const tool = (name: string, body: string): void => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    tool('gpiofind', 'echo gpiochip0 5');
    tool('gpioget', 'echo 0');
    tool('gpiomon', 'exec sleep 600');
    tool('gpioset', 'exec sleep 600');
    const file = config(dir, { devices: { gpio: { backend: 'gpiod', inputs: { presence: { line: 'GPIO17' } }, outputs: { light: { line: 'GPIO5' } } } }, mqtt: { url: broker.url } });
    const r = await kioskd(['--config', file], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, until: /kioskd started/ });
    expect(leftIn(r.pgid).some((p) => p.includes('sleep'))).toBe(true);
    expect(await r.kill()).toBe(0);
    await new Promise((res) => setTimeout(res, 300));
    expect(leftIn(r.pgid)).toEqual([]);
  });

  it('kioskd ticket without a daemon: says so, exit 69 (no broker, and a broker without the daemon)', async () => {
    const dir = tempDir();
    const noBroker = await kioskd(['ticket', '--config', config(dir, { ...gpioOnly, mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` } })]);
    expect(noBroker.code).toBe(69);
    expect(noBroker.stderr).toMatch(/^kioskd ticket: no broker answers at mqtt:\/\/127\.0\.0\.1:\d+ \(.*\): is kioskd running\? sudo systemctl status kioskd\n$/);
    expectNoStack(noBroker);
    const noDaemon = await kioskd(['ticket', '--config', config(dir, { ...gpioOnly, kioskId: `nobody-${process.pid}`, mqtt: { url: broker.url } })]);
    expect(noDaemon.code).toBe(69);
    expect(noDaemon.stderr).toContain('kioskd ticket: the kiosk daemon is not running');
    expectNoStack(noDaemon);
  });
});
