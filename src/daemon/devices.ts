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
}

export class Devices {
  readonly runtimes: readonly DeviceRuntime[];
  /** Some device runs against its simulator (sim/ topics are served). */
  readonly simulating: boolean;
  private readonly simulators = new Map<string, SimulatorHandle<unknown>>();

  constructor(private readonly o: DevicesOptions) {
    const devices = o.config.devices as Record<string, { enabled: boolean; simulate: boolean } | undefined>;
    const configured = (Object.entries(DEVICE_KINDS) as Array<[string, DeviceKind<DeviceApi, unknown>]>).flatMap(([name, kind]) => {
      const devConfig = devices[name];
      return devConfig ? [{ name, kind, devConfig }] : [];
    });
    let simulating = false;
    this.runtimes = configured.map(({ name, kind, devConfig }) => {
      const simulated = devConfig.enabled && (o.config.simulation || devConfig.simulate);
      simulating ||= simulated;
      return this.supervise(o, name, kind, devConfig, simulated);
    });
    this.simulating = simulating;
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
    // Each simulator starts inside its device's first start attempt (runtimes start together): one
    // that cannot start (a missing font, no PTYs) puts only its own device in fault.
    const prepare = async (): Promise<{ config: unknown; link: unknown }> => {
      if (!kind.simulate) throw new KioskError('CONFIG_INVALID', `device ${name} has no simulator`);
      const sim = await kind.simulate(devConfig, {
        log: devLog.child({ component: 'sim' }),
        clock,
        workDir: join(o.simDir ?? join(config.stateDir, 'sim'), name),
        stateDir: join(config.stateDir, 'sim-state', name),
      });
      this.simulators.set(name, sim);
      return { config: sim.driverConfig, link: sim.link };
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
      ...(simulated ? { prepare } : {}),
      journal: () => o.journal.open(),
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
  }
}
