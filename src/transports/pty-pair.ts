/**
 * A pseudo-terminal pair made by socat: two linked serial-like device paths. A simulator opens one end
 * and the driver opens the other exactly as it opens a real /dev/ttyUSB0, so it runs the same code.
 * `unplug()` kills socat (both ends vanish, the driver sees its port close, as on a USB unplug);
 * `replug()` makes them again at the same paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A child outlives a parent killed with -9. Started through util-linux `setpriv --pdeathsig KILL`,
 * socat is killed by the kernel when the process that started it dies, however it dies, so a crashed
 * simulated daemon leaves no helper behind. Without setpriv (not Linux), plain socat.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

function socatCommand(args: string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', 'socat', ...args]] : ['socat', args];
}

export class PtyPair {
  private proc: ChildProcess | undefined;

  private constructor(
    /** The end the driver opens (as if it were /dev/serial/by-id/...). */
    readonly devicePath: string,
    /** The end the simulator opens. */
    readonly simPath: string,
  ) {}

  /** Create a pair of links `{dir}/{name}` (driver side) and `{dir}/{name}.sim`. */
  static async create(dir: string, name: string): Promise<PtyPair> {
    await mkdir(dir, { recursive: true });
    const pair = new PtyPair(join(dir, name), join(dir, `${name}.sim`));
    await pair.replug();
    return pair;
  }

  get plugged(): boolean {
    return this.proc !== undefined;
  }

  async replug(): Promise<void> {
    if (this.proc) return;
    await rm(this.devicePath, { force: true });
    await rm(this.simPath, { force: true });
    const [command, args] = socatCommand([`PTY,raw,echo=0,link=${this.devicePath}`, `PTY,raw,echo=0,link=${this.simPath}`]);
    const proc = spawn(command, args, { stdio: 'ignore' });
    this.proc = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) =>
        reject(Object.assign(new Error(`socat could not start (${err.message}); install it: apt-get install socat`), { cause: err })),
      );
      proc.once('exit', (code) => reject(new Error(`socat exited (${code ?? 'signal'}) before creating the PTYs; is it installed? apt-get install socat`)));
    });
    const ready = (async (): Promise<void> => {
      for (let i = 0; i < 500; i++) {
        if (existsSync(this.devicePath) && existsSync(this.simPath)) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`socat did not create ${this.devicePath}`);
    })();
    try {
      await Promise.race([ready, failed]);
    } catch (err) {
      this.proc = undefined;
      proc.kill('SIGKILL');
      throw err;
    }
  }

  /** Remove both ends, as a USB unplug does. */
  async unplug(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    await rm(this.devicePath, { force: true });
    await rm(this.simPath, { force: true });
  }

  async close(): Promise<void> {
    await this.unplug();
  }
}
