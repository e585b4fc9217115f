/**
 * The systemd watchdog: WATCHDOG=1 every half of `WatchdogSec` while the event loop turns. A loop that
 * hangs sends nothing, and systemd kills and restarts the service. A unit with `start()`/`stop()`.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { Notifier } from './sd-notify.js';

export class Watchdog {
  private timer: Timer | undefined;

  constructor(
    private readonly notifier: Notifier | undefined,
    private readonly clock: Clock,
    /** `systemd.watchdog` in the config: false never pings, even when systemd asks. */
    private readonly enabled: boolean,
  ) {}

  /** Ping at the interval systemd asked for (WATCHDOG_USEC); nothing when it asked for none. */
  start(): void {
    const every = this.notifier?.watchdogIntervalMs;
    if (!every || !this.enabled || this.timer) return;
    this.timer = this.clock.setInterval(() => this.notifier?.watchdog(), every).unref();
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
