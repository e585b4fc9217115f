/**
 * The composition root: wires config, logger, clock, bus, simulators, drivers and health. It receives
 * everything from the outside (`DaemonDeps`) and reads no env, file or signal itself (that is cli.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bridgeOps } from '../api/bridge.js';
import type { BridgeInfo, DeviceStateMessage, Health } from '../api/envelope.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../bus/embedded-broker.js';
import { MqttBus } from '../bus/mqtt-bus.js';
import { RequestLimiter } from '../bus/limits.js';
import { RequestRouter, type RequestTarget, type ResolvedCommand } from '../bus/request-router.js';
import { makeTopics, type Topics } from '../api/topics.js';
import { readSystemStats } from '../health/system-stats.js';
import { Monitoring } from './monitoring.js';
import type { Notifier } from '../health/sd-notify.js';
import type { Clock } from '../core/clock.js';
import type { KioskConfig } from './config/schema.js';
import { DeviceRuntime, type BackoffPolicy, type DeviceSink } from './device-runtime.js';
import type { CommandSpec, DeviceApi, DeviceKind, SimulatorHandle } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { Logger, LogLevel } from '../core/logger.js';
import { MoneyJournal } from './money-journal.js';
import { DEVICE_KINDS } from './registry.js';

const LOOP_SAMPLE_MS = 10;
/** Bridge and simulator requests are never cancelled; one signal serves them all (an AbortController costs ~7 µs). */
const NEVER_ABORTED = new AbortController().signal;

export interface DaemonDeps {
  config: KioskConfig;
  log: Logger;
  clock: Clock;
  version: string;
  hostname: string;
  notifier?: Notifier;
  /** Password for the local broker, read by the caller from mqtt.passwordFile. */
  mqttPassword?: string;
  /** Scratch directory for simulators (PTY links); defaults to {stateDir}/sim. */
  simDir?: string;
  backoff?: BackoffPolicy;
}

/** Observers of everything the daemon publishes (the fleet link is one). */
export interface DaemonTap {
  state?(device: string, state: DeviceStateMessage): void;
  event?(device: string, event: string, payload: unknown, personal: boolean): void;
  health?(health: Health): void;
  link?(connected: boolean): void;
}

