/**
 * The assistance path, a kiosk-level unit (issue 19 item 5). A press of the assistance button (a GPIO
 * input going active) or the UI's `assistance-request` asks for a person:
 *
 * - the request is latched until a technician acknowledges it — pressing again only counts presses, so
 *   a person pressing ten times raises one alert, not ten;
 * - the alert `ASSISTANCE_REQUESTED` (critical) is held while it waits, so it goes to the fleet the way
 *   every alert does (src/daemon/monitoring.ts -> fleet link) and clears on the acknowledgement;
 * - a local event (`{base}/bridge/event/assistance`) and retained state (`{base}/bridge/assistance`) tell
 *   the UI, which can say "help is on its way";
 * - the assistance light (a GPIO output) is on while it waits, and again after a GPIO restart;
 * - the pending request survives a daemon restart (`{stateDir}/assistance.json`, replaced by rename):
 *   a person still waiting is not forgotten because the daemon restarted.
 *
 * A technician acknowledges with `assistance-ack` on the technician namespace (or the fleet, when its
 * remote operations allow it): logged as an `audit:` line with who, from which client and role, and how
 * long the person waited. The UI role is refused (ROLE_FORBIDDEN) by the router before this runs.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeviceStateMessage } from '../api/envelope.js';
import { assistanceStateSchema, type AssistanceState } from '../api/kiosk.js';
import type { DaemonTap } from '../api/tap.js';
import type { Topics } from '../api/topics.js';
import type { Clock } from '../core/clock.js';
import type { CommandContext } from '../core/driver.js';
import { toKioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Condition } from '../health/alerts/rules.js';
import type { AssistanceConfig } from './config/accessibility.js';
import type { DeviceCall } from './device-calls.js';

export interface AssistanceHost {
  config: AssistanceConfig;
  clock: Clock;
  log: Logger;
  topics: Pick<Topics, 'bridgeAssistance' | 'bridgeAssistanceEvent'>;
  publishRetained(topic: string, payload: string): void;
  publishEvent(topic: string, payload: string): void;
  /** Commands to the GPIO device (the light). */
  call: DeviceCall;
  /** The configured GPIO device's name, when there is one. */
  gpio: string | undefined;
  /** Re-run the alert rules (our condition changed). */
  evaluate(): void;
  /** `{stateDir}/assistance.json`. */
  file: string;
}

const RUNNING = new Set(['ready', 'busy']);
const NONE: AssistanceState = { requested: false, since: null, via: null, presses: 0, lastAck: null };

export class Assistance {
  private s: AssistanceState = NONE;
  private button: boolean | null = null;
  private gpioUp = false;
  private chain: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();

  readonly tap: DaemonTap = { state: (device, state) => this.onDeviceState(device, state) };

  constructor(private readonly h: AssistanceHost) {}

  get state(): AssistanceState {
    return this.s;
  }

  /** Load a request still pending from before a restart; publish the state. */
  async start(): Promise<void> {
    try {
      this.s = assistanceStateSchema.parse(JSON.parse(await readFile(this.h.file, 'utf8')));
      if (this.s.requested) this.h.log.warn({ since: this.s.since, presses: this.s.presses }, 'assistance request still pending from before the restart');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.h.log.warn({ err: (err as Error).message }, 'assistance state unreadable; starting with none pending');
    }
    this.publish();
    this.h.evaluate();
  }

  /** The alert condition while a request waits (fed to the alert engine). */
  conditions(): Condition[] {
    if (!this.s.requested) return [];
    const how = this.s.via === 'button' ? 'pressed the assistance button' : 'asked for assistance on the screen';
    const message = `A person at the kiosk ${how} (${this.s.presses}x since ${this.s.since}): go to the kiosk, then acknowledge (technician/bridge/request/assistance-ack)`;
    return [{ id: 'ASSISTANCE_REQUESTED', code: 'ASSISTANCE_REQUESTED', severity: 'critical', subject: 'assistance', message, value: this.s.presses }];
  }

