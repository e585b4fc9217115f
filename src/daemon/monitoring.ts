/**
 * Alerts and the fleet link, as one unit the composition root starts and stops. Both are daemon taps;
 * the alert engine publishes the active set (retained) and alert events on the local bus and hands each
 * change to the fleet link. A unit that fails to start is logged and the daemon keeps running.
 */
import { networkInterfaces } from 'node:os';
import type { z } from 'zod';
import type { ActiveAlerts, AlertEvent, fleetLinkStatusSchema } from '../api/alerts.js';
import type { BridgeInfo, DeviceStateMessage, Health, ResponseEnvelope } from '../api/envelope.js';
import type { DaemonTap } from '../api/tap.js';
import type { Topics } from '../api/topics.js';
import type { RequestHandler } from '../bus/request-router.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { FleetLink } from '../fleet/link.js';
import { makeRemoteOperate } from '../fleet/remote-ops.js';
import { clockSynced } from '../health/alerts/clock-sync.js';
import { AlertEngine } from '../health/alerts/engine.js';
import type { Condition } from '../health/alerts/rules.js';
import type { KioskConfig } from './config/schema.js';

export interface MonitoringHost {
  config: KioskConfig;
  kioskId: string;
  bootId: string;
  version: string;
  clock: Clock;
  log: Logger;
  /** The local bus's alert and fleet-status topics. */
  topics: Pick<Topics, 'bridgeAlerts' | 'bridgeAlertEvent' | 'bridgeFleet'>;
  taps: Set<DaemonTap>;
  publishRetained(topic: string, payload: string): void;
  publishEvent(topic: string, payload: string): void;
  /** The daemon's request router: remote operations arrive as `fleet` requests, like any other. */
  router: RequestHandler;
  info(): BridgeInfo;
  states(): Record<string, DeviceStateMessage>;
  health(): Promise<Health>;
  /** Conditions held by kiosk-level units (a pending assistance request), raised as alerts with the rules'. */
  conditions?(): Condition[];
}

/** `{base}/bridge/fleet`, retained: the fleet link as the technician sees it (kioskd status). */
export type FleetLinkStatus = z.infer<typeof fleetLinkStatusSchema>;

function addresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addrs]) =>
    (addrs ?? []).filter((a) => !a.internal && a.family === 'IPv4').map((a) => `${name} ${a.address}`),
  );
}

export class Monitoring {
  private engine: AlertEngine | undefined;
  private fleet: FleetLink | undefined;
  private active: ActiveAlerts | undefined;
  private fleetStatus: FleetLinkStatus | undefined;
  private statusTap: DaemonTap | undefined;

  constructor(private readonly h: MonitoringHost) {}

  /** Register the taps (before devices start, so no state is missed) and start both units. */
  async start(): Promise<void> {
    const { config, log } = this.h;
    if (config.fleet.enabled) {
      const fleet = new FleetLink({
        config: config.fleet,
        kioskId: this.h.kioskId,
        bootId: this.h.bootId,
        version: this.h.version,
        stateDir: config.stateDir,
        clock: this.h.clock,
        log: log.child({ component: 'fleet' }),
        info: () => this.h.info(),
        onLink: (connected) => this.publishFleetStatus(fleet, connected ? 'up' : 'down'),
        operate: makeRemoteOperate({
          request: (scope, target, command, input, requester) => this.request(scope, target, command, input, requester),
          info: () => this.h.info(),
          states: () => this.h.states(),
          health: () => this.h.health(),
          alerts: () => this.active,
          addresses,
          now: () => new Date(this.h.clock.now()),
        }),
      });
      try {
        await fleet.start();
        this.fleet = fleet;
        this.h.taps.add(fleet);
        // The queue length in bridge/fleet follows the health cadence (unchanged payloads are not republished).
        this.statusTap = { health: () => this.publishFleetStatus(fleet, 'same') };
        this.h.taps.add(this.statusTap);
      } catch (err) {
        log.error({ component: 'fleet', err }, 'fleet link failed to start; the kiosk runs without it');
      }
    }
    if (config.alerts.enabled) {
      const topics = this.h.topics;
      this.engine = new AlertEngine({
        config: config.alerts,
        kioskId: this.h.kioskId,
        clock: this.h.clock,
        log: log.child({ component: 'alerts' }),
        clockSynced: () => clockSynced(config.alerts.clockSyncFile),
        fleetBacklog: () => (this.fleet ? this.fleet.backlog() : null),
        conditions: () => this.h.conditions?.() ?? [],
        onChange: (event: AlertEvent, active: ActiveAlerts) => {
          this.active = active;
          this.h.publishRetained(topics.bridgeAlerts, JSON.stringify(active));
          this.h.publishEvent(topics.bridgeAlertEvent, JSON.stringify(event));
          this.fleet?.alert(event, active);
        },
      });
      this.active = this.engine.active();
      this.h.taps.add(this.engine);
      this.engine.start();
    }
  }

  /** Whether alerts are on (a unit whose conditions should reach the fleet can say so when not). */
  get alerting(): boolean {
    return this.engine !== undefined;
  }

  /** Re-evaluate the alert rules now (a unit's conditions changed). */
  evaluate(): void {
    this.engine?.evaluate();
  }

  private request(scope: 'bridge' | 'device', target: string, command: string, input: unknown, requester: string): Promise<ResponseEnvelope> {
    const payload = Buffer.from(JSON.stringify(input ?? {}));
    return this.h.router.handle({ target: { scope, target, command }, payload, retain: false, requester, role: 'fleet' });
  }

  private publishFleetStatus(fleet: FleetLink, link: 'up' | 'down' | 'same'): void {
    const connected = link === 'same' ? (this.fleetStatus?.connected ?? false) : link === 'up';
    const since = link === 'same' && this.fleetStatus ? this.fleetStatus.since : this.h.clock.iso();
    this.fleetStatus = { connected, url: this.h.config.fleet.url, base: fleet.topics.base, queued: fleet.backlog(), since };
    this.h.publishRetained(this.h.topics.bridgeFleet, JSON.stringify(this.fleetStatus));
  }

  /** Retained messages for the local birth (the active alert set). */
  birth(): Array<{ topic: string; payload: string }> {
    const out: Array<{ topic: string; payload: string }> = [];
    if (this.engine) out.push({ topic: this.h.topics.bridgeAlerts, payload: JSON.stringify(this.active ?? this.engine.active()) });
    if (this.fleetStatus) out.push({ topic: this.h.topics.bridgeFleet, payload: JSON.stringify(this.fleetStatus) });
    return out;
  }

  async stop(): Promise<void> {
    this.engine?.stop();
    if (this.engine) this.h.taps.delete(this.engine);
    if (this.fleet) this.h.taps.delete(this.fleet);
    if (this.statusTap) this.h.taps.delete(this.statusTap);
    await this.fleet?.stop();
  }
}
