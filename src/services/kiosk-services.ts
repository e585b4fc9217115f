/**
 * The kiosk-level services, one unit: UI sessions that claim the money devices, the service catalogue
 * and its availability, checkout, and the requires-attention list. The composition root builds it with
 * a {@link DevicePort} over the device runtimes, feeds it every device state and event, routes the
 * `session-*`, `checkout-*`, `catalogue`, `availability` and `attention*` bridge operations to
 * `handlers()`, and asks `guard()` before any UI device request (the claim).
 */
import type { Availability, Service } from '../api/catalogue.js';
import type { AttentionList, CheckoutProgress } from '../api/checkout.js';
import { checkoutOps } from '../api/checkout.js';
import type { SessionEvent, SessionInfo, SessionState } from '../api/session.js';
import { sessionOps } from '../api/session.js';
import type { Clock } from '../core/clock.js';
import type { HandlersOf } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/logger.js';
import type { Role } from '../core/roles.js';
import { attentionItems } from './attention.js';
import { computeAvailability, type DeviceView } from './availability.js';
import { recoverCheckouts } from './checkout-recovery.js';
import { Checkouts } from './checkout.js';
import type { DevicePort } from './ports.js';
import { Sessions, type SessionConfig, type SessionObserver } from './sessions.js';

export const serviceOps = { ...sessionOps, ...checkoutOps } as const;
export type ServiceOps = typeof serviceOps;

export interface KioskServicesOptions {
  clock: Clock;
  log: Logger;
  catalogue: readonly Service[];
  session: SessionConfig;
  cashTimeoutMs: number;
  journal(): Promise<Journal>;
  devices: DevicePort;
  publish(topic: 'availability' | 'attention' | 'session', payload: unknown): void;
  event(topic: 'session' | 'checkout', payload: SessionEvent | CheckoutProgress): void;
}

export class KioskServices {
  readonly sessions: Sessions;
  readonly checkouts: Checkouts;
  private availability: Availability | undefined;
  private availabilityJson = '';
  private attentionJson = '';
  private attentionList: AttentionList = { items: [] };
  private recovering: Promise<void> | undefined;
  private recoverAgain = false;
  private started = false;

  constructor(private readonly o: KioskServicesOptions) {
    this.sessions = new Sessions({
      clock: o.clock, log: o.log, config: o.session,
      publishState: (s: SessionState) => {
        o.publish('session', s);
        this.refresh();
      },
      publishEvent: (e) => o.event('session', e),
      onEnd: (s, reason) => this.sessionEnded(s, reason),
    });
    this.checkouts = new Checkouts({
      clock: o.clock, log: o.log, journal: () => o.journal(), devices: o.devices, catalogue: o.catalogue, cashTimeoutMs: o.cashTimeoutMs,
      availability: () => this.computeAvailability(),
      publishProgress: (p) => o.event('checkout', p),
      changed: () => this.refreshAttention(),
    });
  }

  /** Hook for other kiosk-level units (accessibility, KPIs): sessions opened, updated, ended. */
  observe(observer: SessionObserver): () => void {
    return this.sessions.observe(observer);
  }

  /** After the devices' first start: bring interrupted checkouts to a known state. Never throws. */
  async start(): Promise<void> {
    this.started = true;
    this.refresh();
    await this.recover();
  }

  /** End the session (money intake stops, escrow returned) before the devices stop; waits at most `budgetMs`. */
  async stop(budgetMs: number): Promise<void> {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const budget = new Promise<void>((resolve) => (timer = this.o.clock.setTimeout(resolve, budgetMs)));
    const work = (async () => {
      await this.sessions.end('shutdown');
      await this.checkouts.interrupt('shutdown');
      await this.checkouts.settled();
    })();
    await Promise.race([work, budget]);
    timer?.cancel();
  }

  /** The claim: throws CLAIMED_BY_OTHER for another client's money or scan request. */
  guard(device: string, command: string, role: Role, token: string | undefined): void {
    this.sessions.guard(device, command, role, token);
  }

  deviceState(device: string): void {
    if (!this.started) return;
    this.refresh();
    if (['cash', 'card', 'printer'].includes(device)) void this.recover();
  }

  deviceEvent(device: string, event: string, payload: unknown): void {
    this.checkouts.deviceEvent(device, event, payload);
    if (device === 'card' && event === 'recovered') void this.recover();
  }

  /** Retained messages for the bus's birth. */
  birth(): Array<{ topic: 'availability' | 'attention' | 'session'; payload: unknown }> {
    return [
      ...(this.availability ? [{ topic: 'availability' as const, payload: this.availability }] : []),
      { topic: 'attention', payload: this.attentionList },
      { topic: 'session', payload: this.sessions.state() },
    ];
  }

