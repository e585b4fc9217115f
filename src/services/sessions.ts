/**
 * UI sessions: one at a time, opened by a UI client with a token only it knows, bound to that client's
 * life. While a session is open it claims the money devices and the scanner: a UI request to one of
 * them that does not carry the session's token is refused CLAIMED_BY_OTHER (reads — `status`,
 * `transaction` — stay open; the technician's namespace is never claimed).
 *
 * A session ends when its client closes it, when its client vanishes (the client library's last will
 * publishes `session-close {reason: vanished}` the moment the broker loses the connection; and without
 * a `session-keepalive` for `livenessMs` it is taken as vanished too), or after `timeoutMs` without a
 * request (a `warning` event `warningMs` before). Accessible mode multiplies the timeout. While a
 * checkout runs the inactivity timer is held (the money flow has its own timeouts). Whatever ends it,
 * `onEnd` runs first (stop money intake, return escrow, suspend the checkout), then the observers
 * (the accessibility unit resets there).
 *
 * Timers run on the injected Clock. No token is ever logged or published: only its SHA-256 is kept.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { CLAIMED_DEVICES, type SessionEvent, type SessionInfo, type SessionState } from '../api/session.js';
import type { KioskLanguage } from '../api/catalogue.js';
import type { Clock, Timer } from '../core/clock.js';
import { KioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Role } from '../core/roles.js';

export type SessionEndReason = 'closed' | 'vanished' | 'timeout' | 'shutdown';

export interface SessionConfig {
  timeoutMs: number;
  warningMs: number;
  keepaliveMs: number;
  livenessMs: number;
  /** Accessible mode: the timeout (and the money flow's timeouts) are multiplied by this. */
  accessibleFactor: number;
}

/**
 * What other units may hook onto a session (the accessibility unit of issue 19b: `ended` is where it
 * resets audio and timeouts; `opened`/`updated` carry `language` and `accessible`). Never throws into us.
 */
export interface SessionObserver {
  opened?(session: SessionInfo): void;
  updated?(session: SessionInfo): void;
  ended?(session: SessionInfo, reason: SessionEndReason): void;
}

export interface SessionsOptions {
  clock: Clock;
  log: Logger;
  config: SessionConfig;
  publishState(state: SessionState): void;
  publishEvent(event: SessionEvent): void;
  /** Runs when a session ends, before the observers: stop taking money, return escrow, suspend the checkout. */
  onEnd(session: SessionInfo, reason: SessionEndReason): Promise<void>;
}

/** Commands of a claimed device that anyone may still run. */
const READS = new Set(['status', 'transaction']);
const CLAIMED = new Set<string>(CLAIMED_DEVICES);

