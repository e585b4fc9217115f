/**
 * `kioskd cash levels|refill|empty|dispense` as a technician runs it: the built CLI (dist/, a real
 * process) against a running daemon with the simulated recycler and hoppers over PTYs and a real
 * Mosquitto. What the CLI prints and exits with is checked against the simulators' own counts.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

const cli = join(repoRoot, 'dist', 'src', 'cli.js');
const kioskId = `clicash${process.pid}`;
const cash = {
  validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
  coinAcceptor: { pollIntervalMs: 30 },
  payout: { recycler: true, recycle: [500, 1000], nearEmpty: 2 },
  hoppers: { units: [{ address: 3, value: 100 }, { address: 4, value: 200 }], pollIntervalMs: 30 },
  simulator: { stepMs: 60, hopperStepMs: 20, recyclerFloat: { '500': 4, '1000': 3 } },
};

interface Run { code: number | null; stdout: string; stderr: string }

describe.skipIf(!hasMosquitto)('kioskd cash (CLI) against a running daemon', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  let configFile: string;

  const kioskd = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [cli, 'cash', ...args, '--config', configFile], { timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  const paidOut = async (): Promise<number> => {
    const res = await probe.sim('cash', 'payout-counts', {});
    if (res.status !== 'ok') throw new Error(`payout-counts: ${JSON.stringify(res)}`);
    return (res.data as { paidOutTotal: number }).paidOutTotal;
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    const dir = tempDir('kioskd-cli-cash-');
    kiosk = await startTestDaemon({ brokerUrl: broker.url, kioskId, config: { simulation: true, devices: { cash } } });
    // The CLI's own config: the same kiosk on the same broker (only mqtt and the id matter to it).
    configFile = join(dir, 'kioskd.yaml');
    writeFileSync(configFile, JSON.stringify({ kioskId, stateDir: join(dir, 'state'), mqtt: { url: broker.url } }));
    probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/cash/state', (p: { status: string; detail: { payout: { notes: unknown[] } | null } }) => p.status === 'ready' && (p.detail.payout?.notes.length ?? 0) > 0, 30_000);
  }, 60_000);

  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('levels prints the notes and coins per denomination', async () => {
    const r = await kioskd('levels');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^note\s+500\s+4\s+recycler \(payout\)/m);
    expect(r.stdout).toMatch(/^note\s+1000\s+3\s+recycler \(payout\)/m);
    expect(r.stdout).toMatch(/^coin\s+100\s+0\s+hopper 3\s+EMPTY/m);
    const json = JSON.parse((await kioskd('levels', '--json')).stdout) as { total: number; currency: string };
    expect(json).toMatchObject({ total: 5000, currency: 'EUR' });
  }, 30_000);

  it('refill needs a technician (usage, nothing sent); with one the coins are counted in', async () => {
    const without = await kioskd('refill', '--coins', '100=10');
    expect(without.code).toBe(64);
    expect(without.stderr).toMatch(/refill needs --technician NAME/);
    expect((await kioskd('refill', '--technician', 'T-7', '--coins', '100=ten')).code).toBe(64);
    await probe.sim('cash', 'pour-coins', { value: 100, count: 10 });
    const r = await kioskd('refill', '--technician', 'T-7', '--coins', '100=10');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/added: notes none; coins 10x100; value 1000/);
    expect((await kioskd('levels')).stdout).toMatch(/^coin\s+100\s+10\s+hopper 3\s*$/m);
  }, 60_000);

  it('dispense pays once per key: the second run replays the outcome and nothing leaves the device', async () => {
    expect((await kioskd('dispense', '--amount', '500', '--key', 'cli-refund-1')).code).toBe(64);
    const before = await paidOut();
    const first = await kioskd('dispense', '--amount', '600', '--key', 'cli-refund-1', '--reason', 'service-failed');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^dispense:cli-refund-1: paid, paid 6\.00 EUR, remainder 0\.00 EUR\n$/);
    expect(await paidOut()).toBe(before + 600);
    const again = await kioskd('dispense', '--amount', '600', '--key', 'cli-refund-1', '--reason', 'service-failed');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/replayed/);
    expect(await paidOut()).toBe(before + 600);
    const other = await kioskd('dispense', '--amount', '700', '--key', 'cli-refund-1', '--reason', 'service-failed');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/CASH_IDEMPOTENCY_MISMATCH/);
    expect(await paidOut()).toBe(before + 600);
  }, 90_000);

  it('empty (technician) moves the hoppers out and says what left', async () => {
    const r = await kioskd('empty', '--technician', 'T-7', '--target', 'coins');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emptied: notes none; coins 9x100; value 900/);
    expect((await kioskd('levels')).stdout).toMatch(/^coin\s+100\s+0\s+hopper 3\s+EMPTY/m);
  }, 60_000);
});
