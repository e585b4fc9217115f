/**
 * The composition root: builds every unit of the daemon and wires them together — the devices under
 * supervision, the device table and the request router, the local bus (with the embedded broker when
 * configured), the health reporter and the watchdog, alerts and the fleet link — then starts them in
 * order and stops them in reverse. It does nothing else: each job is its own unit with start()/stop().
 * It receives everything from the outside (`DaemonDeps`) and reads no env, file or signal (that is
 * src/cli.ts).
 *
 * A request flows one way: bus -> router -> device table -> runtime -> driver, and back.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { bridgeOps } from '../api/bridge.js';
import type { BridgeInfo, Health } from '../api/envelope.js';
import type { DaemonTap } from '../api/tap.js';
import { makeTopics, type Topics } from '../api/topics.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../bus/embedded-broker.js';
import { RequestLimiter } from '../bus/limits.js';
import { MqttBus } from '../bus/mqtt-bus.js';
import { RequestRouter } from '../bus/request-router.js';
import type { Clock } from '../core/clock.js';
import type { SimulatorHandle } from '../core/driver.js';
import type { Logger } from '../core/logger.js';
import type { Transports } from '../core/transport.js';
import { HealthReporter } from '../health/reporter.js';
import type { Notifier } from '../health/sd-notify.js';
import { Watchdog } from '../health/watchdog.js';
import { createTransports } from '../transports/factory.js';
import { bridgeHandlers } from './bridge-ops.js';
import type { KioskConfig } from './config/schema.js';
import { DeviceTable } from './device-table.js';
import type { BackoffPolicy, DeviceRuntime, DeviceSink } from './device-runtime.js';
import { Devices } from './devices.js';
import { MoneyJournal } from './money-journal.js';
import { Monitoring } from './monitoring.js';

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
  /** What drivers reach their devices through; the real transports (on `clock`) by default. */
  transports?: Transports;
}

export class Daemon {
  readonly bootId = randomUUID();
  readonly topics: Topics;
  readonly kioskId: string;
  /** Observers of everything the daemon publishes (the alert engine and the fleet link register here). */
  readonly taps = new Set<DaemonTap>();
  /** URL of the broker in use (the embedded one's when embedded). */
  brokerUrl = '';
  brokerWsUrl: string | undefined;
  private readonly devices: Devices;
  private readonly journal: MoneyJournal;
  private readonly router: RequestRouter;
  private readonly healthReporter: HealthReporter;
  private readonly watchdog: Watchdog;
  private readonly monitoring: Monitoring;
  private readonly startedAt: string;
  private broker: EmbeddedBroker | undefined;
  private bus: MqttBus | undefined;
  private protocolVersion: 4 | 5;
  private stopped = false;

  constructor(private readonly d: DaemonDeps) {
    const { config, log, clock } = d;
    this.kioskId = config.kioskId ?? d.hostname.replace(/[^A-Za-z0-9._-]/g, '-');
    this.topics = makeTopics(config.mqtt.root, this.kioskId);
    this.startedAt = clock.iso();
    this.protocolVersion = config.mqtt.protocolVersion;
    this.journal = new MoneyJournal({ stateDir: config.stateDir, mirrorPath: config.journal.mirrorPath, clock, log: log.child({ component: 'journal' }) });
    const transports = d.transports ?? createTransports({ clock });
    this.devices = new Devices({ config, log, clock, transports, sink: this.deviceSink(), journal: this.journal, simDir: d.simDir, backoff: d.backoff });
    this.healthReporter = new HealthReporter({
      clock, bootId: this.bootId, version: d.version, intervalSec: config.health.intervalSec,
      diskPath: config.health.diskPath ?? config.stateDir, thermalZone: config.health.thermalZone,
      link: () => ({ connected: this.connected, reconnects: this.bus?.reconnectCount ?? 0 }),
      devices: () => this.devices.health(),
      publish: (health) => {
        this.bus?.publishRetained(this.topics.bridgeHealth, JSON.stringify(health));
        this.taps.forEach((t) => t.health?.(health));
      },
    });
    this.watchdog = new Watchdog(d.notifier, clock, config.systemd.watchdog);
    const bridge = bridgeHandlers({
      log, devices: this.devices, journal: this.journal,
      info: () => this.info(), health: () => this.healthReporter.publish(), rebirth: () => this.rebirth(),
    });
    this.router = RequestRouter.over(new DeviceTable(this.devices, bridge, config.policy.roles), {
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      limiter: new RequestLimiter(config.mqtt.limits, () => clock.monotonic()),
      onError: (target, err) => {
        if (err.code === 'INTERNAL') log.error({ target, err: err.cause }, 'request failed');
        else log.debug({ target: `${target.scope}/${target.target}/${target.command}`, code: err.code }, 'request refused');
      },
    });
    this.monitoring = new Monitoring({
      config, log, clock, kioskId: this.kioskId, bootId: this.bootId, version: d.version, topics: this.topics, taps: this.taps,
      router: this.router,
      publishRetained: (topic, payload) => this.bus?.publishRetained(topic, payload),
      publishEvent: (topic, payload) => this.bus?.publishEvent(topic, payload),
      info: () => this.info(),
      states: () => this.devices.states(),
      health: () => this.healthReporter.publish(),
    });
  }

  get connected(): boolean {
    return this.bus?.connected ?? false;
  }

