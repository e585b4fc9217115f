/**
 * Time, injected: the {@link Clock} contract (src/core/clock-contract.ts, with its timer semantics), the
 * system clock on Node's timers (src/core/system-clock.ts), `sleep`, and the test clocks
 * ({@link ManualClock}, {@link ErraticClock}, {@link WarpClock}).
 */
export type { Clock, Timer } from './clock-contract.js';
export type { PlatformTimers } from './system-clock.js';
export { createSystemClock, PlatformClock, sleep, systemClock } from './system-clock.js';
export { ErraticClock, ManualClock, WarpClock } from './test-clocks.js';
