/**
 * A simulated GPIO line set: inputs that a test or the `sim/gpio` topics drive, outputs whose levels
 * and write history can be read back. The sim backend attaches to it as a real backend attaches to a chip.
 */
import { Listeners } from '../byte-stream.js';
import { monotonicMs, type GpioBackend, type GpioLineSpec, type GpioOutputSpec } from './backend.js';

export class SimGpioChip {
  readonly levels = new Map<string, boolean>();
  /** Every output write, in order (name, level). */
  readonly writes: Array<{ name: string; level: boolean }> = [];
  /** Edges with their time (CLOCK_MONOTONIC ms), as a kernel stamps them. */
  readonly edges = new Listeners<[string, boolean, number]>();
  /** Lines currently requested by a backend; a second request of the same line fails with EBUSY. */
  readonly requested = new Set<string>();

  /**
   * Drive an input to `level`, as a sensor would; `bounce` alternating edges come first. `atMs`: when
   * the edge happened (CLOCK_MONOTONIC ms; default now), as the kernel would stamp it.
   */
  drive(name: string, level: boolean, bounce = 0, atMs = monotonicMs()): void {
    for (let i = bounce; i > 0; i--) this.edge(name, i % 2 === 1 ? !level : level, atMs);
    this.edge(name, level, atMs);
  }

  private edge(name: string, level: boolean, atMs: number): void {
    if (this.levels.get(name) === level) return;
    this.levels.set(name, level);
    this.edges.emit(name, level, atMs);
  }
}

export class SimGpioBackend implements GpioBackend {
  readonly kind = 'sim' as const;
  private readonly mine = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private readonly edges = new Listeners<[string, boolean, number]>();
  private readonly lost = new Listeners<[Error]>();

  constructor(private readonly chip: SimGpioChip) {}

  async open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void> {
    for (const l of [...inputs, ...outputs]) {
      if (this.chip.requested.has(l.name)) throw Object.assign(new Error(`line ${l.name} is busy`), { code: 'EBUSY' });
    }
    for (const l of inputs) {
      this.mine.add(l.name);
      if (!this.chip.levels.has(l.name)) this.chip.levels.set(l.name, false);
    }
    for (const o of outputs) {
      this.mine.add(o.name);
      this.chip.levels.set(o.name, o.initial);
      this.chip.writes.push({ name: o.name, level: o.initial });
    }
    for (const n of this.mine) this.chip.requested.add(n);
    const inputNames = new Set(inputs.map((i) => i.name));
    this.unsubscribe = this.chip.edges.add((name, level, atMs) => {
      if (inputNames.has(name)) this.edges.emit(name, level, atMs);
    });
  }

  async read(name: string): Promise<boolean> {
    return this.chip.levels.get(name) ?? false;
  }

  async write(name: string, level: boolean): Promise<void> {
    this.chip.levels.set(name, level);
    this.chip.writes.push({ name, level });
  }

  onEdge(listener: (name: string, level: boolean, atMs: number) => void): () => void {
    return this.edges.add(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    return this.lost.add(listener);
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const n of this.mine) this.chip.requested.delete(n);
    this.mine.clear();
  }
}
