/** The GPIO backend contract lives with the other transport contracts (src/core/transport.ts). */
export type { GpioBackend, GpioLineSpec, GpioOutputSpec } from '../../core/transport.js';