  /** A person asks for help (the button, or the UI's `assistance-request`). */
  async request(via: 'button' | 'ui'): Promise<AssistanceState> {
    const at = this.h.clock.iso();
    const again = this.s.requested;
    this.s = again ? { ...this.s, presses: this.s.presses + 1 } : { requested: true, since: at, via, presses: 1, lastAck: this.s.lastAck };
    this.h.log.warn({ via, presses: this.s.presses }, again ? 'assistance requested again' : 'assistance requested');
    this.h.publishEvent(this.h.topics.bridgeAssistanceEvent, JSON.stringify({ action: again ? 'pressed-again' : 'requested', via, at }));
    this.publish();
    // Only a new request is written to the SD card: a page (or a finger) pressing again and again must
    // not turn into a write per press; the count is for the people, and a restart may forget it.
    if (again) return this.s;
    this.h.evaluate();
    void this.light(true);
    await this.save();
    return this.s;
  }

  /** A technician (or the fleet) acknowledges: audited; the alert clears, the light goes off. */
  async acknowledge(technician: string, ctx: Pick<CommandContext, 'requester' | 'role'>): Promise<AssistanceState & { acknowledged: boolean }> {
    if (!this.s.requested) {
      this.h.log.info({ technician, requester: ctx.requester, role: ctx.role }, 'assistance acknowledged with nothing pending');
      return { ...this.s, acknowledged: false };
    }
    const at = this.h.clock.iso();
    const waitedSec = Math.max(0, Math.round((Date.parse(at) - Date.parse(this.s.since ?? at)) / 1000));
    this.h.log.info({ technician, requester: ctx.requester, role: ctx.role, via: this.s.via, presses: this.s.presses, waitedSec }, 'audit: assistance acknowledged');
    this.s = { ...NONE, lastAck: { technician, at, waitedSec } };
    this.h.publishEvent(this.h.topics.bridgeAssistanceEvent, JSON.stringify({ action: 'acknowledged', via: ctx.role === 'fleet' ? 'fleet' : 'technician', at, technician }));
    this.publish();
    this.h.evaluate();
    void this.light(false);
    await this.save();
    return { ...this.s, acknowledged: true };
  }

  birth(): Array<{ topic: string; payload: string }> {
    return [{ topic: this.h.topics.bridgeAssistance, payload: JSON.stringify(this.s) }];
  }

  /** Resolves when the light commands and state writes queued so far are done. */
  async settled(): Promise<void> {
    await Promise.all([this.chain, this.saving]);
  }

  private publish(): void {
    this.h.publishRetained(this.h.topics.bridgeAssistance, JSON.stringify(this.s));
  }

  private onDeviceState(device: string, state: DeviceStateMessage): void {
    if (device !== this.h.gpio) return;
    const up = RUNNING.has(state.status);
    // The GPIO driver sets every output to its safe value when it (re)starts: light it again.
    if (up && !this.gpioUp && this.s.requested) void this.light(true);
    this.gpioUp = up;
    const line = this.h.config.button;
    const level = line && up ? (state.detail.inputs as Record<string, unknown> | undefined)?.[line] : undefined;
    if (typeof level !== 'boolean') return;
    const pressed = this.button === false && level;
    this.button = level;
    if (pressed) void this.request('button');
  }

  private light(on: boolean): Promise<void> {
    const { light } = this.h.config;
    const gpio = this.h.gpio;
    if (!light || !gpio) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        await this.h.call(gpio, 'set', { line: light, value: on });
      } catch (err) {
        this.h.log.warn({ code: toKioskError(err).code, line: light, on }, 'could not set the assistance light');
      }
    });
    return this.chain;
  }

  /** Saves run one at a time (one temporary file), each writing the state as it is then. */
  private save(): Promise<void> {
    const tmp = `${this.h.file}.tmp`;
    this.saving = this.saving.then(async () => {
      try {
        await mkdir(dirname(this.h.file), { recursive: true });
        await writeFile(tmp, JSON.stringify(this.s));
        await rename(tmp, this.h.file);
      } catch (err) {
        this.h.log.warn({ err: (err as Error).message }, 'could not save the assistance state');
      }
    });
    return this.saving;
  }
}
