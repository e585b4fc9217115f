/**
 * The kiosk-level units that serve the person at the kiosk rather than one device: accessible mode
 * (headset or UI), the assistance path, and the UI sessions with checkout, availability and the
 * requires-attention list (src/services). Built here, wired to each other (the session carries
 * language and accessible mode to the accessibility unit and resets it when it ends), and handed to
 * the daemon, which starts, stops and routes to them.
 */
import { join } from 'node:path';
import type { AttentionList } from '../api/checkout.js';
import type { DaemonTap } from '../api/tap.js';
import type { Topics } from '../api/topics.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { KioskServices } from '../services/kiosk-services.js';
import type { SessionObserver } from '../services/sessions.js';
import { AccessibleMode } from './accessibility.js';
import { Assistance } from './assistance.js';
import type { KioskConfig } from './config/schema.js';
import type { DeviceCall } from './device-calls.js';
import type { Devices } from './devices.js';
import type { MoneyJournal } from './money-journal.js';
import { servicesPort } from './services-port.js';

/** Where the units publish: the local bus once it exists (messages before it are dropped, as the daemon's own). */
export interface UnitOutlet {
  publishRetained(topic: string, payload: string): void;
  publishEvent(topic: string, payload: string): void;
}

export interface KioskUnitsDeps {
  config: KioskConfig;
  clock: Clock;
  log: Logger;
  topics: Topics;
  devices: Devices;
  journal: MoneyJournal;
  out: UnitOutlet;
  taps: ReadonlySet<DaemonTap>;
  /** A device caller for a unit (through the device table: parsed, logged as kioskd:{unit}). */
  call(unit: string): DeviceCall;
  /** Re-evaluate the alert rules (the assistance request is an alert condition). */
  evaluate(): void;
}

export class KioskUnits {
  readonly accessible: AccessibleMode;
  readonly assistance: Assistance;
  readonly services: KioskServices;
  private readonly retained: Record<'availability' | 'attention' | 'session', string>;

  constructor(d: KioskUnitsDeps) {
    const { config, clock, log, topics, out } = d;
    const configured = (name: string): string | undefined => (d.devices.runtime(name) ? name : undefined);
    const publishRetained = (topic: string, payload: string): void => out.publishRetained(topic, payload);
    const publishEvent = (topic: string, payload: string): void => out.publishEvent(topic, payload);
    this.retained = { availability: topics.bridgeAvailability, attention: topics.bridgeAttention, session: topics.bridgeSession };
    this.accessible = new AccessibleMode({
      config: config.accessibility, clock, log: log.child({ component: 'accessibility' }), topics, publishRetained, publishEvent,
      call: d.call('accessibility'),
      devices: { gpio: configured('gpio'), audio: configured('audio') },
    });
    this.assistance = new Assistance({
      config: config.assistance, clock, log: log.child({ component: 'assistance' }), topics, publishRetained, publishEvent,
      call: d.call('assistance'),
      gpio: configured('gpio'),
      evaluate: () => d.evaluate(),
      file: join(config.stateDir, 'assistance.json'),
    });
    this.services = new KioskServices({
      clock, log: log.child({ component: 'services' }), catalogue: config.services, session: config.session, cashTimeoutMs: config.checkout.cashTimeoutMs,
      journal: () => d.journal.open(), devices: servicesPort(d.devices),
      publish: (topic, payload) => {
        out.publishRetained(this.retained[topic], JSON.stringify(payload));
        if (topic === 'attention') d.taps.forEach((t) => t.attention?.(payload as AttentionList));
      },
      event: (name, payload) => out.publishEvent(topics.bridgeEvent(name), JSON.stringify(payload)),
    });
    // The session carries language and accessible mode to the accessibility unit, and resets it when it ends.
    const follow: NonNullable<SessionObserver['opened']> = (s) =>
      void this.accessible.set({ on: s.accessible, language: s.language, source: 'session' }).catch(() => undefined);
    this.services.observe({ opened: follow, updated: follow, ended: () => void this.accessible.reset().catch(() => undefined) });
  }

  /** Everything retained the units own (after bridge/state online, at each (re)connect). */
  birth(): Array<{ topic: string; payload: string }> {
    return [
      ...this.accessible.birth(),
      ...this.assistance.birth(),
      ...this.services.birth().map((m) => ({ topic: this.retained[m.topic], payload: JSON.stringify(m.payload) })),
    ];
  }
}
