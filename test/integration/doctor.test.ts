/**
 * The technician's commands as a technician runs them: `kioskd doctor` against seeded faults, and
 * `kioskd status` / `kioskd ticket` against a running daemon.
 */
import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpioConfig } from '../helpers/configs.js';
import { repoRoot, startTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { freePort, startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

const run = promisify(execFile);
const cli = join(repoRoot, 'dist', 'src', 'cli.js');

async function kioskd(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({ stateDir: join(dir, 'state'), ...config }, null, 2));
  return file;
}

interface Check { name: string; result: string; detail: string; fix?: string }
const find = (checks: Check[], name: string): Check | undefined => checks.find((c) => c.name === name);

describe('kioskd doctor finds seeded faults and says how to fix each', () => {
  it('missing device, wrong permission, user not in dialout, no broker', async () => {
    const dir = tempDir();
    const locked = join(dir, 'ttyLOCKED');
    writeFileSync(locked, '');
    chmodSync(locked, 0o600); // owned by the test user, not by nobody
    const closedPort = await freePort();
    const file = writeConfig(dir, {
      kioskId: 'doc1',
      mqtt: { url: `mqtt://127.0.0.1:${closedPort}` },
      devices: {
        scanner: {
          inputs: {
            reader: { type: 'serial', path: join(dir, 'serial-by-id-usb-missing-reader'), baudRate: 9600 },
            other: { type: 'serial', path: locked, baudRate: 9600 },
          },
        },
      },
    });
    const res = await kioskd(['doctor', '--config', file, '--user', 'nobody', '--json']);
    expect(res.code, res.stderr).toBe(1);
    const checks = JSON.parse(res.stdout) as Check[];
    expect(find(checks, 'config valid')?.result).toBe('pass');
    expect(find(checks, 'device scanner.inputs.reader.path')).toMatchObject({ result: 'fail', detail: expect.stringContaining('does not exist') });
    expect(find(checks, 'device scanner.inputs.reader.path')?.fix).toContain('ls -l');
    expect(find(checks, 'device scanner.inputs.other.path')).toMatchObject({ result: 'fail', detail: expect.stringContaining('mode 600') });
    expect(find(checks, 'device scanner.inputs.other.path')?.fix).toContain('usermod -aG dialout nobody');
    expect(find(checks, 'group dialout')).toMatchObject({ result: 'fail', fix: expect.stringContaining('usermod -aG dialout nobody') });
    expect(find(checks, 'broker reachable')).toMatchObject({ result: 'fail', fix: expect.stringContaining('mosquitto') });
    for (const c of checks.filter((x) => x.result === 'fail')) expect(c.fix, c.name).toBeTruthy();

    // The same file, readable: the permission fault is gone. Text output names the fix.
    chmodSync(locked, 0o666);
    const text = await kioskd(['doctor', '--config', file, '--user', 'nobody']);
    expect(text.stdout).toMatch(/PASS\s+device scanner\.inputs\.other\.path/);
    expect(text.stdout).toMatch(/FAIL\s+broker reachable/);
    expect(text.stdout).toContain('fix: ');
  });

  it('an invalid config fails the first check and says where', async () => {
    const file = writeConfig(tempDir(), { mqtt: { ulr: 'x' } });
    const res = await kioskd(['doctor', '--config', file, '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)[0]).toMatchObject({ name: 'config valid', result: 'fail', detail: expect.stringContaining('mqtt.ulr: unknown key') });
  });
});

describe.skipIf(!hasMosquitto)('kioskd status, doctor and ticket against a running daemon', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let file: string;
  const kioskId = `doc${process.pid}`;

  beforeAll(async () => {
    broker = await startMosquitto();
    const dir = tempDir();
    const config = {
      ...gpioConfig,
      devices: { ...gpioConfig.devices, printer: { statusPollMs: 200 } },
      alerts: { enabled: true, doorInputs: ['door'], clockSyncFile: false },
    };
    kiosk = await startTestDaemon({ brokerUrl: broker.url, kioskId, config, stateDir: join(dir, 'state') });
    file = writeConfig(dir, { ...config, kioskId, mqtt: { url: broker.url } });
    const probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/gpio/state', (p: { status: string }) => p.status === 'ready');
    await probe.waitFor('device/printer/state', (p: { status: string }) => p.status === 'ready', 20_000);
    const raised = probe.next('bridge/alerts', (p: { alerts: Array<{ code: string }> }) => p.alerts.some((a) => a.code === 'DOOR_OPEN'));
    await probe.sim('gpio', 'input', { line: 'door', value: true });
    await raised;
    await probe.close();
  });
  afterAll(async () => {
    await kiosk?.stop();
    await broker?.stop();
  });

  it('status prints devices, alerts and links, exit 0 while online', async () => {
    const res = await kioskd(['status', '--config', file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`kiosk ${kioskId}: daemon online`);
    expect(res.stdout).toMatch(/gpio\s+ready/);
    expect(res.stdout).toMatch(/warning\s+DOOR_OPEN:door/);
    expect(res.stdout).toMatch(/local broker\s+mqtt:\/\/127\.0\.0\.1/);
  });

  it('doctor passes the broker, daemon and printer checks; ticket prints on the kiosk printer', async () => {
    const res = await kioskd(['doctor', '--config', file, '--json']);
    const checks = JSON.parse(res.stdout) as Check[];
    expect(find(checks, 'broker reachable')?.result).toBe('pass');
    expect(find(checks, 'daemon online')?.result).toBe('pass');
    expect(find(checks, 'printer answers')).toMatchObject({ result: 'pass', detail: 'paper ok, cover closed' });
    const probe = await Probe.connect(broker.url, kiosk.base);
    try {
      const ticket = await kioskd(['ticket', '--config', file]);
      expect(ticket.code, ticket.stderr).toBe(0);
      expect(ticket.stdout).toMatch(/status ticket printed \(ticket-/);
      const done = await probe.waitFor('device/printer/response/print');
      expect(done.payload).toMatchObject({ status: 'ok', data: { duplicate: false } });
    } finally {
      await probe.close();
    }
  });

  it('doctor says when the printer does not answer, with the fix', async () => {
    const probe = await Probe.connect(broker.url, kiosk.base);
    await probe.sim('printer', 'silent', { silent: true }); // a printer switched off
    try {
      const res = await kioskd(['doctor', '--config', file, '--json']);
      const check = find(JSON.parse(res.stdout) as Check[], 'printer answers');
      expect(check?.result).toBe('fail');
      expect(check?.fix).toContain('select(.device=="printer")');
      expect(res.code).toBe(1);
    } finally {
      await probe.sim('printer', 'silent', { silent: false });
      await probe.close();
    }
  });

  it('status exits 1 once the daemon has stopped (offline), 2 without a broker', async () => {
    await kiosk.stop();
    const res = await kioskd(['status', '--config', file]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('daemon offline (shutdown)');
    await broker.stop();
    const none = await kioskd(['status', '--config', file]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('unreachable');
    await broker.start();
  });
});