/** A command by name, own keys only: `toString`, `constructor` or `__proto__` are not commands (found by fuzzing). */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export class Daemon {
  readonly bootId = randomUUID();
  readonly topics: Topics;
  readonly kioskId: string;
  readonly runtimes: DeviceRuntime[] = [];
  readonly taps = new Set<DaemonTap>();
  private readonly simulators = new Map<string, SimulatorHandle<unknown>>();
  private broker: EmbeddedBroker | undefined;
  /** Alerts and the fleet link (src/daemon/monitoring.ts). */
  private monitoring: Monitoring | undefined;
  private bus: MqttBus | undefined;
  private router: RequestRouter;
  private readonly journal: MoneyJournal;
  private healthTimer: NodeJS.Timeout | undefined;
  private healthSoon: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private startedAt: string;
  /** Sampled every LOOP_SAMPLE_MS; each health snapshot reports and resets it. */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  private loopWindowStart = performance.now();
  private stopped = false;
  /** Some device runs against its simulator (sim/ topics are served). */
  private simulating = false;
  /** URL of the broker in use (the embedded one's when embedded). */
  brokerUrl = '';
  brokerWsUrl: string | undefined;

  constructor(private readonly d: DaemonDeps) {
    this.kioskId = d.config.kioskId ?? d.hostname.replace(/[^A-Za-z0-9._-]/g, '-');
    this.topics = makeTopics(d.config.mqtt.root, this.kioskId);
    this.startedAt = d.clock.iso();
    this.journal = new MoneyJournal({ stateDir: d.config.stateDir, mirrorPath: d.config.journal.mirrorPath, clock: d.clock, log: d.log.child({ component: 'journal' }) });
    this.router = new RequestRouter({
      maxPayloadBytes: d.config.mqtt.maxPayloadBytes,
      limiter: new RequestLimiter(d.config.mqtt.limits, () => d.clock.monotonic()),
      resolve: (target) => this.resolve(target),
      onError: (target, err) => {
        if (err.code === 'INTERNAL') d.log.error({ target, err: err.cause }, 'request failed');
        else d.log.debug({ target: `${target.scope}/${target.target}/${target.command}`, code: err.code }, 'request refused');
      },
    });
  }

  get connected(): boolean {
    return this.bus?.connected ?? false;
  }

  runtime(name: string): DeviceRuntime | undefined {
    return this.runtimes.find((r) => r.name === name);
  }

  simulator(name: string): SimulatorHandle<unknown> | undefined {
    return this.simulators.get(name);
  }

  async start(): Promise<void> {
    const { config, log } = this.d;
    await mkdir(config.stateDir, { recursive: true });
    let url = config.mqtt.url;
    let protocolVersion = config.mqtt.protocolVersion;
    if (url === 'embedded') {
      // A taken port fails the start (EADDRINUSE, saying what to do): falling back onto whatever
      // listens there would mix this kiosk's topics with another instance's.
      this.broker = await startEmbeddedBroker({ ...config.mqtt.embedded, log: log.child({ component: 'broker' }) });
      url = this.broker.url;
      this.brokerWsUrl = this.broker.wsUrl;
      protocolVersion = 4; // aedes speaks MQTT 3.1.1 only
    }
    this.brokerUrl = url;
    this.createDevices();
    this.bus = new MqttBus(
      {
        url,
        clientId: config.mqtt.clientId ?? `kioskd-${this.kioskId}`,
        ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
        ...(this.d.mqttPassword !== undefined ? { password: this.d.mqttPassword } : {}),
        protocolVersion,
        keepaliveSec: config.mqtt.keepaliveSec,
        topics: this.topics,
        simulation: this.simulating,
        log: log.child({ component: 'bus' }),
      },
      {
        request: (req) => this.router.handle(req),
        birth: () => this.birth(),
        link: (up) => this.taps.forEach((t) => t.link?.(up)),
      },
      () => JSON.stringify({ state: 'online', bootId: this.bootId, version: this.d.version, since: this.startedAt }),
    );
    this.protocolVersion = protocolVersion;
    await this.startMonitoring();
    // Drivers start while the bus connects; READY waits for both.
    await Promise.all([this.bus.start(), ...this.runtimes.map((r) => r.start())]);
    this.loopDelay.enable();
    this.loopWindowStart = performance.now();
    this.healthTimer = setInterval(() => void this.publishHealth(), config.health.intervalSec * 1000);
    this.healthTimer.unref();
    await this.publishHealth();
    const wd = this.d.notifier?.watchdogIntervalMs;
    if (wd && config.systemd.watchdog) {
      this.watchdogTimer = setInterval(() => this.d.notifier?.watchdog(), wd);
      this.watchdogTimer.unref();
    }
    this.d.notifier?.ready(`${this.runtimes.length} devices; mqtt ${url}`);
    log.info({ kioskId: this.kioskId, url, wsUrl: this.brokerWsUrl, devices: this.runtimes.map((r) => `${r.name}:${r.state.status}`) }, 'kioskd started');
  }

  private protocolVersion: 4 | 5 = 5;

  private async startMonitoring(): Promise<void> {
    const { config, log, clock } = this.d;
    this.monitoring = new Monitoring({
      config, log, clock, kioskId: this.kioskId, bootId: this.bootId, version: this.d.version, base: this.topics.base, taps: this.taps,
      publishRetained: (topic, payload) => this.bus?.publishRetained(topic, payload),
      publishEvent: (topic, payload) => this.bus?.publishEvent(topic, payload),
      request: (scope, target, command, input, requester) =>
        this.router.handle({ target: { scope, target, command }, payload: Buffer.from(JSON.stringify(input ?? {})), retain: false, requester, role: 'fleet' }),
      info: () => this.info(),
      states: () => Object.fromEntries(this.runtimes.map((r) => [r.name, r.state])),
      health: () => this.publishHealth(),
    });
    await this.monitoring.start();
  }

  private createDevices(): void {
    const { config, log, clock } = this.d;
    // Health carries each device's status, not its detail: a GPIO level or a paper sensor changing
    // does not warrant a health snapshot (disk and thermal probes), a status change does.
    const lastStatus = new Map<string, string>();
    const sink: DeviceSink = {
      state: (device, state) => {
        this.bus?.publishRetained(this.topics.deviceState(device), JSON.stringify(state));
        this.taps.forEach((t) => t.state?.(device, state));
        if (lastStatus.get(device) === state.status) return;
        lastStatus.set(device, state.status);
        this.scheduleHealth();
      },
      event: (device, event, payload, personal) => {
        this.bus?.publishEvent(this.topics.deviceEvent(device, event), JSON.stringify(payload));
        this.taps.forEach((t) => t.event?.(device, event, payload, personal));
      },
    };
    const devices = config.devices as Record<string, { enabled: boolean; simulate: boolean } | undefined>;
    const configured = (Object.entries(DEVICE_KINDS) as Array<[string, DeviceKind<DeviceApi, unknown>]>).flatMap(([name, kind]) => {
      const devConfig = devices[name];
      return devConfig ? [{ name, kind, devConfig }] : [];
    });
    // Each simulator starts inside its device's first start attempt (runtimes start together): one
    // that cannot start (a missing font, no PTYs) puts only its own device in fault.
    const created = configured.map(({ name, kind, devConfig }) => {
      const simulated = devConfig.enabled && (config.simulation || devConfig.simulate);
      this.simulating ||= simulated;
      const devLog = log.child({ device: name });
      const prepare = async (): Promise<{ config: unknown; link: unknown }> => {
        if (!kind.simulate) throw new KioskError('CONFIG_INVALID', `device ${name} has no simulator`);
        const sim = await kind.simulate(devConfig, {
          log: devLog.child({ component: 'sim' }),
          clock,
          workDir: join(this.d.simDir ?? join(config.stateDir, 'sim'), name),
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
        sink,
        stateDir: join(config.stateDir, 'devices', name),
        simulatorLink: undefined,
        ...(simulated ? { prepare } : {}),
        journal: () => this.journal.open(),
        ...(this.d.backoff ? { backoff: this.d.backoff } : {}),
      });
    });
    this.runtimes.push(...created);
  }

  private resolve(target: RequestTarget): ResolvedCommand {
    if (target.scope === 'bridge') {
      const spec = own(bridgeOps as Record<string, CommandSpec>, target.command);
      if (!spec) throw new KioskError('UNKNOWN_COMMAND', `the bridge has no operation ${target.command}`);
      return { spec, role: this.roleOf('bridge', target.command, spec), signal: NEVER_ABORTED, run: (input, ctx) => this.bridgeOp(target.command, input, ctx.requester) };
    }
    if (target.scope === 'sim') {
      const runtime = this.runtime(target.target);
      const sim = this.simulators.get(target.target);
      if (!sim && runtime?.simulated) throw new KioskError('DEVICE_UNAVAILABLE', `the ${target.target} simulator is not running (${runtime.state.status})`);
      if (!sim) throw new KioskError('UNKNOWN_DEVICE', `no simulated device ${target.target}`);
      const spec = runtime?.api.sim ? own(runtime.api.sim, target.command) : undefined;
      const handler = own(sim.commands, target.command);
      if (!spec || !handler) throw new KioskError('UNKNOWN_COMMAND', `the ${target.target} simulator has no command ${target.command}`);
      return { spec, signal: NEVER_ABORTED, run: (input) => handler(input) };
    }
    const runtime = this.runtime(target.target);
    if (!runtime) throw new KioskError('UNKNOWN_DEVICE', `no device ${target.target} on this kiosk`);
    const spec = own(runtime.api.commands, target.command);
    if (!spec) throw new KioskError('UNKNOWN_COMMAND', `${target.target} has no command ${target.command}`);
    return { spec, role: this.roleOf(target.target, target.command, spec), signal: runtime.signal, run: (input, ctx) => runtime.run(target.command, input, ctx) };
  }

  /** The role a command needs: the config's `policy.roles` override, else what the command declares. */
  private roleOf(target: string, command: string, spec: CommandSpec): CommandSpec['role'] {
    return own(this.d.config.policy.roles, `${target}.${command}`) ?? spec.role;
  }

  private async bridgeOp(op: string, input: unknown, requester: string | undefined): Promise<unknown> {
    const args = input as Record<string, unknown>;
    switch (op) {
      case 'info':
        return this.info();
      case 'health':
        return this.publishHealth();
      case 'rebirth': {
        const messages = this.birth();
        for (const m of messages) this.bus?.publishRetained(m.topic, m.payload);
        return { republished: messages.length + 1 };
      }
      case 'restart-device': {
        const runtime = this.runtime(String(args.device));
        if (!runtime) throw new KioskError('UNKNOWN_DEVICE', `no device ${String(args.device)}`);
        this.d.log.warn({ device: runtime.name }, 'device restart requested');
        await runtime.restart();
        return { device: runtime.name, status: runtime.state.status };
      }
      case 'log-level':
        this.d.log.level = args.level as LogLevel;
        this.d.log.warn({ level: args.level }, 'log level changed');
        return { level: this.d.log.level };
      case 'journal-verify':
        return this.journal.inspect();
      case 'journal-recover': {
        const report = await this.journal.recover(args as { technician: string; reason: string; prefer?: 'journal' | 'mirror' }, requester);
        const money = this.runtimes.filter((r) => r.usesJournal && r.enabled);
        await Promise.all(money.map((r) => r.restart()));
        return { ...report, devices: Object.fromEntries(money.map((r) => [r.name, r.state.status])) };
      }
      default:
        throw new KioskError('UNKNOWN_COMMAND', `the bridge has no operation ${op}`);
    }
  }

  info(): BridgeInfo {
    return {
      kioskId: this.kioskId,
      version: this.d.version,
      bootId: this.bootId,
      startedAt: this.startedAt,
      simulation: this.simulating,
      mqtt: { root: this.d.config.mqtt.root, protocolVersion: this.protocolVersion },
      devices: Object.fromEntries(
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
      ),
      bridgeOps: Object.keys(bridgeOps),
    };
  }

  private birth(): Array<{ topic: string; payload: string }> {
    return [
      { topic: this.topics.bridgeInfo, payload: JSON.stringify(this.info()) },
      ...this.runtimes.map((r) => ({ topic: this.topics.deviceState(r.name), payload: JSON.stringify(r.state) })),
      ...(this.lastHealth ? [{ topic: this.topics.bridgeHealth, payload: JSON.stringify(this.lastHealth) }] : []),
      ...(this.monitoring?.birth() ?? []),
    ];
  }

  private lastHealth: Health | undefined;

  async health(): Promise<Health> {
    const { config, clock } = this.d;
    const system = await readSystemStats({ diskPath: config.health.diskPath ?? config.stateDir, thermalZone: config.health.thermalZone });
    return {
      at: clock.iso(),
      uptimeSec: Math.round(process.uptime()),
      bootId: this.bootId,
      version: this.d.version,
      system,
      mqtt: { connected: this.connected, reconnects: this.bus?.reconnectCount ?? 0 },
      devices: Object.fromEntries(this.runtimes.map((r) => [r.name, r.health()])),
      eventLoop: this.eventLoopWindow(),
    };
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

  private scheduleHealth(): void {
    if (this.healthSoon || !this.healthTimer) return;
    this.healthSoon = setTimeout(() => {
      this.healthSoon = undefined;
      void this.publishHealth();
    }, 1000);
    this.healthSoon.unref();
  }

  private async publishHealth(): Promise<Health> {
    const health = await this.health();
    this.lastHealth = health;
    this.bus?.publishRetained(this.topics.bridgeHealth, JSON.stringify(health));
    this.taps.forEach((t) => t.health?.(health));
    return health;
  }

  /** Stop drivers in reverse order, publish offline, disconnect. Idempotent; never throws. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.d.notifier?.stopping();
    clearInterval(this.healthTimer);
    clearTimeout(this.healthSoon);
    clearInterval(this.watchdogTimer);
    this.loopDelay.disable();
    // Reverse order of start, within one budget, so `offline` goes out well inside systemd's 5 s.
    const deadline = performance.now() + 3000;
    for (const r of [...this.runtimes].reverse()) await r.stop(Math.max(100, Math.min(1500, deadline - performance.now())));
    await this.monitoring?.stop();
    await this.bus?.stop(JSON.stringify({ state: 'offline', reason: 'shutdown', bootId: this.bootId }));
    for (const sim of this.simulators.values()) await sim.stop().catch(() => undefined);
    await this.journal.close();
    await this.broker?.close();
    this.d.log.info('kioskd stopped');
  }
}
