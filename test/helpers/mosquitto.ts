/**
 * A real Mosquitto for integration tests, on a free port, with Nagle off. `kill()` is a SIGKILL (as a
 * crash), `start()` brings it back on the same ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'];
export const mosquittoPath: string | undefined =
  CANDIDATES.find((p) => existsSync(p)) ?? (spawnSync('which', ['mosquitto']).stdout?.toString().trim() || undefined);
export const hasMosquitto = mosquittoPath !== undefined;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`mosquitto did not listen on ${port}`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

export interface Broker {
  readonly port: number;
  readonly wsPort: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly configPath: string;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** Crash (SIGKILL). */
  kill(): Promise<void>;
  /** (Re)start on the same ports. */
  start(): Promise<void>;
  /** SIGHUP: Mosquitto rereads its password file and ACL (what `systemctl reload mosquitto` does). */
  reload(): Promise<void>;
}

export interface MosquittoOptions {
  /** Extra lines appended to the generated config (after the listeners). */
  extraConfig?: string;
  /** Replace the whole generated config; `{port}` and `{wsPort}` are substituted. */
  config?: string;
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Broker> {
  if (!mosquittoPath) throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
  const port = await freePort();
  const wsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-mosq-'));
  const configPath = join(dir, 'mosquitto.conf');
  const config =
    opts.config?.replaceAll('{port}', String(port)).replaceAll('{wsPort}', String(wsPort)).replaceAll('{dir}', dir) ??
    [
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence false',
      'set_tcp_nodelay true',
      `listener ${port} 127.0.0.1`,
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      'log_dest none',
      opts.extraConfig ?? '',
    ].join('\n');
  writeFileSync(configPath, `${config}\n`);
  let proc: ChildProcess | undefined;
  const broker: Broker = {
    port,
    wsPort,
    url: `mqtt://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    configPath,
    async start() {
      if (proc && proc.exitCode === null) return;
      const p = spawn(mosquittoPath, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc = p;
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await Promise.race([
        waitForPort(port),
        new Promise((_, reject) => p.once('exit', (code) => reject(new Error(`mosquitto exited ${code}: ${stderr}`)))),
      ]);
    },
    async stop() {
      await signal('SIGTERM');
    },
    async kill() {
      await signal('SIGKILL');
    },
    async reload() {
      proc?.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 300));
    },
  };
  async function signal(sig: NodeJS.Signals): Promise<void> {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(sig);
    });
  }
  await broker.start();
  return broker;
}
