/**
 * GPIO through the libgpiod v1 command-line tools (Debian/Raspberry Pi OS Bookworm ship 1.6):
 * `gpiofind` resolves line names on any chip (so Pi 5 and Pi 4 configs are the same), `gpioget` reads
 * initial levels, one `gpiomon` per chip streams edges, and one `gpioset --mode=signal` per output
 * holds its level. Arguments are passed as an argv array, never through a shell.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Listeners } from '../byte-stream.js';
import { monotonicMs, type GpioBackend, type GpioLineSpec, type GpioOutputSpec } from './backend.js';

const execTool = promisify(execFile);

const INSTALL = 'the gpiod GPIO backend needs the libgpiod tools (gpiofind, gpioget, gpiomon, gpioset): sudo apt-get install gpiod';

/** A tool that is not installed is ENOPKG (DEPENDENCY_MISSING), saying what to install. */
function missingTool(err: unknown): NodeJS.ErrnoException | undefined {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'ENOENT' && typeof e.syscall === 'string' && e.syscall.startsWith('spawn')
    ? Object.assign(new Error(`${INSTALL} (${e.path ?? 'a tool'} not found)`), { code: 'ENOPKG', cause: err })
    : undefined;
}

async function run(file: string, args: string[]): Promise<{ stdout: string }> {
  try {
    return await execTool(file, args);
  } catch (err) {
    throw missingTool(err) ?? err;
  }
}

interface Resolved {
  chip: string;
  offset: number;
}

export interface GpiodOptions {
  /** Chip for numeric line offsets (gpiochip0, or a label such as pinctrl-rp1). */
  chip: string;
  /** Directory of the tools; default: found on PATH. */
  binDir?: string;
}

export class GpiodBackend implements GpioBackend {
  readonly kind = 'gpiod' as const;
  private readonly where = new Map<string, Resolved>();
  private readonly levels = new Map<string, boolean>();
  private readonly monitors: ChildProcess[] = [];
  private readonly holders = new Map<string, ChildProcess>();
  private readonly edges = new Listeners<[string, boolean, number]>();
  private readonly lost = new Listeners<[Error]>();
  private closing = false;

  constructor(private readonly o: GpiodOptions) {}

  private bin(tool: string): string {
    return this.o.binDir ? `${this.o.binDir}/${tool}` : tool;
  }

  private async resolve(spec: GpioLineSpec): Promise<Resolved> {
    if (typeof spec.line === 'number') return { chip: this.o.chip, offset: spec.line };
    try {
      const { stdout } = await run(this.bin('gpiofind'), [spec.line]);
      const [chip, offset] = stdout.trim().split(/\s+/);
      if (!chip || offset === undefined || !/^\d+$/.test(offset)) throw new Error(`unexpected gpiofind output "${stdout.trim()}"`);
      return { chip, offset: Number(offset) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOPKG') throw err;
      throw Object.assign(new Error(`GPIO line "${spec.line}" (${spec.name}) not found: ${(err as Error).message}`), { code: 'ENOENT', cause: err });
    }
  }

  private biasArgs(spec: GpioLineSpec): string[] {
    return spec.bias && spec.bias !== 'as-is' ? [`--bias=${spec.bias}`] : [];
  }

  async open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void> {
    this.closing = false;
    for (const spec of [...inputs, ...outputs]) this.where.set(spec.name, await this.resolve(spec));
    const byChip = new Map<string, GpioLineSpec[]>();
    for (const spec of inputs) {
      const r = this.where.get(spec.name)!;
      byChip.set(r.chip, [...(byChip.get(r.chip) ?? []), spec]);
    }
    for (const [chip, specs] of byChip) {
      const offsets = specs.map((s) => String(this.where.get(s.name)!.offset));
      const { stdout } = await run(this.bin('gpioget'), [...this.biasArgs(specs[0]!), chip, ...offsets]);
      stdout.trim().split(/\s+/).forEach((v, i) => this.levels.set(specs[i]!.name, v === '1'));
      this.monitor(chip, specs);
    }
    for (const out of outputs) await this.write(out.name, out.initial);
  }

  private monitor(chip: string, specs: readonly GpioLineSpec[]): void {
    const byOffset = new Map(specs.map((s) => [this.where.get(s.name)!.offset, s.name]));
    const proc = spawn(this.bin('gpiomon'), [...this.biasArgs(specs[0]!), '-b', '-F', '%o %e %s %n', chip, ...byOffset.keys()].map(String), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.monitors.push(proc);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      // The kernel's timestamp of the edge (CLOCK_MONOTONIC): the driver debounces on it, not on when
      // this line reached us.
      const [offset, event, sec, nsec] = line.trim().split(' ');
      const name = byOffset.get(Number(offset));
      if (name === undefined) return;
      const level = event === '1';
      const atMs = sec !== undefined && nsec !== undefined ? Number(sec) * 1000 + Number(nsec) / 1e6 : NaN;
      this.levels.set(name, level);
      this.edges.emit(name, level, Number.isFinite(atMs) ? atMs : monotonicMs());
    });
    proc.on('exit', (code, signal) => {
      if (!this.closing) this.lost.emit(Object.assign(new Error(`gpiomon on ${chip} exited (${code ?? signal})`), { code: 'EIO' }));
    });
    proc.on('error', (err) => {
      if (!this.closing) this.lost.emit(err);
    });
  }

  async read(name: string): Promise<boolean> {
    return this.levels.get(name) ?? false;
  }

  async write(name: string, level: boolean): Promise<void> {
    const r = this.where.get(name);
    if (!r) throw Object.assign(new Error(`line ${name} is not open`), { code: 'ENOENT' });
    await this.release(name);
    const proc = spawn(this.bin('gpioset'), ['--mode=signal', r.chip, `${r.offset}=${level ? 1 : 0}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.holders.set(name, proc);
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // gpioset requests the line and sets it, then waits for a signal; exiting early means it failed.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 15);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        this.holders.delete(name);
        reject(Object.assign(new Error(`gpioset ${name} failed (${code}): ${stderr.trim()}`), { code: 'EIO' }));
      });
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(missingTool(err) ?? err);
      });
    });
    this.levels.set(name, level);
  }

  private async release(name: string): Promise<void> {
    const proc = this.holders.get(name);
    if (!proc) return;
    this.holders.delete(name);
    if (proc.exitCode !== null) return;
    proc.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  onEdge(listener: (name: string, level: boolean, atMs: number) => void): () => void {
    return this.edges.add(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    return this.lost.add(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const m of this.monitors.splice(0)) m.kill('SIGTERM');
    await Promise.all([...this.holders.keys()].map((n) => this.release(n)));
  }
}