  handlers(): HandlersOf<ServiceOps> {
    const s = this.sessions;
    const c = this.checkouts;
    return {
      'session-open': async (i) => s.open(i.token, i.language, i.accessible),
      'session-keepalive': async (_i, ctx) => ({ sessionId: s.keepalive(ctx.session).sessionId }),
      'session-update': async (i, ctx) => s.update(ctx.session, i),
      'session-close': async (i, ctx) => s.close(ctx.session, i.reason),
      catalogue: async () => ({ services: [...this.o.catalogue] }),
      availability: async () => this.availability ?? { ...this.computeAvailability(), since: this.o.clock.iso() },
      'checkout-start': async (i, ctx) => {
        const session = s.require(ctx.session);
        s.activity();
        const service = c.service(i.service);
        const existing = (await c.journal(), c.ledger.get(i.idempotencyKey));
        const amount = existing ? existing.params.amount : c.validate(service, i.method, i.amount);
        return s.holding(() => c.start({
          idempotencyKey: i.idempotencyKey, service: service.id, amount, currency: service.currency, method: i.method, cashAmount: i.cashAmount,
          reference: i.reference, language: i.language ?? session.language, transaction: ctx.transaction,
          // An accessible session turns AccessibleMode on, and the cash driver scales its own timeout by it
          // (DriverDeps.timeoutScale): scaling here too would stretch it twice.
          timeoutFactor: 1,
        }));
      },
      'checkout-continue': async (_i, ctx) => {
        s.require(ctx.session);
        const key = await c.interrupt('continue');
        return { idempotencyKey: key ?? '', continued: key !== undefined };
      },
      'checkout-cancel': async (_i, ctx) => {
        s.require(ctx.session);
        const key = await c.interrupt('cancel');
        return { idempotencyKey: key ?? '', cancelled: key !== undefined };
      },
      'checkout-get': async (i) => (await c.journal(), c.get(i)),
      attention: async () => this.attentionList,
      'attention-resolve': async (i, ctx) => this.resolve(i.id, i.technician, i.resolution, ctx.requester),
    };
  }

  private async resolve(id: string, technician: string, resolution: string, requester: string | undefined): Promise<{ id: string; remaining: number }> {
    if (!this.attentionList.items.some((x) => x.id === id)) throw new KioskError('ATTENTION_UNKNOWN', `${id} is not on the list`);
    const [source, ...rest] = id.split(':');
    const key = rest.join(':');
    if (source === 'checkout') await this.checkouts.record('attention.resolved', key, { technician, resolution, ...(requester ? { requester } : {}) });
    else if (source === 'card') await this.o.devices.run('card', 'resolve', { idempotencyKey: key, technician, resolution });
    else await this.o.devices.run('cash', 'settle', { sessionId: key, resolution: 'other', by: technician });
    this.o.log.warn({ id, technician, resolution, requester }, 'audit: requires-attention entry resolved');
    this.refreshAttention();
    return { id, remaining: this.attentionList.items.length };
  }

  private async sessionEnded(_s: SessionInfo, reason: string): Promise<void> {
    // Stop taking money the session's client started, whatever it was doing: a checkout is suspended
    // with what it was paid; a bare cash accept or card sale of the session's is cancelled too.
    const stop = reason === 'shutdown' ? 'shutdown' : 'session';
    const key = await this.checkouts.interrupt(stop);
    if (!key) {
      await this.o.devices.run('cash', 'cancel', {}).catch(() => undefined);
      await this.o.devices.run('card', 'cancel', {}).catch(() => undefined);
    }
    await this.checkouts.settled();
    // The session claimed the scanner: what it armed stops with it (the next citizen's page arms again).
    if (this.o.devices.view('scanner')) await this.o.devices.run('scanner', 'disable', {}).catch(() => undefined);
    this.refresh();
  }

  private recover(): Promise<void> {
    if (this.recovering) {
      this.recoverAgain = true;
      return this.recovering;
    }
    this.recovering = (async () => {
      do {
        this.recoverAgain = false;
        try {
          await recoverCheckouts(this.checkouts);
        } catch (err) {
          this.o.log.warn({ code: (err as { code?: string }).code ?? 'INTERNAL' }, 'checkout recovery could not run yet');
        }
      } while (this.recoverAgain);
      this.recovering = undefined;
      this.refreshAttention();
    })();
    return this.recovering;
  }

  private views(): Record<string, DeviceView | undefined> {
    return Object.fromEntries(['cash', 'card', 'printer', 'scanner', 'audio', 'gpio'].map((d) => [d, this.o.devices.view(d)]));
  }

  private computeAvailability(): Omit<Availability, 'since'> {
    return computeAvailability(this.o.catalogue, this.views(), this.sessions.current !== undefined);
  }

  private refresh(): void {
    const now = this.computeAvailability();
    const json = JSON.stringify(now);
    if (json !== this.availabilityJson) {
      this.availabilityJson = json;
      this.availability = { ...now, since: this.o.clock.iso() };
      this.o.publish('availability', this.availability);
    }
    this.refreshAttention();
  }

  private refreshAttention(): void {
    const views = this.views();
    const items = attentionItems(this.checkouts.ledger.all(), views.card, views.cash, (v) => v.endedAt ?? v.startedAt, this.checkouts.waiting);
    const list = { items };
    const json = JSON.stringify(list);
    if (json === this.attentionJson) return;
    this.attentionJson = json;
    this.attentionList = list;
    this.o.publish('attention', list);
  }
}
