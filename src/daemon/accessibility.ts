/**
 * Accessible mode, a kiosk-level unit (issue 19 item 4, issue 16 item 6). On while a headset is plugged
 * into the speech jack (the headset-sense GPIO input) or while the UI asks for it; off when the headset is
 * unplugged, on request, and at the end of a session (`reset`). While on:
 *
 * - person-facing timeouts of the money flows are multiplied by `accessibility.timeoutScale`
 *   ({@link AccessibleMode.timeoutScale}, handed to every driver as DriverDeps.timeoutScale);
 * - the audio device speaks at the accessible rate and volume (`accessibility.audio`), applied again
 *   whenever the audio device (re)starts; going off or a reset sends audio `reset` (stop, forget the last
 *   utterance, defaults back): speech meant for a headset must not go on through a speaker.
 *
 * State is retained at `{base}/bridge/accessible`, each change of `on` or the language is an event at
 * `{base}/bridge/event/accessible` (src/api/kiosk.ts).
 *
 * **For the UI session (issue 16)**: a session calls {@link AccessibleMode.set} with
 * `{ on?, language?, source: 'session' }` when it opens or the citizen changes them, and
 * {@link AccessibleMode.reset} when it ends (closed, timed out, its client gone). Both resolve once the
 * audio device has been told. A UI without sessions uses the `accessible` and `accessible-reset` bridge
 * operations, which call the same two methods.
 *
 * Edges, not levels: a reset leaves a headset that is still plugged in alone (the next person did not
 * plug it); plugging it in again turns the mode on. At daemon start a headset already plugged in does
 * turn it on (a restart in the middle of a session).
 */
import type { DeviceStateMessage } from '../api/envelope.js';
import { sessionLanguageSchema, type AccessibleSource, type AccessibleState } from '../api/kiosk.js';
import type { DaemonTap } from '../api/tap.js';
import type { Topics } from '../api/topics.js';
import type { Clock } from '../core/clock.js';
import { KioskError, toKioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AccessibilityConfig } from './config/accessibility.js';
import type { DeviceCall } from './device-calls.js';

export interface AccessibleModeHost {
  config: AccessibilityConfig;
  clock: Clock;
  log: Logger;
  topics: Pick<Topics, 'bridgeAccessible' | 'bridgeAccessibleEvent'>;
  publishRetained(topic: string, payload: string): void;
  publishEvent(topic: string, payload: string): void;
  /** Commands to the audio device (src/daemon/device-calls.ts). */
  call: DeviceCall;
  /** The configured device names: accessible mode drives `audio` only when one is configured. */
  devices: { gpio: string | undefined; audio: string | undefined };
}

/** What a session or the UI changes; absent fields stay as they are. */
export interface AccessibleChange {
  on?: boolean | undefined;
  /** The screen's language tag (ar, en, es, fr, de, ru, zh, with a region or script allowed). */
  language?: string | undefined;
  source: Extract<AccessibleSource, 'ui' | 'session'>;
}

const RUNNING = new Set(['ready', 'busy']);

export class AccessibleMode {
  private on = false;
  private source: AccessibleSource = 'start';
  private language: string | null = null;
  private headset: boolean | null = null;
  private since: string;
  private audioUp = false;
  /** Audio commands run one after another, in the order the changes happened. */
  private chain: Promise<void> = Promise.resolve();

  /** Feed it every device state (the daemon registers it with its taps). */
  readonly tap: DaemonTap = { state: (device, state) => this.onDeviceState(device, state) };

  constructor(private readonly h: AccessibleModeHost) {
    this.since = h.clock.iso();
  }

  get state(): AccessibleState {
    return { on: this.on, source: this.source, language: this.language, headset: this.headset, timeoutScale: this.timeoutScale(), since: this.since };
  }

  /** Factor for person-facing timeouts now: `accessibility.timeoutScale` while on, else 1. */
  timeoutScale(): number {
    return this.on ? this.h.config.timeoutScale : 1;
  }

