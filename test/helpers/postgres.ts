/**
 * A throwaway PostgreSQL cluster for integration tests: initdb into a temporary directory, the server on
 * 127.0.0.1 and a free port, stopped and removed at the end. Debian's binaries
 * (/usr/lib/postgresql/NN/bin, `apt-get install postgresql`); PostgreSQL refuses to run as root, so
 * under root the cluster runs as the `postgres` system user that the package creates.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mosquitto.js';

function findBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return undefined;
}

export const pgBin = findBin();

/** The uid/gid to run the server as: ourselves, or `postgres` when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres']);
  const g = spawnSync('id', ['-g', 'postgres']);
  if (r.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(r.stdout.toString().trim()), gid: Number(g.stdout.toString().trim()) };
}

export const hasPostgres = pgBin !== undefined && (process.getuid?.() !== 0 || runAs() !== undefined);

export interface PgServer {
  readonly port: number;
  /** postgres://USER@127.0.0.1:PORT/kioskd_fleet (trust authentication on loopback). */
  readonly url: string;
  /** Fast shutdown (as a restart would), keeping the data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop and delete the cluster. */
  destroy(): Promise<void>;
}

export interface PgOptions {
  /** Extra `-c name=value` server settings, e.g. { fsync: 'off' } for a test that does not measure. */
  settings?: Record<string, string>;
}

export async function startPostgres(opts: PgOptions = {}): Promise<PgServer> {
  if (!pgBin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const bin = pgBin;
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-pg-'));
  const data = join(dir, 'data');
  if (as) chownSync(dir, as.uid, as.gid);
  const user = as ? 'postgres' : userInfo().username;
  const run = (cmd: string, args: string[]): void => {
    execFileSync(join(bin, cmd), args, { stdio: 'pipe', ...(as ? { uid: as.uid, gid: as.gid } : {}), cwd: dir });
  };
  run('initdb', ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: '50',
    ...opts.settings,
  };
  writeFileSync(join(data, 'postgresql.auto.conf'), Object.entries(settings).map(([k, v]) => `${k} = '${v}'`).join('\n') + '\n');
  if (as) chownSync(join(data, 'postgresql.auto.conf'), as.uid, as.gid);
  let proc: ChildProcess | undefined;
  const server: PgServer = {
    port,
    url: `postgres://${user}@127.0.0.1:${port}/kioskd_fleet`,
    async start() {
      if (proc && proc.exitCode === null) return;
      const p = spawn(join(bin, 'postgres'), ['-D', data], { stdio: ['ignore', 'ignore', 'pipe'], ...(as ? { uid: as.uid, gid: as.gid } : {}), cwd: dir });
      proc = p;
      let stderr = '';
      p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 200; i++) {
        if (p.exitCode !== null) throw new Error(`postgres exited ${p.exitCode}: ${stderr}`);
        const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
        if (ready.status === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`postgres did not accept connections on ${port}: ${stderr}`);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      // SIGINT is PostgreSQL's "fast" shutdown: open transactions are rolled back, clients disconnected.
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGINT');
      });
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', user, 'kioskd_fleet']);
  return server;
}
