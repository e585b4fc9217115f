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
import type { EmbeddedBroker } from '../bus/embedded-broker.js';
import { RequestLimiter } from '../bus/limits.js';
import type { MqttBus } from '../bus/mqtt-bus.js';
import { RequestRouter, type RequestHandler } from '../bus/request-router.js';
import type { Clock } from '../core/clock.js';
import type { SimulatorHandle } from '../core/driver.js';
import type { Logger } from '../core/logger.js';
import type { Role } from '../core/roles.js';
import type { Transports } from '../core/transport.js';
import { HealthReporter } from '../health/reporter.js';
import type { Notifier } from '../health/sd-notify.js';
import { Watchdog } from '../health/watchdog.js';
import { createTransports } from '../transports/factory.js';
import type { AccessibleMode } from './accessibility.js';
import type { Assistance } from './assistance.js';
import { bridgeHandlers } from './bridge-ops.js';
import type { KioskConfig } from './config/schema.js';
import { deviceCaller, type DeviceCall } from './device-calls.js';
import { DeviceTable } from './device-table.js';
import type { BackoffPolicy, DeviceRuntime, DeviceSink } from './device-runtime.js';
import { Devices } from './devices.js';
import { MoneyJournal } from './money-journal.js';
import { openLocalBus } from './local-bus.js';
import { Monitoring } from './monitoring.js';
import { Operations } from './operations.js';
import type { KioskServices } from '../services/kiosk-services.js';
import { KioskUnits } from './kiosk-units.js';

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
  private readonly router: RequestHandler;
  private readonly healthReporter: HealthReporter;
  private readonly watchdog: Watchdog;
  private readonly monitoring: Monitoring;
  /** KPIs, end of day, the audit trail and the metrics endpoint. */
  readonly operations: Operations;
  /** UI sessions, availability, checkout, the requires-attention list (src/services). */
  readonly services: KioskServices;
  private readonly table: DeviceTable;
  /** Accessible mode (headset or UI): the session interface for the UI sessions is its set()/reset(). */
  readonly accessible: AccessibleMode;
  /** The assistance path: button, light, alert, technician's acknowledgement. */
  readonly assistance: Assistance;
  /** Accessible mode, assistance and the UI sessions with checkout (src/daemon/kiosk-units.ts). */
  private readonly units: KioskUnits;
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
    this.journal = new MoneyJournal({
      stateDir: config.stateDir, mirrorPath: config.journal.mirrorPath, clock, log: log.child({ component: 'journal' }),
      expectHead: () => this.operations.expectJournalHead(),
      onOpen: (journal, after) => this.operations.journalOpened(journal, after),
    });
    const transports = d.transports ?? createTransports({ clock });
    this.devices = new Devices({
      config, log, clock, transports, sink: this.deviceSink(), journal: this.journal, simDir: d.simDir, backoff: d.backoff,
      timeoutScale: () => this.accessible.timeoutScale(),
    });
    // Units that command devices go through the device table (built below): parsed, logged as kioskd:{unit}.
    const units = new KioskUnits({
      config, clock, log, topics: this.topics, devices: this.devices, journal: this.journal, taps: this.taps,
      out: { publishRetained: (topic, payload) => this.bus?.publishRetained(topic, payload), publishEvent: (topic, payload) => this.bus?.publishEvent(topic, payload) },
      call: (unit): DeviceCall => (device, command, input) => deviceCaller(this.table, unit)(device, command, input),
      evaluate: () => this.monitoring.evaluate(),
    });
    this.units = units;
    ({ accessible: this.accessible, assistance: this.assistance, services: this.services } = units);
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
      log, devices: this.devices, journal: this.journal, operations: () => this.operations,
      info: () => this.info(), health: () => this.healthReporter.publish(), rebirth: () => this.rebirth(),
      accessible: this.accessible, assistance: this.assistance, services: this.services.handlers(),
    });
    const claim = (device: string, command: string, role: Role, session: string | undefined): void => this.services.guard(device, command, role, session);
    this.table = new DeviceTable(this.devices, bridge, config.policy.roles, claim);
    const router = RequestRouter.over(this.table, {
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      limiter: new RequestLimiter(config.mqtt.limits, () => clock.monotonic()),
      onError: (target, err) => {
        if (err.code === 'INTERNAL') log.error({ target, err: err.cause }, 'request failed');
        else log.debug({ target: `${target.scope}/${target.target}/${target.command}`, code: err.code }, 'request refused');
      },
    });
    this.operations = new Operations({
      config, kioskId: this.kioskId, bootId: this.bootId, version: d.version, clock, log,
      kindOf: (name) => this.devices.runtime(name)?.api.kind ?? name,
      devices: () => this.devices.runtimes.map((r) => ({ name: r.name, kind: r.api.kind, enabled: r.enabled })),
      request: (req) => router.handle(req),
      fleetRecord: (kind, body) => this.monitoring.record(kind, body),
      fleetQueued: () => this.monitoring.queued(),
      publishRetained: (topic, payload) => this.bus?.publishRetained(topic, payload),
      kpiTopic: this.topics.bridgeKpi,
    });
    this.router = this.operations.audited(router);
    this.monitoring = new Monitoring({
      config, log, clock, kioskId: this.kioskId, bootId: this.bootId, version: d.version, topics: this.topics, taps: this.taps,
      router: this.router,
      publishRetained: (topic, payload) => this.bus?.publishRetained(topic, payload),
      publishEvent: (topic, payload) => this.bus?.publishEvent(topic, payload),
      info: () => this.info(),
      states: () => this.devices.states(),
      health: () => this.healthReporter.publish(),
      conditions: () => this.assistance.conditions(),
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
    const local = await openLocalBus({
      config, log, kioskId: this.kioskId, topics: this.topics, password: this.d.mqttPassword, simulated: this.devices.simulatedHere,
      handlers: { router: this.router, birth: () => this.birth(), link: (up) => this.taps.forEach((t) => t.link?.(up)) },
      onlinePayload: () => JSON.stringify({ state: 'online', bootId: this.bootId, version: this.d.version, since: this.startedAt }),
    });
    ({ bus: this.bus, broker: this.broker, url: this.brokerUrl, wsUrl: this.brokerWsUrl, protocolVersion: this.protocolVersion } = local);
    // Alerts and the fleet link register their taps before devices start, so no state is missed.
    await this.monitoring.start();
    await this.operations.start();
    this.taps.add(this.operations);
    // Accessible mode and assistance follow GPIO and audio states from the first one.
    this.taps.add(this.accessible.tap);
    this.taps.add(this.assistance.tap);
    this.accessible.start();
    await this.assistance.start();
    if ((config.assistance.button || config.assistance.light) && !this.monitoring.alerting) {
      log.warn('assistance is configured but alerts are off (alerts.enabled): a request reaches the UI and the light, not the fleet');
    }
    // Drivers start while the bus connects; READY waits for both.
    await Promise.all([this.bus.start(), this.devices.start()]);
    // Checkouts a kill -9 interrupted are brought to a known state once the money devices have started.
    await this.services.start();
    await this.healthReporter.start();
    this.watchdog.start();
    this.d.notifier?.ready(`${this.runtimes.length} devices; mqtt ${this.brokerUrl}`);
    log.info({ kioskId: this.kioskId, url: this.brokerUrl, wsUrl: this.brokerWsUrl, devices: this.runtimes.map((r) => `${r.name}:${r.state.status}`) }, 'kioskd started');
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
        this.services.deviceState(device);
        if (lastStatus.get(device) === state.status) return;
        lastStatus.set(device, state.status);
        this.healthReporter.soon();
      },
      event: (device, event, payload, personal) => {
        this.bus?.publishEvent(this.topics.deviceEvent(device, event), JSON.stringify(payload));
        this.taps.forEach((t) => t.event?.(device, event, payload, personal));
        this.services.deviceEvent(device, event, payload);
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
      ...this.operations.birth(),
      ...this.units.birth(),
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
    // Reverse order of start, within one budget, so `offline` goes out well inside systemd's 5 s. The
    // session ends first: cash intake stops and an escrowed note goes back before the drivers stop.
    await this.services.stop(1000);
    await this.devices.stop(3000);
    this.taps.delete(this.operations);
    await this.operations.stop();
    await this.monitoring.stop();
    await this.bus?.stop(JSON.stringify({ state: 'offline', reason: 'shutdown', bootId: this.bootId }));
    await this.devices.stopSimulators();
    await this.journal.close();
    await this.broker?.close();
    this.d.log.info('kioskd stopped');
  }
}
