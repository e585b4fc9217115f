/**
 * The real daemon as a child process (`node dist/src/cli.js --config <file>`), as systemd runs it,
 * with a watcher that knows when it is online and every device is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { closeClient, connectClient, subscribe } from './mqtt.js';

/** dist/bench/lib -> the package root. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliPath = join(packageRoot, 'dist', 'src', 'cli.js');
/** The Node flags the packaged launcher (packaging/debian/kioskd.sh) and `npm start` run the daemon with. */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1'];

export interface KioskdProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** The simulator process (`kioskd simulate`), when the simulators run apart. */
  readonly simPid: number | undefined;
  readonly base: string;
  readonly stateDir: string;
  /** performance.now() just before spawn. */
  readonly spawnedAt: number;
  /** Last lines of output (for errors). */
  readonly output: string[];
  stop(): Promise<void>;
}

export interface SpawnOptions {
  brokerUrl: string;
  kioskId: string;
  /** Config sections besides kioskId, stateDir and mqtt.url. */
  config: Record<string, unknown>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  cwd?: string;
  /**
   * `own-process`: the simulators run in `kioskd simulate`, started (and ready) before the daemon, which
   * runs with --no-simulators: every figure taken of `pid` is the daemon's alone, as on a kiosk.
   */
  simulators?: 'own-process';
  /** Wrap the daemon's command (e.g. `taskset -c 1`): the Pi-class run. */
  wrap?: readonly string[];
}

/** Start `kioskd simulate --config FILE` and resolve once it says its simulators are ready. */
async function spawnSimulators(configPath: string, cwd: string): Promise<{ proc: ChildProcess; output: string[] }> {
  const proc = spawn(process.execPath, [cliPath, 'simulate', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kioskd simulate not ready within 15 s:\n${output.slice(-10).join('\n')}`)), 15_000);
    const keep = (d: Buffer): void => {
      const text = d.toString();
      output.push(...text.split('\n').filter(Boolean));
      if (output.length > 200) output.splice(0, output.length - 200);
      if (text.includes('"simulators ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kioskd simulate exited (${code}):\n${output.slice(-10).join('\n')}`));
    });
  });
  return { proc, output };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 6000);
  await exited;
  clearTimeout(timer);
}

export async function spawnKioskd(o: SpawnOptions): Promise<KioskdProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'kioskd-bench-'));
  const mqttSection = (o.config.mqtt ?? {}) as Record<string, unknown>;
  // A benchmark is one load generator sending as fast as kioskd answers: the per-client limits (which a UI
  // must meet) would turn the measurement into RATE_LIMITED answers. They are still checked on every request.
  const limits = { ratePerSec: 100_000, burst: 100_000, inFlight: 10_000 };
  const config = { ...o.config, kioskId: o.kioskId, stateDir, mqtt: { limits, ...mqttSection, url: o.brokerUrl }, ...(o.simulators ? { simulators: o.simulators } : {}) };
  const configPath = join(stateDir, 'config.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2)); // JSON is YAML
  const sim = o.simulators ? await spawnSimulators(configPath, o.cwd ?? stateDir) : undefined;
  const output: string[] = [];
  const argv = [...DAEMON_NODE_FLAGS, ...(o.nodeArgs ?? []), cliPath, '--config', configPath, ...(sim ? ['--no-simulators'] : [])];
  const [command, ...args] = [...(o.wrap ?? []), process.execPath, ...argv];
  const spawnedAt = performance.now();
  const proc = spawn(command!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: o.cwd ?? stateDir,
  });
  const keep = (d: Buffer): void => {
    output.push(...d.toString().split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited;
  return {
    proc,
    pid: proc.pid ?? -1,
    simPid: sim?.proc.pid,
    base: `kiosk/${o.kioskId}`,
    stateDir,
    spawnedAt,
    output,
    async stop() {
      await stopProcess(proc);
      if (sim) await stopProcess(sim.proc);
    },
  };
}

/**
 * Resolves with performance.now() at the moment bridge/state says online and every device listed in
 * `devices` has published state `ready` (all from one subscriber that connected before the spawn).
 */
export async function watchReady(watcher: MqttClient, base: string, devices: readonly string[], timeoutMs = 15_000): Promise<number> {
  const ready = new Set<string>();
  let online = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      watcher.off('message', onMessage);
      reject(new Error(`not ready within ${timeoutMs} ms (online=${online}, ready: ${[...ready].join(',') || 'none'})`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer): void => {
      if (!topic.startsWith(`${base}/`)) return;
      const rest = topic.slice(base.length + 1);
      if (rest === 'bridge/state') online = (JSON.parse(payload.toString()) as { state: string }).state === 'online';
      const m = /^device\/([^/]+)\/state$/.exec(rest);
      if (m?.[1]) {
        const status = (JSON.parse(payload.toString()) as { status: string }).status;
        if (status === 'ready') ready.add(m[1]);
        else ready.delete(m[1]);
      }
      if (online && devices.every((d) => ready.has(d))) {
        clearTimeout(timer);
        watcher.off('message', onMessage);
        resolve(performance.now());
      }
    };
    watcher.on('message', onMessage);
  });
}

/** Spawn a daemon and wait until it is online with every device ready. */
export async function startKioskd(o: SpawnOptions & { devices: readonly string[] }): Promise<{ kioskd: KioskdProcess; readyMs: number }> {
  const watcher = await connectClient(o.brokerUrl);
  const base = `kiosk/${o.kioskId}`;
  await subscribe(watcher, [`${base}/bridge/state`, `${base}/device/+/state`]);
  const kioskd = await spawnKioskd(o);
  try {
    const at = await watchReady(watcher, base, o.devices);
    return { kioskd, readyMs: at - kioskd.spawnedAt };
  } catch (err) {
    await kioskd.stop();
    throw new Error(`${(err as Error).message}\n${kioskd.output.slice(-10).join('\n')}`);
  } finally {
    await closeClient(watcher);
  }
}