  /** Every configured device, in the registry's order. */
  get runtimes(): readonly DeviceRuntime[] {
    return this.devices.runtimes;
  }

  runtime(name: string): DeviceRuntime | undefined {
    return this.devices.runtime(name);
  }

  simulator(name: string): SimulatorHandle<unknown> | undefined {
    return this.devices.simulator(name);
  }

  async start(): Promise<void> {
    const { config, log } = this.d;
    await mkdir(config.stateDir, { recursive: true });
    this.brokerUrl = await this.startBroker();
    this.bus = new MqttBus(
      {
        url: this.brokerUrl,
        clientId: config.mqtt.clientId ?? `kioskd-${this.kioskId}`,
        ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
        ...(this.d.mqttPassword !== undefined ? { password: this.d.mqttPassword } : {}),
        protocolVersion: this.protocolVersion,
        keepaliveSec: config.mqtt.keepaliveSec,
        topics: this.topics,
        simulation: this.devices.simulating,
        log: log.child({ component: 'bus' }),
      },
      { router: this.router, birth: () => this.birth(), link: (up) => this.taps.forEach((t) => t.link?.(up)) },
      () => JSON.stringify({ state: 'online', bootId: this.bootId, version: this.d.version, since: this.startedAt }),
    );
    // Alerts and the fleet link register their taps before devices start, so no state is missed.
    await this.monitoring.start();
    // Drivers start while the bus connects; READY waits for both.
    await Promise.all([this.bus.start(), this.devices.start()]);
    await this.healthReporter.start();
    this.watchdog.start();
    this.d.notifier?.ready(`${this.runtimes.length} devices; mqtt ${this.brokerUrl}`);
    log.info({ kioskId: this.kioskId, url: this.brokerUrl, wsUrl: this.brokerWsUrl, devices: this.runtimes.map((r) => `${r.name}:${r.state.status}`) }, 'kioskd started');
  }

  /** The broker's URL: the configured one, or the embedded broker's once it listens. */
  private async startBroker(): Promise<string> {
    const { config, log } = this.d;
    if (config.mqtt.url !== 'embedded') return config.mqtt.url;
    // A taken port fails the start (EADDRINUSE, saying what to do): falling back onto whatever
    // listens there would mix this kiosk's topics with another instance's.
    this.broker = await startEmbeddedBroker({ ...config.mqtt.embedded, log: log.child({ component: 'broker' }) });
    this.brokerWsUrl = this.broker.wsUrl;
    this.protocolVersion = 4; // aedes speaks MQTT 3.1.1 only
    return this.broker.url;
  }

  /** Where device states and events go: the bus, every tap, and (on a status change) a health snapshot soon. */
  private deviceSink(): DeviceSink {
    // Health carries each device's status, not its detail: a GPIO level or a paper sensor changing
    // does not warrant a health snapshot (disk and thermal probes), a status change does.
    const lastStatus = new Map<string, string>();
    return {
      state: (device, state) => {
        this.bus?.publishRetained(this.topics.deviceState(device), JSON.stringify(state));
        this.taps.forEach((t) => t.state?.(device, state));
        if (lastStatus.get(device) === state.status) return;
        lastStatus.set(device, state.status);
        this.healthReporter.soon();
      },
      event: (device, event, payload, personal) => {
        this.bus?.publishEvent(this.topics.deviceEvent(device, event), JSON.stringify(payload));
        this.taps.forEach((t) => t.event?.(device, event, payload, personal));
      },
    };
  }

  info(): BridgeInfo {
    return {
      kioskId: this.kioskId,
      version: this.d.version,
      bootId: this.bootId,
      startedAt: this.startedAt,
      simulation: this.devices.simulating,
      mqtt: { root: this.d.config.mqtt.root, protocolVersion: this.protocolVersion },
      devices: this.devices.describe(),
      bridgeOps: Object.keys(bridgeOps),
    };
  }

  /** A health snapshot, now, without publishing it. */
  health(): Promise<Health> {
    return this.healthReporter.snapshot();
  }

  /** Everything retained, after bridge/state online, at each (re)connect and on `rebirth`. */
  private birth(): Array<{ topic: string; payload: string }> {
    const health = this.healthReporter.last;
    return [
      { topic: this.topics.bridgeInfo, payload: JSON.stringify(this.info()) },
      ...this.runtimes.map((r) => ({ topic: this.topics.deviceState(r.name), payload: JSON.stringify(r.state) })),
      ...(health ? [{ topic: this.topics.bridgeHealth, payload: JSON.stringify(health) }] : []),
      ...this.monitoring.birth(),
    ];
  }

  private rebirth(): number {
    const messages = this.birth();
    for (const m of messages) this.bus?.publishRetained(m.topic, m.payload);
    return messages.length + 1;
  }

  /** Stop drivers in reverse order, publish offline, disconnect. Idempotent; never throws. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.d.notifier?.stopping();
    this.healthReporter.stop();
    this.watchdog.stop();
    // Reverse order of start, within one budget, so `offline` goes out well inside systemd's 5 s.
    await this.devices.stop(3000);
    await this.monitoring.stop();
    await this.bus?.stop(JSON.stringify({ state: 'offline', reason: 'shutdown', bootId: this.bootId }));
    await this.devices.stopSimulators();
    await this.journal.close();
    await this.broker?.close();
    this.d.log.info('kioskd stopped');
  }
}
