/**
 * The kiosk's configured devices: one {@link DeviceRuntime} per `devices.{name}` section, in the
 * registry's order, each with its simulator when simulated. Building them does no I/O; `start()` starts
 * them together, `stop()` stops them in reverse order within one time budget.
 */
import { join } from 'node:path';
import type { BridgeInfo, Health } from '../api/envelope.js';
import type { Clock } from '../core/clock.js';
import type { DeviceApi, DeviceKind, SimulatorHandle } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Transports } from '../core/transport.js';
import type { KioskConfig } from './config/schema.js';
import { DeviceRuntime, type BackoffPolicy, type DeviceSink } from './device-runtime.js';
import type { MoneyJournal } from './money-journal.js';
import { DEVICE_KINDS } from './registry.js';
import { readHandoff, runsApart, simPaths } from './sim-handoff.js';

/** How long a device's first start waits for its simulator process to hand over (`npm start` starts both at once). */
const HANDOFF_WAIT_MS = 5000;
const HANDOFF_POLL_MS = 50;

export interface DevicesOptions {
  readonly config: KioskConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly transports: Transports;
  /** Where every device's state and events go. */
  readonly sink: DeviceSink;
  readonly journal: MoneyJournal;
  /** Scratch directory for simulators (PTY links); defaults to {stateDir}/sim. */
  readonly simDir?: string | undefined;
  readonly backoff?: BackoffPolicy | undefined;
  /** Accessible mode's factor for person-facing timeouts, handed to every driver. */
  readonly timeoutScale?: (() => number) | undefined;
}

export class Devices {
  readonly runtimes: readonly DeviceRuntime[];
  /** Some device runs against its simulator (in this process or its own). */
  readonly simulating: boolean;
  /**
   * The sim/ topics this process answers: `all` when every simulator runs here (unknown devices get
   * UNKNOWN_DEVICE), else the devices whose simulator runs here (`kioskd simulate` answers the others).
   */
  readonly simulatedHere: 'all' | readonly string[];
  private readonly simulators = new Map<string, SimulatorHandle<unknown>>();

  constructor(private readonly o: DevicesOptions) {
    const devices = o.config.devices as Record<string, { enabled: boolean; simulate: boolean } | undefined>;
    const configured = (Object.entries(DEVICE_KINDS) as Array<[string, DeviceKind<DeviceApi, unknown>]>).flatMap(([name, kind]) => {
      const devConfig = devices[name];
      return devConfig ? [{ name, kind, devConfig }] : [];
    });
    let simulating = false;
    let apart = false;
    const here: string[] = [];
    this.runtimes = configured.map(({ name, kind, devConfig }) => {
      const simulated = devConfig.enabled && (o.config.simulation || devConfig.simulate);
      simulating ||= simulated;
      if (simulated && runsApart(o.config, kind)) apart = true;
      else if (simulated) here.push(name);
      return this.supervise(o, name, kind, devConfig, simulated);
    });
    this.simulating = simulating;
    this.simulatedHere = !simulating ? [] : apart ? here : 'all';
  }

  runtime(name: string): DeviceRuntime | undefined {
    return this.runtimes.find((r) => r.name === name);
  }

  /** The running simulator of a device, once its first start attempt has started it. */
  simulator(name: string): SimulatorHandle<unknown> | undefined {
    return this.simulators.get(name);
  }

  /** First start attempt of every device, together; resolves when each has succeeded or failed. */
  async start(): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.start()));
  }

  /** Stop drivers in reverse order within `budgetMs` (each gets 100 ms to 1.5 s), then the simulators. */
  async stop(budgetMs: number): Promise<void> {
    const { clock } = this.o;
    const deadline = clock.monotonic() + budgetMs;
    for (const r of [...this.runtimes].reverse()) await r.stop(Math.max(100, Math.min(1500, deadline - clock.monotonic())));
  }

  async stopSimulators(): Promise<void> {
    for (const sim of this.simulators.values()) await sim.stop().catch(() => undefined);
  }

  health(): Health['devices'] {
    return Object.fromEntries(this.runtimes.map((r) => [r.name, r.health()]));
  }

  states(): Record<string, DeviceRuntime['state']> {
    return Object.fromEntries(this.runtimes.map((r) => [r.name, r.state]));
  }

  /** The devices part of bridge/info: kind, flags, commands with their summaries, events. */
  describe(): BridgeInfo['devices'] {
    return Object.fromEntries(
      this.runtimes.map((r) => [
        r.name,
        {
          kind: r.api.kind,
          enabled: r.enabled,
          simulated: r.simulated,
          commands: Object.fromEntries(Object.entries(r.api.commands).map(([k, c]) => [k, { summary: c.summary }])),
          events: Object.keys(r.api.events),
        },
      ]),
    );
  }

  private supervise(o: DevicesOptions, name: string, kind: DeviceKind<DeviceApi, unknown>, devConfig: { enabled: boolean }, simulated: boolean): DeviceRuntime {
    const { config, log, clock } = o;
    const devLog = log.child({ device: name });
    const paths = simPaths(config, name, o.simDir);
    const apart = simulated && runsApart(config, kind);
    // Each simulator starts inside its device's first start attempt (runtimes start together): one
    // that cannot start (a missing font, no PTYs) puts only its own device in fault.
    const prepare = async (): Promise<{ config: unknown; link: unknown }> => {
      if (!kind.simulate) throw new KioskError('CONFIG_INVALID', `device ${name} has no simulator`);
      const sim = await kind.simulate(devConfig, { log: devLog.child({ component: 'sim' }), clock, workDir: paths.workDir, stateDir: paths.stateDir });
      this.simulators.set(name, sim);
      return { config: sim.driverConfig, link: sim.link };
    };
    // A simulator in its own process: read what it handed over, at every start attempt (a restarted
    // simulator may listen on another port); the first attempt waits a little for it to come up.
    let waited = false;
    const handedOver = async (): Promise<{ config: unknown; link: unknown }> => {
      const deadline = clock.monotonic() + (waited ? 0 : HANDOFF_WAIT_MS);
      waited = true;
      for (;;) {
        try {
          return { config: readHandoff(paths.handoff, name, kind.configSchema), link: undefined };
        } catch (err) {
          if (clock.monotonic() >= deadline || (err as KioskError).code !== 'DEVICE_NOT_FOUND') throw err;
          await new Promise<void>((resolve) => clock.setTimeout(resolve, HANDOFF_POLL_MS));
        }
      }
    };
    return new DeviceRuntime({
      name,
      kind,
      config: devConfig,
      enabled: devConfig.enabled,
      simulated,
      log: devLog,
      clock,
      transports: o.transports,
      sink: o.sink,
      stateDir: join(config.stateDir, 'devices', name),
      simulatorLink: undefined,
      ...(apart ? { prepare: handedOver, prepareEveryStart: true } : simulated ? { prepare } : {}),
      journal: () => o.journal.open(),
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...(o.timeoutScale ? { timeoutScale: o.timeoutScale } : {}),
    });
  }
}
