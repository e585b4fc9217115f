/** GPIO device API: the MQTT contract of `device/gpio`. Schemas only. */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';

/** A line's name as configured (the key under inputs/outputs), used in topics and payloads. */
export const lineNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a configured line name (a-z, 0-9, _)');
const levelSchema = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);

const lineValue = z.object({ line: lineNameSchema, value: z.boolean() });

export const gpioApi = {
  kind: 'gpio',
  summary: 'GPIO inputs (presence, door, tamper, assistance button) and outputs (guide lights, relay).',
  commands: {
    set: {
      summary: 'Set an output (cancels a running pulse or blink on that line).',
      input: z.strictObject({ line: lineNameSchema, value: levelSchema }),
      output: lineValue,
      errors: ['GPIO_LINE_UNKNOWN', 'GPIO_NOT_OUTPUT'],
    },
    pulse: {
      summary: 'Turn an output on for `ms`, then off; answers when the pulse has ended.',
      input: z.strictObject({ line: lineNameSchema, ms: z.number().int().min(1).max(60_000) }),
      output: lineValue,
      errors: ['GPIO_LINE_UNKNOWN', 'GPIO_NOT_OUTPUT', 'CANCELLED'],
    },
    blink: {
      summary: 'Blink an output `count` times (answers when done), or until the next set/pulse/blink when count is 0 (answers at once).',
      input: z.strictObject({
        line: lineNameSchema,
        onMs: z.number().int().min(10).max(60_000),
        offMs: z.number().int().min(10).max(60_000),
        count: z.number().int().min(0).max(10_000).default(0),
      }),
      output: lineValue,
      errors: ['GPIO_LINE_UNKNOWN', 'GPIO_NOT_OUTPUT', 'CANCELLED'],
    },
    read: {
      summary: 'Read every line now.',
      input: z.strictObject({}),
      output: z.object({ inputs: z.record(z.string(), z.boolean()), outputs: z.record(z.string(), z.boolean()) }),
    },
  },
  events: {
    change: {
      summary: 'A debounced input changed (or an output was changed by a command).',
      payload: z.object({
        line: lineNameSchema,
        value: z.boolean(),
        direction: z.enum(['input', 'output']),
        at: z.string(),
      }),
    },
  },
  stateDetail: z.object({
    backend: z.enum(['gpiod', 'sysfs', 'sim']),
    inputs: z.record(z.string(), z.boolean()),
    outputs: z.record(z.string(), z.boolean()),
  }),
  sim: {
    input: {
      summary: 'Drive a simulated input line; `bounceEdges` adds contact bounce before it settles.',
      input: z.strictObject({
        line: lineNameSchema,
        value: levelSchema,
        bounceEdges: z.number().int().min(0).max(100).default(0),
      }),
      output: z.object({ line: lineNameSchema, value: z.boolean() }),
    },
    burst: {
      summary:
        'Drive a simulated input with a burst for load tests: each cycle flips it `toggles` times (odd: a real change) `spacingUs` apart and holds `holdMs`, then flips it `toggles + 1` times (even: a glitch that must not be published) and holds again. Answers when done.',
      input: z.strictObject({
        line: lineNameSchema,
        cycles: z.number().int().min(1).max(100_000),
        toggles: z.number().int().min(1).max(999).refine((n) => n % 2 === 1, 'an odd number'),
        spacingUs: z.number().int().min(100).max(1_000_000),
        holdMs: z.number().int().min(1).max(60_000),
      }),
      output: z.object({
        line: lineNameSchema,
        edges: z.number().int(),
        changes: z.number().int(),
        durationMs: z.number(),
        /** The longest the simulator went without playing its due edges (its own event-loop stalls): a kernel never lags like this. */
        maxTickGapMs: z.number(),
      }),
    },
  },
} as const satisfies DeviceApi;

export type GpioApi = typeof gpioApi;
