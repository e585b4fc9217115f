/** The GPIO backend contract lives with the other transport contracts (src/core/transport.ts). */
export type { GpioBackend, GpioLineSpec, GpioOutputSpec } from '../../core/transport.js';

/** CLOCK_MONOTONIC in milliseconds: the time base of the kernel's GPIO edge timestamps (and of every process here). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