interface Active {
  info: SessionInfo;
  hash: Buffer;
  idle: Timer | undefined;
  warn: Timer | undefined;
  alive: Timer | undefined;
  held: number;
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class Sessions {
  private active: Active | undefined;
  private last: SessionState['last'] = null;
  private readonly observers = new Set<SessionObserver>();

  constructor(private readonly o: SessionsOptions) {}

  /** Register an observer (returns the unregister function). */
  observe(observer: SessionObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  get current(): SessionInfo | undefined {
    return this.active?.info;
  }

  state(): SessionState {
    const a = this.active?.info;
    return { active: a ? { sessionId: a.sessionId, language: a.language, accessible: a.accessible, openedAt: a.openedAt, timeoutMs: a.timeoutMs } : null, last: this.last };
  }

  /** Whether `token` is the open session's. */
  holds(token: string | undefined): boolean {
    const a = this.active;
    return a !== undefined && token !== undefined && timingSafeEqual(hashOf(token), a.hash);
  }

  open(token: string, language: KioskLanguage, accessible: boolean): SessionInfo {
    if (this.active) {
      if (!this.holds(token)) throw new KioskError('CLAIMED_BY_OTHER', 'another UI session is open', { details: { sessionId: this.active.info.sessionId } });
      this.activity();
      return this.active.info;
    }
    const { config } = this.o;
    const info: SessionInfo = {
      sessionId: randomUUID(), language, accessible, openedAt: this.o.clock.iso(),
      timeoutMs: this.timeoutFor(accessible), keepaliveMs: config.keepaliveMs, livenessMs: config.livenessMs,
    };
    this.active = { info, hash: hashOf(token), idle: undefined, warn: undefined, alive: undefined, held: 0 };
    this.o.log.info({ sessionId: info.sessionId, language, accessible }, 'UI session opened');
    this.armIdle();
    this.armAlive();
    this.changed({ type: 'opened', sessionId: info.sessionId, language, accessible });
    this.tell((ob) => ob.opened?.(info));
    return info;
  }

  /** The open session if `token` is its own; else SESSION_REQUIRED (none open) or CLAIMED_BY_OTHER. */
  require(token: string | undefined): SessionInfo {
    const a = this.active;
    if (!a) throw new KioskError('SESSION_REQUIRED', 'no UI session is open: open one with session-open');
    if (!this.holds(token)) throw new KioskError('CLAIMED_BY_OTHER', token === undefined ? 'this request needs the open session\'s token (`session`)' : 'another UI session is open', { details: { sessionId: a.info.sessionId } });
    return a.info;
  }

  /**
   * The claim: a UI request for a claimed device's command (not a read) must carry the open session's
   * token. No session open: the devices are free, as before sessions existed.
   */
  guard(device: string, command: string, role: Role, token: string | undefined): void {
    if (role !== 'ui' || !CLAIMED.has(device) || READS.has(command) || !this.active) return;
    this.require(token);
    this.activity();
  }

  keepalive(token: string | undefined): SessionInfo {
    const info = this.require(token);
    this.armAlive();
    return info;
  }

  update(token: string | undefined, change: { language?: KioskLanguage | undefined; accessible?: boolean | undefined; extend?: boolean | undefined }): SessionInfo {
    const a = this.active;
    const info = this.require(token);
    if (!a) return info;
    const accessible = change.accessible ?? info.accessible;
    a.info = { ...info, language: change.language ?? info.language, accessible, timeoutMs: this.timeoutFor(accessible) };
    this.activity();
    this.changed({ type: 'updated', sessionId: info.sessionId, language: a.info.language, accessible });
    const next = a.info;
    this.tell((ob) => ob.updated?.(next));
    return next;
  }

  async close(token: string | undefined, reason: 'closed' | 'vanished'): Promise<{ sessionId: string; closed: boolean }> {
    const info = this.require(token);
    await this.end(reason);
    return { sessionId: info.sessionId, closed: true };
  }

  /** A request of the session's own: the inactivity timeout starts again. */
  activity(): void {
    if (this.active && this.active.held === 0) this.armIdle();
  }

  /** Hold the inactivity timeout while `work` runs (a checkout taking money). */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    const a = this.active;
    if (a) {
      a.held++;
      a.idle?.cancel();
      a.warn?.cancel();
    }
    try {
      return await work();
    } finally {
      if (a) a.held--;
      if (a && this.active === a && a.held === 0) this.armIdle();
    }
  }

  /** End the open session (if any) for `reason`; resolves once the money devices have been told. */
  async end(reason: SessionEndReason): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.active = undefined;
    for (const t of [a.idle, a.warn, a.alive]) t?.cancel();
    this.last = { sessionId: a.info.sessionId, endedAt: this.o.clock.iso(), reason };
    this.o.log.info({ sessionId: a.info.sessionId, reason }, 'UI session ended');
    try {
      await this.o.onEnd(a.info, reason);
    } catch (err) {
      this.o.log.error({ err, sessionId: a.info.sessionId }, 'ending the session\'s money operations failed');
    }
    this.changed({ type: 'ended', sessionId: a.info.sessionId, reason });
    this.tell((ob) => ob.ended?.(a.info, reason));
  }

  private timeoutFor(accessible: boolean): number {
    const { timeoutMs, accessibleFactor } = this.o.config;
    return Math.round(accessible ? timeoutMs * accessibleFactor : timeoutMs);
  }

  private armIdle(): void {
    const a = this.active;
    if (!a) return;
    a.idle?.cancel();
    a.warn?.cancel();
    const { clock, config } = this.o;
    const warnAt = Math.max(0, a.info.timeoutMs - config.warningMs);
    a.warn = clock.setTimeout(() => this.o.publishEvent({ type: 'warning', sessionId: a.info.sessionId, endsInMs: a.info.timeoutMs - warnAt }), warnAt).unref();
    a.idle = clock.setTimeout(() => void this.endIf(a, 'timeout'), a.info.timeoutMs).unref();
  }

  private armAlive(): void {
    const a = this.active;
    if (!a) return;
    a.alive?.cancel();
    a.alive = this.o.clock.setTimeout(() => void this.endIf(a, 'vanished'), this.o.config.livenessMs).unref();
  }

  private async endIf(a: Active, reason: SessionEndReason): Promise<void> {
    if (this.active === a) await this.end(reason);
  }

  private changed(event: SessionEvent): void {
    this.o.publishEvent(event);
    this.o.publishState(this.state());
  }

  private tell(fn: (ob: SessionObserver) => void): void {
    for (const ob of this.observers) {
      try {
        fn(ob);
      } catch (err) {
        this.o.log.error({ err }, 'session observer threw');
      }
    }
  }
}