  /** Turn the mode on/off and/or set the session language; resolves once the audio device has been told. */
  async set(change: AccessibleChange): Promise<AccessibleState> {
    const checked = change.language === undefined ? undefined : sessionLanguageSchema.safeParse(change.language);
    if (checked && !checked.success) throw new KioskError('INVALID_PAYLOAD', `language: ${checked.error.issues[0]?.message ?? 'not a language kioskd speaks'}`);
    const language = change.language ?? this.language;
    const on = change.on ?? this.on;
    if (on === this.on && language === this.language) return this.state;
    this.update(on, change.on !== undefined && on !== this.on ? change.source : this.source, language);
    await this.chain;
    return this.state;
  }

  /** End of a session: off, language forgotten, audio reset to its defaults (also when already off). */
  async reset(): Promise<AccessibleState> {
    if (this.on || this.language !== null) this.update(false, 'reset', null);
    else await this.audio('reset');
    await this.chain;
    return this.state;
  }

  /** Retained message for the local birth. */
  birth(): Array<{ topic: string; payload: string }> {
    return [{ topic: this.h.topics.bridgeAccessible, payload: JSON.stringify(this.state) }];
  }

  /** Publish the first state (before devices start, so the UI sees `on: false` rather than nothing). */
  start(): void {
    this.h.publishRetained(this.h.topics.bridgeAccessible, JSON.stringify(this.state));
  }

  /** Resolves when every audio command queued so far has been answered (tests, stop). */
  settled(): Promise<void> {
    return this.chain;
  }

  private update(on: boolean, source: AccessibleSource, language: string | null): void {
    const switched = on !== this.on;
    this.on = on;
    this.language = language;
    if (switched) {
      this.source = source;
      this.since = this.h.clock.iso();
      this.h.log.info({ on, source, timeoutScale: this.timeoutScale() }, on ? 'accessible mode on' : 'accessible mode off');
      void this.audio(on ? 'accessible' : 'reset');
    }
    const at = this.h.clock.iso();
    this.h.publishRetained(this.h.topics.bridgeAccessible, JSON.stringify(this.state));
    this.h.publishEvent(this.h.topics.bridgeAccessibleEvent, JSON.stringify({ on, source: this.source, language, at }));
  }

  private onDeviceState(device: string, state: DeviceStateMessage): void {
    if (device === this.h.devices.audio) {
      const up = RUNNING.has(state.status);
      // An audio device that (re)started has its own defaults again: re-apply the accessible ones.
      if (up && !this.audioUp && this.on) void this.audio('accessible');
      this.audioUp = up;
    }
    const input = this.h.config.headset?.input;
    if (device !== this.h.devices.gpio || !input || !RUNNING.has(state.status)) return;
    const inputs = state.detail.inputs as Record<string, unknown> | undefined;
    const level = inputs?.[input];
    if (typeof level !== 'boolean') return;
    const plugged = this.h.config.headset?.pluggedWhen === 'inactive' ? !level : level;
    if (plugged === this.headset) return;
    const first = this.headset === null;
    this.headset = plugged;
    this.h.log.info({ plugged }, first ? 'headset sense read' : plugged ? 'headset plugged in' : 'headset unplugged');
    if (plugged) this.update(true, first ? 'start' : 'headset', this.language);
    else if (this.on) this.update(false, 'headset', this.language);
    else this.h.publishRetained(this.h.topics.bridgeAccessible, JSON.stringify(this.state));
  }

  /** Queue the audio commands for a mode change; a missing or stopped audio device is logged, not fatal. */
  private audio(what: 'accessible' | 'reset'): Promise<void> {
    const device = this.h.devices.audio;
    if (!device) return this.chain;
    const { rate, volumeLevel } = this.h.config.audio;
    const step = async (): Promise<void> => {
      try {
        if (what === 'reset') {
          await this.h.call(device, 'reset', {});
          return;
        }
        await this.h.call(device, 'rate', { rate });
        if (volumeLevel !== undefined) await this.h.call(device, 'volume', { level: volumeLevel });
      } catch (err) {
        const e = toKioskError(err);
        // DEVICE_UNAVAILABLE while audio starts: applied when it comes up (onDeviceState).
        this.h.log.warn({ code: e.code, what }, 'could not set the audio device for accessible mode');
      }
    };
    this.chain = this.chain.then(step);
    return this.chain;
  }
}
