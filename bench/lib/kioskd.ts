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

export interface KioskdProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
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
}

export function spawnKioskd(o: SpawnOptions): KioskdProcess {
  const stateDir = mkdtempSync(join(tmpdir(), 'kioskd-bench-'));
  const mqttSection = (o.config.mqtt ?? {}) as Record<string, unknown>;
  // A benchmark is one load generator sending as fast as kioskd answers: the per-client limits (which a UI
  // must meet) would turn the measurement into RATE_LIMITED answers. They are still checked on every request.
  const limits = { ratePerSec: 100_000, burst: 100_000, inFlight: 10_000 };
  const config = { ...o.config, kioskId: o.kioskId, stateDir, mqtt: { limits, ...mqttSection, url: o.brokerUrl } };
  const configPath = join(stateDir, 'config.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2)); // JSON is YAML
  const output: string[] = [];
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [...(o.nodeArgs ?? []), cliPath, '--config', configPath], {
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
  return {
    proc,
    pid: proc.pid ?? -1,
    base: `kiosk/${o.kioskId}`,
    stateDir,
    spawnedAt,
    output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 6000);
      await exited;
      clearTimeout(timer);
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
  const kioskd = spawnKioskd(o);
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
