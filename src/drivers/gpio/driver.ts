/**
 * The GPIO driver: debounced inputs publishing `change`, outputs with set/pulse/blink, every output at
 * its safe value at start, on stop (and after the daemon dies: `kioskd gpio-safe` in ExecStopPost).
 */
import type { Timer } from '../../core/clock.js';
import type { Driver, DriverDeps } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import type { GpioBackend } from '../../core/transport.js';
import { gpioApi, type GpioApi } from './api.js';
import type { GpioConfig } from './config.js';
import { createGpioBackend } from './backends.js';

export async function createGpioDriver(config: GpioConfig, deps: DriverDeps<GpioApi>): Promise<Driver<GpioApi>> {
  const backend = await createGpioBackend(config, deps.transports, deps.simulatorLink);
  return new GpioDriver(config, deps, backend);
}

export class GpioDriver implements Driver<GpioApi> {
  private readonly inputs: Record<string, boolean> = {};
  private readonly outputs: Record<string, boolean> = {};
  private readonly pending = new Map<string, { level: boolean; timer: Timer }>();
  /** Per output, the running pulse/blink; a new command on the line aborts it. */
  private readonly ops = new Map<string, { ctl: AbortController; signal: AbortSignal }>();
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly config: GpioConfig,
    private readonly deps: DriverDeps<GpioApi>,
    private readonly backend: GpioBackend,
  ) {}

  readonly api = gpioApi;

  readonly commands: Driver<GpioApi>['commands'] = {
    set: async ({ line, value }) => {
      this.cancelOp(line);
      await this.drive(line, value);
      return { line, value };
    },
    pulse: async ({ line, ms }, ctx) => {
      const signal = this.beginOp(line, ctx.signal);
      await this.drive(line, true);
      try {
        await this.deps.clock.sleep(ms, signal);
      } catch {
        throw new KioskError('CANCELLED', `pulse on ${line} was interrupted`);
      } finally {
        this.endOp(line, signal);
      }
      await this.drive(line, false);
      return { line, value: false };
    },
    blink: async ({ line, onMs, offMs, count }, ctx) => {
      const signal = this.beginOp(line, ctx.signal);
      const loop = async (): Promise<void> => {
        for (let i = 0; count === 0 || i < count; i++) {
          await this.drive(line, true);
          await this.deps.clock.sleep(onMs, signal);
          await this.drive(line, false);
          await this.deps.clock.sleep(offMs, signal);
        }
      };
      if (count === 0) {
        loop().catch(() => undefined).finally(() => this.endOp(line, signal));
        return { line, value: true };
      }
      try {
        await loop();
      } catch {
        throw new KioskError('CANCELLED', `blink on ${line} was interrupted`);
      } finally {
        this.endOp(line, signal);
      }
      return { line, value: false };
    },
    read: async () => {
      for (const name of Object.keys(this.config.inputs)) this.inputs[name] = await this.logical(name, 'input');
      return { inputs: { ...this.inputs }, outputs: { ...this.outputs } };
    },
  };

  async start(): Promise<void> {
    const inputs = Object.entries(this.config.inputs).map(([name, c]) => ({ name, line: c.line, bias: c.bias }));
    const outputs = Object.entries(this.config.outputs).map(([name, c]) => ({ name, line: c.line, initial: c.safe !== c.activeLow }));
    this.unsubscribe = [
      this.backend.onEdge((name, level) => this.onEdge(name, level)),
      this.backend.onLost((err) => this.deps.host.lost(err)),
    ];
    await this.backend.open(inputs, outputs);
    for (const name of Object.keys(this.config.inputs)) this.inputs[name] = await this.logical(name, 'input');
    for (const [name, c] of Object.entries(this.config.outputs)) this.outputs[name] = c.safe;
    this.deps.host.setState('ready', this.detail());
  }

  async stop(): Promise<void> {
    for (const op of this.ops.values()) op.ctl.abort();
    this.ops.clear();
    for (const p of this.pending.values()) p.timer.cancel();
    this.pending.clear();
    for (const u of this.unsubscribe) u();
    for (const [name, c] of Object.entries(this.config.outputs)) {
      await this.backend.write(name, c.safe !== c.activeLow).catch((err: unknown) =>
        this.deps.log.error({ line: name, err: (err as Error).message }, 'could not set output to its safe value'),
      );
    }
    await this.backend.close();
  }

  private detail(): Record<string, unknown> {
    return { backend: this.backend.kind, inputs: { ...this.inputs }, outputs: { ...this.outputs } };
  }

  private async logical(name: string, dir: 'input' | 'output'): Promise<boolean> {
    const c = dir === 'input' ? this.config.inputs[name] : this.config.outputs[name];
    return (await this.backend.read(name)) !== (c?.activeLow ?? false);
  }

  private onEdge(name: string, level: boolean): void {
    const c = this.config.inputs[name];
    if (!c) return;
    const value = level !== c.activeLow;
    this.deps.host.count('edges');
    const debounceMs = c.debounceMs ?? this.config.debounceMs;
    const prev = this.pending.get(name);
    prev?.timer.cancel();
    if (debounceMs === 0) {
      this.settle(name, value);
      return;
    }
    const timer = this.deps.clock.setTimeout(() => {
      this.pending.delete(name);
      this.settle(name, value);
    }, debounceMs);
    this.pending.set(name, { level: value, timer });
  }

  private settle(name: string, value: boolean): void {
    if (this.inputs[name] === value) return;
    this.inputs[name] = value;
    this.deps.host.count('changes');
    this.deps.host.emit('change', { line: name, value, direction: 'input', at: this.deps.clock.iso() });
    this.deps.host.patchDetail({ inputs: { ...this.inputs } });
  }

  private async drive(line: string, value: boolean): Promise<void> {
    const c = this.config.outputs[line];
    if (!c) {
      throw line in this.config.inputs
        ? new KioskError('GPIO_NOT_OUTPUT', `${line} is an input`)
        : new KioskError('GPIO_LINE_UNKNOWN', `no line named ${line}`);
    }
    await this.backend.write(line, value !== c.activeLow);
    if (this.outputs[line] === value) return;
    this.outputs[line] = value;
    this.deps.host.emit('change', { line, value, direction: 'output', at: this.deps.clock.iso() });
    this.deps.host.patchDetail({ outputs: { ...this.outputs } });
  }

  private cancelOp(line: string): void {
    this.ops.get(line)?.ctl.abort();
    this.ops.delete(line);
  }

  private beginOp(line: string, outer: AbortSignal): AbortSignal {
    if (!this.config.outputs[line]) {
      throw line in this.config.inputs
        ? new KioskError('GPIO_NOT_OUTPUT', `${line} is an input`)
        : new KioskError('GPIO_LINE_UNKNOWN', `no line named ${line}`);
    }
    this.cancelOp(line);
    const ctl = new AbortController();
    const signal = AbortSignal.any([ctl.signal, outer]);
    this.ops.set(line, { ctl, signal });
    return signal;
  }

  private endOp(line: string, signal: AbortSignal): void {
    if (this.ops.get(line)?.signal === signal) this.ops.delete(line);
  }
}
