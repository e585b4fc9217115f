/**
 * Running the real daemon in tests: in-process (`startTestDaemon`, logs captured) or as a child
 * process of the built CLI (`spawnDaemon`, for signals, exit codes and kill -9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { validateConfig } from '../../src/daemon/config/load.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/core/logger.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface TestDaemonOptions {
  brokerUrl: string;
  /** Partial config, as in the YAML file (mqtt.url, stateDir and kioskId are filled in). */
  config?: Record<string, unknown>;
  kioskId?: string;
  stateDir?: string;
  clock?: Clock;
}

export interface TestDaemon {
  daemon: Daemon;
  base: string;
  stateDir: string;
  /** Every log line, raw JSON text. */
  logs: string[];
  stop(): Promise<void>;
}

export function tempDir(prefix = 'kioskd-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function buildConfig(opts: { brokerUrl: string; config?: Record<string, unknown>; kioskId?: string; stateDir: string }): Record<string, unknown> {
  const c = opts.config ?? {};
  return {
    ...c,
    kioskId: opts.kioskId ?? (c.kioskId) ?? `t${process.pid}${Math.floor(Math.random() * 1e6)}`,
    stateDir: opts.stateDir,
    mqtt: { ...(c.mqtt as object | undefined), url: opts.brokerUrl },
    logging: { level: 'debug', ...(c.logging as object | undefined) },
  };
}

export async function startTestDaemon(opts: TestDaemonOptions): Promise<TestDaemon> {
  const stateDir = opts.stateDir ?? tempDir();
  const config = validateConfig(buildConfig({ ...opts, stateDir }), 'test');
  const logs: string[] = [];
  const log = createLogger({ level: config.logging.level, journald: false, write: (line) => logs.push(line) });
  const daemon = new Daemon({
    config,
    log,
    clock: opts.clock ?? systemClock,
    version: '0.0.0-test',
    hostname: 'test-host',
    simDir: join(stateDir, 'sim'),
    backoff: { initialMs: 100, maxMs: 1000, jitter: 0.1 },
  });
  await daemon.start();
  return { daemon, base: daemon.topics.base, stateDir, logs, stop: () => daemon.stop() };
}

export interface SpawnedDaemon {
  proc: ChildProcess;
  base: string;
  stateDir: string;
  configPath: string;
  logs: string[];
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Run `node dist/src/cli.js --config <file>` (the global setup builds dist first). */
export function spawnDaemon(opts: { brokerUrl: string; config?: Record<string, unknown>; kioskId?: string; stateDir?: string; env?: NodeJS.ProcessEnv }): SpawnedDaemon {
  const stateDir = opts.stateDir ?? tempDir();
  const config = buildConfig({ ...opts, stateDir });
  const configPath = join(stateDir, `config-${Date.now()}.yaml`);
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const proc = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli.js'), '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const logs: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buffered = '';
  const onText = (d: Buffer): void => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  proc.stdout.on('data', onText);
  proc.stderr.on('data', onText);
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    proc,
    base: `kiosk/${config.kioskId as string}`,
    stateDir,
    configPath,
    logs,
    exited,
    kill: (signal = 'SIGTERM') => proc.kill(signal),
    waitForLog(re, timeoutMs = 10_000) {
      const found = logs.find((l) => re.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${timeoutMs} ms; last: ${logs.slice(-5).join('\n')}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      });
    },
  };
}
