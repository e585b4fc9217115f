/** GPIO simulator: a simulated line set whose inputs the `sim/gpio/request/*` topics drive. */
import type { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { SimGpioChip } from '../../transports/gpio/sim-chip.js';
import { gpioApi } from './api.js';
import type { GpioConfig } from './config.js';

type InputInput = z.output<typeof gpioApi.sim.input.input>;
type BurstInput = z.output<typeof gpioApi.sim.burst.input>;

export async function startGpioSimulator(config: GpioConfig, deps: SimulatorDeps): Promise<SimulatorHandle<GpioConfig>> {
  const chip = new SimGpioChip();
  for (const [name, c] of Object.entries(config.inputs)) chip.levels.set(name, c.activeLow);
  const bursts = new Set<() => void>();
  const known = (line: string): void => {
    if (!config.inputs[line]) throw new KioskError('GPIO_LINE_UNKNOWN', `no input named ${line}`);
  };
  return {
    driverConfig: { ...config, backend: 'sim' },
    link: chip,
    // The request router has validated each input against the same schema (gpioApi.sim) already.
    commands: {
      input: async (raw) => {
        const { line, value, bounceEdges } = raw as InputInput;
        const c = config.inputs[line];
        if (!c) throw new KioskError('GPIO_LINE_UNKNOWN', `no input named ${line}`);
        chip.drive(line, value !== c.activeLow, bounceEdges);
        return { line, value };
      },
      burst: async (raw) => {
        const input = raw as BurstInput;
        known(input.line);
        return runBurst(chip, input, bursts, deps.clock);
      },
    },
    async stop() {
      for (const cancel of bursts) cancel();
    },
  };
}

/** Edge offsets (ms) of one burst cycle from its start; each edge flips the line. */
function cycleOffsets({ toggles, spacingUs, holdMs }: BurstInput): { offsets: number[]; length: number } {
  const sp = spacingUs / 1000;
  const offsets: number[] = [];
  for (let i = 0; i < toggles; i++) offsets.push(i * sp);
  const second = (toggles - 1) * sp + holdMs;
  for (let j = 0; j <= toggles; j++) offsets.push(second + j * sp);
  return { offsets, length: second + toggles * sp + holdMs };
}

/**
 * Plays the edges on a 1 ms tick, emitting every edge that is due (as a kernel hands a GPIO reader
 * all queued edge events at once), so the schedule holds however busy the event loop is.
 */
function runBurst(chip: SimGpioChip, input: BurstInput, bursts: Set<() => void>, clock: Clock): Promise<{ line: string; edges: number; changes: number; durationMs: number }> {
  const { offsets, length } = cycleOffsets(input);
  const total = offsets.length * input.cycles;
  let next = 0;
  let level = chip.levels.get(input.line) ?? false;
  const t0 = clock.monotonic();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const now = clock.monotonic() - t0;
      while (next < total) {
        const cycle = Math.floor(next / offsets.length);
        const at = cycle * length + (offsets[next % offsets.length] ?? 0);
        if (at > now) break;
        level = !level;
        chip.drive(input.line, level);
        next++;
      }
      if (next < total) return;
      done();
      resolve({ line: input.line, edges: total, changes: input.cycles, durationMs: clock.monotonic() - t0 });
    };
    const timer = clock.setInterval(tick, 1);
    const cancel = (): void => {
      done();
      reject(new KioskError('CANCELLED', 'the simulator stopped'));
    };
    const done = (): void => {
      timer.cancel();
      bursts.delete(cancel);
    };
    bursts.add(cancel);
  });
}
