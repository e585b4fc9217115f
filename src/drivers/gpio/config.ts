/** Config of `devices.gpio`. */
import { z } from 'zod';
import { deviceCommon } from '../../core/device-config.js';
import { lineNameSchema } from './api.js';

/** A line by name (gpiod finds it on any chip, e.g. "GPIO17") or by offset on `chip`. */
const lineRef = z.union([z.string().regex(/^[A-Za-z0-9_.-]{1,48}$/, 'a line name (letters, digits, _ . -)'), z.number().int().min(0).max(1023)]);

const inputSchema = z.strictObject({
  line: lineRef,
  activeLow: z.boolean().default(false),
  /** Bias on gpiod v2; on v1 and sysfs set pulls in config.txt/device tree. */
  bias: z.enum(['as-is', 'pull-up', 'pull-down', 'disable']).default('as-is'),
  /** Overrides the device-wide debounce. */
  debounceMs: z.number().int().min(0).max(10_000).optional(),
});

const outputSchema = z.strictObject({
  line: lineRef,
  activeLow: z.boolean().default(false),
  /** The value at start, on stop and after the daemon dies (ExecStopPost=kioskd gpio-safe). */
  safe: z.boolean().default(false),
});

export const gpioConfigSchema = z
  .strictObject({
    ...deviceCommon,
    backend: z.enum(['gpiod', 'sysfs', 'sim']).default('gpiod'),
    /** gpiod: chip for numeric lines (name, e.g. gpiochip0, or label, e.g. pinctrl-rp1). sysfs: chip label. */
    chip: z.string().regex(/^[A-Za-z0-9_.-]{1,48}$/).default('gpiochip0'),
    debounceMs: z.number().int().min(0).max(10_000).default(30),
    inputs: z.record(lineNameSchema, inputSchema).default({}),
    outputs: z.record(lineNameSchema, outputSchema).default({}),
    /** sim backend: the socket of a simulated line set in another process (`kioskd simulate` writes it; docs/simulators.md). */
    simSocket: z.string().min(1).optional(),
    /** sysfs backend: where the gpio class lives (tests point it elsewhere). */
    sysfsRoot: z.string().default('/sys/class/gpio'),
  })
  .superRefine((cfg, ctx) => {
    for (const name of Object.keys(cfg.inputs)) {
      if (name in cfg.outputs) ctx.addIssue({ code: 'custom', path: ['outputs', name], message: `line name "${name}" is also an input` });
    }
  });

export type GpioConfig = z.output<typeof gpioConfigSchema>;
