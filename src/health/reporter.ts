/**
 * The health reporter: builds `bridge/health` snapshots (board, process, MQTT link, every device's
 * status, last error and counters, event-loop delay) and publishes them every `intervalSec`, on request,
 * and one second after a device's status changes. A unit with `start()`/`stop()`; its constructor does
 * no I/O. What it reports on comes in through {@link HealthSources}: it knows nothing of the bus.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Health } from '../api/envelope.js';
import type { Clock, Timer } from '../core/clock.js';
import { readSystemStats } from './system-stats.js';

/**
 * The event-loop monitor's sampling period. It is a timer of its own: at 10 ms it cost an idle daemon
 * ~0.4 % of a core here (100 wake-ups a second; issue 18), at 50 ms ~0.1 %. A stall shorter than the
 * period is caught only when it overlaps a sample; stalls that matter (tens of ms) are not missed.
 */
const LOOP_SAMPLE_MS = 50;
/** A status change is reported this long after it happened, so a burst of changes costs one snapshot. */
const SOON_MS = 1000;

export interface HealthSources {
  readonly clock: Clock;
  readonly bootId: string;
  readonly version: string;
  /** Seconds between periodic snapshots (`health.intervalSec`). */
  readonly intervalSec: number;
  /** Whose free space is reported (`health.diskPath`, else the state directory). */
  readonly diskPath: string;
  readonly thermalZone: string;
  /** The local broker link now. */
  link(): Health['mqtt'];
  /** Every device's health now. */
  devices(): Health['devices'];
  /** Where a snapshot goes: the retained topic and the daemon's taps. */
  publish(health: Health): void;
}

export class HealthReporter {
  private interval: Timer | undefined;
  private soonTimer: Timer | undefined;
  private latest: Health | undefined;
  /** Sampled every LOOP_SAMPLE_MS; each snapshot reports and resets it (real time: it measures the event loop). */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  private loopWindowStart = performance.now();

  constructor(private readonly s: HealthSources) {}

  /** The last snapshot published (for the birth republish), if any. */
  get last(): Health | undefined {
    return this.latest;
  }

  /** Start sampling and the periodic snapshots, and publish the first one. */
  async start(): Promise<void> {
    this.loopDelay.enable();
    this.loopWindowStart = performance.now();
    this.interval = this.s.clock.setInterval(() => void this.publish(), this.s.intervalSec * 1000).unref();
    await this.publish();
  }

  stop(): void {
    this.s.clock.clearInterval(this.interval);
    this.s.clock.clearTimeout(this.soonTimer);
    this.interval = undefined;
    this.soonTimer = undefined;
    this.loopDelay.disable();
  }

  /** A snapshot now, without publishing it. */
  async snapshot(): Promise<Health> {
    const system = await readSystemStats({ diskPath: this.s.diskPath, thermalZone: this.s.thermalZone });
    return {
      at: this.s.clock.iso(),
      uptimeSec: Math.round(process.uptime()),
      bootId: this.s.bootId,
      version: this.s.version,
      system,
      mqtt: this.s.link(),
      devices: this.s.devices(),
      eventLoop: this.eventLoopWindow(),
    };
  }

  /** Take a snapshot and publish it. */
  async publish(): Promise<Health> {
    const health = await this.snapshot();
    this.latest = health;
    this.s.publish(health);
    return health;
  }

  /** Publish a snapshot soon (a device's status changed); only while started, at most one pending. */
  soon(): void {
    if (this.soonTimer?.pending || !this.interval) return;
    this.soonTimer = this.s.clock.setTimeout(() => void this.publish(), SOON_MS).unref();
  }

  /** Event-loop delay since the previous snapshot (then starts a new window). */
  private eventLoopWindow(): NonNullable<Health['eventLoop']> {
    const h = this.loopDelay;
    // The histogram holds whole sampling intervals; the delay is what exceeds the interval.
    const ms = (ns: number): number => Math.max(0, Math.round(ns / 1e4 - LOOP_SAMPLE_MS * 100) / 100);
    const now = performance.now();
    const window = {
      windowSec: Math.round(now - this.loopWindowStart) / 1000,
      delayP50Ms: h.count ? ms(h.percentile(50)) : 0,
      delayP99Ms: h.count ? ms(h.percentile(99)) : 0,
      delayMaxMs: h.count ? ms(h.max) : 0,
    };
    h.reset();
    this.loopWindowStart = now;
    return window;
  }
}
