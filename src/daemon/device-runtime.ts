/**
 * One configured device under supervision: owns its driver, its published state and its health
 * counters. A driver that fails to start or loses its device goes offline/fault and is restarted with
 * exponential backoff and jitter; nothing a driver throws reaches the daemon or another device.
 */
import type { DeviceStateMessage } from '../api/envelope.js';
import type { Clock, Timer } from '../core/clock.js';
import type {
  CommandContext,
  DeviceApi,
  DeviceKind,
  DeviceStatus,
  Driver,
  DriverHost,
} from '../core/driver.js';
import { KioskError, toKioskError } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/logger.js';
import type { Transports } from '../core/transport.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';

export type { BackoffPolicy } from './backoff.js';

/** Where a device's state and events go (the bus, in the daemon; a recorder, in tests). */
export interface DeviceSink {
  state(device: string, state: DeviceStateMessage): void;
  event(device: string, event: string, payload: unknown, personal: boolean): void;
}

export interface DeviceRuntimeOptions<C> {
  name: string;
  kind: DeviceKind<DeviceApi, C>;
  config: C;
  enabled: boolean;
  simulated: boolean;
  log: Logger;
  clock: Clock;
  transports: Transports;
  sink: DeviceSink;
  stateDir: string;
  simulatorLink: unknown;
  /**
   * Runs before the first successful start (and again after a failed one): starts the device's
   * simulator and gives the driver config and link it made. A simulator that cannot start (a missing
   * font, no PTYs, a taken port) puts only this device in fault, with the simulator's message.
   */
  prepare?: () => Promise<{ config: C; link: unknown }>;
  /** Opens the money journal (cached by the caller); only called for kinds that use it. */
  journal?: () => Promise<Journal>;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export class DeviceRuntime<C = unknown> {
  private driver: Driver | undefined;
  private running = false;
  private stopping = false;
  private abort = new AbortController();
  private retryTimer: Timer | undefined;
  private attempt = 0;
  private current: DeviceStateMessage;
  private lastError: { code: string; at: string } | null = null;
  /** Why the last start failed, when retrying cannot help (a corrupt money journal): commands are refused with it. */
  private blocked: KioskError | undefined;
  private restarts = 0;
  private readonly counters: Record<string, number> = {};
  private cycle: Promise<void> = Promise.resolve();
  private pending: NodeJS.Immediate | undefined;
  private config: C;
  private link: unknown;
  private prepared: boolean;

  constructor(private readonly o: DeviceRuntimeOptions<C>) {
    this.current = { status: o.enabled ? 'starting' : 'disabled', detail: {}, since: o.clock.iso() };
    this.config = o.config;
    this.link = o.simulatorLink;
    this.prepared = !o.prepare;
  }

  get name(): string {
    return this.o.name;
  }
  get api(): DeviceApi {
    return this.o.kind.api;
  }
  get enabled(): boolean {
    return this.o.enabled;
  }
  get simulated(): boolean {
    return this.o.simulated;
  }
  /** The device handles money (needs the journal). */
  get usesJournal(): boolean {
    return this.o.kind.usesJournal === true;
  }
  get state(): DeviceStateMessage {
    return this.current;
  }
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  health(): { status: DeviceStatus; since: string; lastError: { code: string; at: string } | null; restarts: number; counters: Record<string, number> } {
    return { status: this.current.status, since: this.current.since, lastError: this.lastError, restarts: this.restarts, counters: { ...this.counters } };
  }

  /** First start attempt; resolves when it has succeeded or failed (a failure schedules retries). */
  async start(): Promise<void> {
    this.publish();
    if (!this.o.enabled) return;
    this.stopping = false;
    await this.serial(() => this.tryStart());
  }

  /** Stop the driver (outputs to safe values) and cancel retries. Never throws. */
  async stop(timeoutMs = 4000): Promise<void> {
    this.stopping = true;
    this.retryTimer?.cancel();
    this.abort.abort(new KioskError('SHUTTING_DOWN'));
    await this.serial(() => this.stopDriver(timeoutMs));
  }

  /** Stop and start again now (a technician's or the fleet's "restart device"). */
  async restart(): Promise<void> {
    if (!this.o.enabled) throw new KioskError('DEVICE_DISABLED');
    this.retryTimer?.cancel();
    this.stopping = false;
    this.attempt = 0;
    await this.serial(async () => {
      await this.stopDriver(4000);
      await this.tryStart();
    });
  }

  /** Run a command. Disabled or not-started devices answer at once with a stable code. */
  async run(command: string, input: unknown, ctx: CommandContext): Promise<unknown> {
    if (!this.o.enabled) throw new KioskError('DEVICE_DISABLED');
    const driver = this.driver;
    if (this.blocked) throw this.blocked;
    if (!driver || !this.running) {
      throw new KioskError('DEVICE_UNAVAILABLE', `${this.o.name} is ${this.current.status}`, {
        details: this.lastError ? { lastError: this.lastError.code } : undefined,
      });
    }
    const handler = (driver.commands as Record<string, (i: unknown, c: CommandContext) => Promise<unknown>>)[command];
    if (!handler) throw new KioskError('UNKNOWN_COMMAND', `${this.o.name} has no command ${command}`);
    try {
      return await handler.call(driver.commands, input, ctx);
    } catch (err) {
      const e = toKioskError(err);
      if (e.code === 'INTERNAL') this.o.log.error({ err, command }, 'command failed with an internal error');
      this.noteError(e.code);
      throw e;
    }
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.cycle.then(step, step);
    this.cycle = next.catch(() => undefined);
    return next;
  }

  private async tryStart(): Promise<void> {
    if (this.stopping || this.running) return;
    this.blocked = undefined;
    this.abort = new AbortController();
    this.setState('starting', this.current.detail);
    try {
      if (!this.prepared && this.o.prepare) {
        ({ config: this.config, link: this.link } = await this.o.prepare());
        this.prepared = true;
      }
      const journal = this.o.kind.usesJournal && this.o.journal ? await this.o.journal() : undefined;
      const driver = await this.o.kind.create(this.config, {
        host: this.host(),
        log: this.o.log,
        clock: this.o.clock,
        transports: this.o.transports,
        journal,
        stateDir: this.o.stateDir,
        simulatorLink: this.link,
      });
      this.driver = driver;
      await driver.start(this.abort.signal);
      if (this.stopping) return;
      this.running = true;
      this.attempt = 0;
      if (this.current.status === 'starting') this.setState('ready', this.current.detail);
      this.o.log.info('device started');
    } catch (err) {
      await this.failed(err, 'start failed');
    }
  }

  private async failed(err: unknown, what: string): Promise<void> {
    const e = toKioskError(err);
    this.noteError(e.code);
    const status: DeviceStatus = e.code === 'DEVICE_NOT_FOUND' || e.code === 'IO_ERROR' || e.code === 'TIMEOUT' ? 'offline' : 'fault';
    // The technician's message: the device's own words (a path, a package to install) unless it was a bug.
    const message = e.code !== 'INTERNAL' && err instanceof Error && err.message ? err.message : e.message;
    this.o.log.warn({ code: e.code, err: e.code === 'INTERNAL' ? err : message }, `device ${what}`);
    await this.stopDriver(2000);
    // A corrupt money journal does not heal by retrying: refuse every command with it (file and line)
    // until a technician recovers the journal, which restarts the device.
    const sticky = e.code === 'JOURNAL_CORRUPT';
    if (sticky) this.blocked = e;
    this.setState(status, this.current.detail, { code: e.code, at: this.o.clock.iso(), message });
    if (!sticky) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopping) return;
    const delay = backoffDelay(this.o.backoff ?? DEFAULT_BACKOFF, this.attempt++, this.o.random ?? Math.random);
    this.retryTimer?.cancel();
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.restarts++;
      void this.serial(() => this.tryStart());
    }, delay);
    this.retryTimer.unref();
  }

  private async stopDriver(timeoutMs: number): Promise<void> {
    const driver = this.driver;
    this.running = false;
    this.driver = undefined;
    if (!driver) return;
    let timer: Timer | undefined;
    try {
      await Promise.race([
        driver.stop(),
        new Promise<void>((resolve) => {
          timer = this.o.clock.setTimeout(() => {
            this.o.log.warn(`driver did not stop within ${timeoutMs} ms`);
            resolve();
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      this.o.log.error({ err }, 'driver stop threw');
    } finally {
      timer?.cancel();
    }
  }

  private host(): DriverHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host object outlives this call; `self` reads clearer than arrow-bound this in 8 closures
    const self = this;
    return {
      device: this.o.name,
      setState: (status, detail) => self.setState(status, detail ?? self.current.detail),
      patchDetail: (patch) => self.setState(self.current.status, { ...self.current.detail, ...patch }),
      emit: (event, payload) => {
        const spec = self.o.kind.api.events[event];
        self.o.sink.event(self.o.name, event, payload, spec?.personal === true);
      },
      lost: (err) => {
        if (!self.running || self.stopping) return;
        self.running = false;
        void self.serial(() => self.failed(err, 'lost'));
      },
      count: (counter, by = 1) => {
        self.counters[counter] = (self.counters[counter] ?? 0) + by;
      },
      noteError: (code) => self.noteError(code),
    };
  }

  private noteError(code: string): void {
    this.lastError = { code, at: this.o.clock.iso() };
  }

  private setState(status: DeviceStatus, detail: Record<string, unknown>, error?: DeviceStateMessage['error']): void {
    const prev = this.current;
    const since = prev.status === status ? prev.since : this.o.clock.iso();
    const next: DeviceStateMessage = error || (status === prev.status && prev.error) ? { status, detail, since, error: error ?? prev.error } : { status, detail, since };
    if (status === 'ready' || status === 'busy') delete next.error;
    this.current = next;
    if (status !== prev.status || next.error !== prev.error) this.publish();
    else this.publishSoon();
  }

  /**
   * A detail-only change (a GPIO level, a paper sensor) is published once per event-loop turn, after
   * the response and events of the command that caused it: the state is retained and only its latest
   * value matters, so a burst of changes costs one publish, and a response never waits behind it.
   */
  private publishSoon(): void {
    this.pending ??= setImmediate(() => this.publish());
  }

  private publish(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    this.o.sink.state(this.o.name, this.current);
  }
}
