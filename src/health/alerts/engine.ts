/**
 * The alert engine: a daemon tap that tracks device states and health, evaluates the rules on every
 * change and every `evaluateSec` (for durations and the clock), and reports each raised or cleared alert
 * together with the new active set. It publishes nothing itself; the daemon wires `onChange`.
 */
import type { ActiveAlerts, Alert, AlertEvent } from '../../api/alerts.js';
import type { DeviceStateMessage, Health } from '../../api/envelope.js';
import type { Clock, Timer } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { AlertsConfig } from './config.js';
import { evaluateRules, type Condition, type TrackedState } from './rules.js';

export interface AlertEngineOptions {
  config: AlertsConfig;
  kioskId: string;
  clock: Clock;
  log: Logger;
  /** Called once per raised/cleared alert, with the active set after the change. */
  onChange(event: AlertEvent, active: ActiveAlerts): void;
  /** null when unknown; see clock-sync.ts. */
  clockSynced(): Promise<boolean | null>;
  /** Records waiting in the fleet queue; null without a fleet link. */
  fleetBacklog?(): number | null;
}

export class AlertEngine {
  private readonly devices = new Map<string, TrackedState>();
  private readonly activeById = new Map<string, Alert>();
  private lastHealth: Health | undefined;
  private synced: boolean | null = null;
  private timer: Timer | undefined;

  constructor(private readonly o: AlertEngineOptions) {}

  /** Daemon tap: a device's state changed. */
  state(device: string, state: DeviceStateMessage): void {
    const before = this.devices.get(device);
    const down = state.status === 'offline' || state.status === 'fault';
    const downSinceMs = down ? (before?.downSinceMs ?? this.o.clock.monotonic()) : undefined;
    this.devices.set(device, { state, ...(downSinceMs !== undefined ? { downSinceMs } : {}) });
    this.evaluate();
  }

  /** Daemon tap: a health snapshot was published. */
  health(health: Health): void {
    this.lastHealth = health;
    this.evaluate();
  }

  start(): void {
    const tick = async (): Promise<void> => {
      this.synced = await this.o.clockSynced();
      this.evaluate();
    };
    void tick();
    this.timer = this.o.clock.setInterval(() => void tick(), this.o.config.evaluateSec * 1000).unref();
  }

  stop(): void {
    this.timer?.cancel();
  }

  active(): ActiveAlerts {
    return { kioskId: this.o.kioskId, at: this.o.clock.iso(), alerts: [...this.activeById.values()] };
  }

  /** Re-run the rules now; raises and clears what changed. */
  evaluate(): void {
    const conditions = evaluateRules(
      {
        devices: this.devices,
        health: this.lastHealth,
        clockSynced: this.synced,
        fleetBacklog: this.o.fleetBacklog?.() ?? null,
        nowMs: this.o.clock.monotonic(),
      },
      this.o.config,
    );
    const now = new Map(conditions.map((c) => [c.id, c]));
    for (const [id, alert] of this.activeById) {
      const c = now.get(id);
      if (!c || c.severity !== alert.severity) this.clear(alert);
    }
    for (const c of conditions) if (!this.activeById.has(c.id)) this.raise(c);
  }

  private raise(c: Condition): void {
    const at = this.o.clock.iso();
    const alert: Alert = { ...c, since: at };
    this.activeById.set(c.id, alert);
    const log = c.severity === 'critical' ? this.o.log.error.bind(this.o.log) : this.o.log.warn.bind(this.o.log);
    log({ code: c.code, alert: c.id, severity: c.severity, ...this.deviceField(c.subject) }, `alert raised: ${c.message}`);
    this.o.onChange({ action: 'raised', alert, at }, this.active());
  }

  /** `device` in the log line when the alert is about a device, so journalctl output filters by it. */
  private deviceField(subject: string | undefined): { device?: string; subject?: string } {
    if (subject === undefined) return {};
    return this.devices.has(subject) ? { device: subject } : { subject };
  }

  private clear(alert: Alert): void {
    this.activeById.delete(alert.id);
    this.o.log.info({ code: alert.code, alert: alert.id, ...this.deviceField(alert.subject) }, 'alert cleared');
    this.o.onChange({ action: 'cleared', alert, at: this.o.clock.iso() }, this.active());
  }
}
