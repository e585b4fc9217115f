/**
 * GPIO through the legacy sysfs interface (onoff) for older boards and kernels. Sysfs numbers are the
 * chip's base plus the offset, and the base is not 0 on current kernels (512 or 571 on a Pi 5), so it
 * is read from /sys/class/gpio/gpiochipN/{label,base,ngpio}, never assumed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Listeners } from '../byte-stream.js';
import { monotonicMs, type GpioBackend, type GpioLineSpec, type GpioOutputSpec } from './backend.js';

/** Find the sysfs base of a chip, by label (e.g. pinctrl-bcm2711) or by name (gpiochip512). */
export async function resolveSysfsBase(root: string, chip: string): Promise<{ base: number; ngpio: number }> {
  const entries = (await readdir(root)).filter((e) => e.startsWith('gpiochip'));
  for (const entry of entries) {
    const read = async (f: string): Promise<string> => (await readFile(join(root, entry, f), 'utf8')).trim();
    const label = await read('label').catch(() => '');
    if (label === chip || entry === chip) {
      return { base: Number(await read('base')), ngpio: Number(await read('ngpio')) };
    }
  }
  throw Object.assign(new Error(`no GPIO chip "${chip}" under ${root} (have: ${entries.join(', ') || 'none'})`), { code: 'ENOENT' });
}

interface OnoffGpio {
  readSync(): 0 | 1;
  writeSync(v: 0 | 1): void;
  watch(cb: (err: Error | null | undefined, value: 0 | 1) => void): void;
  unexport(): void;
}

/**
 * The optional native module onoff, loaded by name: it is absent where it could not be compiled, which
 * must not fail the type check of a fresh `npm ci` (found by .ci/fresh-machine.sh).
 */
function loadOnoff(): Promise<unknown> {
  const optional: string = 'onoff';
  return import(optional);
}

/** Whether onoff loads here (`kioskd doctor`). */
export function onoffAvailable(): Promise<boolean> {
  return loadOnoff().then(
    () => true,
    () => false,
  );
}

export class SysfsBackend implements GpioBackend {
  readonly kind = 'sysfs' as const;
  private readonly lines = new Map<string, OnoffGpio>();
  private readonly edges = new Listeners<[string, boolean, number]>();
  private readonly lost = new Listeners<[Error]>();

  constructor(private readonly o: { root: string; chip: string }) {}

  async open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void> {
    const { Gpio } = (await loadOnoff().catch((err: unknown) => {
      // onoff (and its epoll addon) is optional and compiled at install time: a Pi without build tools,
      // or the Debian package, has none. Say so instead of an import error.
      throw Object.assign(
        new Error(
          'the sysfs GPIO backend needs the optional native module onoff, which is not installed (it is compiled at install ' +
            'time: sudo apt-get install build-essential python3, then npm install onoff in kioskd\'s directory); ' +
            'or use devices.gpio.backend: gpiod (the default; needs only the gpiod package)',
        ),
        { code: 'ENOPKG', cause: err },
      );
    })) as {
      Gpio: new (n: number, dir: string, edge?: string) => OnoffGpio;
    };
    const { base, ngpio } = await resolveSysfsBase(this.o.root, this.o.chip);
    const number = (spec: GpioLineSpec): number => {
      if (typeof spec.line !== 'number' || spec.line >= ngpio) {
        throw Object.assign(new Error(`sysfs needs a line offset below ${ngpio} for ${spec.name}`), { code: 'ENOENT' });
      }
      return base + spec.line;
    };
    for (const spec of inputs) {
      const gpio = new Gpio(number(spec), 'in', 'both');
      gpio.watch((err, value) => (err ? this.lost.emit(err) : this.edges.emit(spec.name, value === 1, monotonicMs())));
      this.lines.set(spec.name, gpio);
    }
    for (const spec of outputs) {
      const gpio = new Gpio(number(spec), spec.initial ? 'high' : 'low');
      this.lines.set(spec.name, gpio);
    }
  }

  async read(name: string): Promise<boolean> {
    return this.line(name).readSync() === 1;
  }

  async write(name: string, level: boolean): Promise<void> {
    this.line(name).writeSync(level ? 1 : 0);
  }

  private line(name: string): OnoffGpio {
    const l = this.lines.get(name);
    if (!l) throw Object.assign(new Error(`line ${name} is not open`), { code: 'ENOENT' });
    return l;
  }

  onEdge(listener: (name: string, level: boolean, atMs: number) => void): () => void {
    return this.edges.add(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    return this.lost.add(listener);
  }

  async close(): Promise<void> {
    for (const l of this.lines.values()) l.unexport();
    this.lines.clear();
  }
}
