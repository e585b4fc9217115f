/**
 * Checkout: a citizen's whole payment for one service as one durable transaction (see
 * docs/checkout.md). One checkout runs at a time, inside the UI session that started it. Each step —
 * a cash intake, a card sale, the receipt — is journaled before the device is asked and its outcome
 * after (checkout-ledger.ts), and every device keeps its own exactly-once guarantee (the card's and
 * the printer's idempotency keys, the cash driver's fsync'd credits), so after a kill -9
 * checkout-recovery.ts can tell what happened: it never charges twice, never forgets money taken, and
 * puts a step whose outcome cannot be known on the requires-attention list.
 */
import type { Availability, Service } from '../api/catalogue.js';
import type { CheckoutProgress, CheckoutRecord } from '../api/checkout.js';
import type { Clock } from '../core/clock.js';
import { KioskError } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/logger.js';
import { CHECKOUT_STREAM, CheckoutLedger, isFinal, outcomeOf, recordOf, type CheckoutParams, type CheckoutView } from './checkout-ledger.js';
import { cardStep, cashStep, receiptStep, settleCash, type StepHost, type Stop } from './checkout-steps.js';
import type { DevicePort } from './ports.js';

export interface CheckoutOptions {
  clock: Clock;
  log: Logger;
  journal(): Promise<Journal>;
  devices: DevicePort;
  catalogue: readonly Service[];
  /** How long cash intake waits for the next note (the cash driver's accept timeout), before accessible mode. */
  cashTimeoutMs: number;
  availability(): Omit<Availability, 'since'>;
  publishProgress(p: CheckoutProgress): void;
  /** The attention list may have changed. */
  changed(): void;
}

export interface StartRequest extends CheckoutParams {
  idempotencyKey: string;
  transaction?: string | undefined;
  /** The session's accessible mode: money-flow timeouts are longer. */
  timeoutFactor: number;
}

interface Run {
  key: string;
  promise: Promise<CheckoutRecord>;
  phase: 'cash' | 'card' | 'receipt' | 'idle';
  stop: Stop | undefined;
  cashDone: boolean;
  transaction: string | undefined;
  timeoutFactor: number;
}

function sameParams(a: CheckoutParams, b: CheckoutParams): boolean {
  return a.service === b.service && a.amount === b.amount && a.currency === b.currency && a.method === b.method && a.reference === b.reference && a.cashAmount === b.cashAmount;
}

export class Checkouts {
  readonly ledger = new CheckoutLedger();
  /** Checkouts whose interrupted step waits for its device to come back before it can be known (listed for a person meanwhile). */
  readonly waiting = new Set<string>();
  private journalHandle: Journal | undefined;
  private running: Run | undefined;

  constructor(private readonly o: CheckoutOptions) {}

  /** Fold the journal's checkout stream (once); rejects while the journal cannot be opened. */
  async journal(): Promise<Journal> {
    if (this.journalHandle) return this.journalHandle;
    const j = await this.o.journal();
    if (!this.journalHandle) {
      this.journalHandle = j;
      for (const e of j.list({ stream: CHECKOUT_STREAM })) this.ledger.apply(e);
    }
    return j;
  }

  get active(): string | undefined {
    return this.running?.key;
  }

  service(id: string): Service {
    const s = this.o.catalogue.find((x) => x.id === id);
    if (!s) throw new KioskError('SERVICE_UNKNOWN', `no service ${id} in the catalogue`);
    return s;
  }

  /** Check a new request against the catalogue and what the kiosk can do now. */
  validate(service: Service, method: CheckoutParams['method'], amount: number | undefined): number {
    if (!service.methods.includes(method)) throw new KioskError('CHECKOUT_METHOD_NOT_ACCEPTED', `${service.id} does not take ${method}`);
    const fee = service.fee ?? amount;
    if (fee === undefined) throw new KioskError('CHECKOUT_AMOUNT_INVALID', `${service.id} needs an amount`);
    if (service.fee !== undefined && amount !== undefined && amount !== service.fee) throw new KioskError('CHECKOUT_AMOUNT_INVALID', `${service.id} costs ${service.fee}`);
    if (service.feeRange && (fee < service.feeRange.min || fee > service.feeRange.max)) {
      throw new KioskError('CHECKOUT_AMOUNT_INVALID', `${service.id} takes ${service.feeRange.min} to ${service.feeRange.max}`);
    }
    const now = this.o.availability().services.find((s) => s.id === service.id);
    if (!now?.available || !now.methods.includes(method)) {
      throw new KioskError('SERVICE_UNAVAILABLE', `${service.id} cannot be paid by ${method} now`, { details: { reasons: now?.reasons ?? [] } });
    }
    return fee;
  }

  /** Start, join, resume or replay (same key) a checkout; answers with its one result. */
  async start(req: StartRequest): Promise<CheckoutRecord> {
    await this.journal();
    const before = this.ledger.get(req.idempotencyKey);
    if (before && !sameParams(before.params, req)) throw new KioskError('CHECKOUT_IDEMPOTENCY_MISMATCH');
    const same = this.running?.key === req.idempotencyKey ? this.running : undefined;
    if (same && (same.stop === undefined || same.stop === 'continue')) return same.promise;
    // The same checkout is being stopped (its page's session just ended, e.g. a reload): let it settle
    // as suspended, then resume it for this request rather than answering the old run's suspension.
    if (same) await same.promise.catch(() => undefined);
    const existing = this.ledger.get(req.idempotencyKey);
    if (existing && isFinal(existing)) return { ...recordOf(existing) };
    if (this.running) throw new KioskError('CHECKOUT_BUSY', 'another checkout is running');
    if (existing && existing.state !== 'suspended') throw new KioskError('CHECKOUT_NOT_RESUMABLE', `checkout ${req.idempotencyKey} is ${existing.state} (recovering after a restart)`);
    const run: Run = { key: req.idempotencyKey, promise: Promise.resolve(undefined as never), phase: 'idle', stop: undefined, cashDone: false, transaction: req.transaction, timeoutFactor: req.timeoutFactor };
    this.running = run;
    run.promise = (async () => {
      try {
        if (existing) {
          await this.record('checkout.resumed', run.key, {});
          this.progress(run, 'resumed', 'checkout.resumed');
        } else {
          const p = req;
          await this.record('checkout.started', run.key, {
            service: p.service, amount: p.amount, currency: p.currency, method: p.method, ...(p.cashAmount !== undefined ? { cashAmount: p.cashAmount } : {}),
            reference: p.reference, language: p.language,
          });
          this.progress(run, 'started', 'checkout.started');
        }
        await this.drive(run);
        return recordOf(this.view(run.key));
      } finally {
        this.running = undefined;
        this.o.changed();
      }
    })();
    return run.promise;
  }

  /** The citizen, the session or the daemon stops the running checkout (`continue`: cash done, card next). */
  async interrupt(stop: Stop): Promise<string | undefined> {
    const r = this.running;
    if (!r) return undefined;
    if (stop === 'continue' && (r.phase !== 'cash' || this.view(r.key).params.method !== 'split')) return r.key;
    r.stop = stop;
    // Only the citizen's cancel repays the deposit (the cash driver's default); the cash stays credited
    // when the card comes next or the checkout is kept for the reloaded page.
    if (r.phase === 'cash') await this.o.devices.run('cash', 'cancel', stop === 'cancel' ? {} : { repay: false }).catch(() => undefined);
    if (r.phase === 'card' && stop !== 'continue') await this.o.devices.run('card', 'cancel', {}).catch(() => undefined);
    return r.key;
  }

  /** Wait for the running checkout (if any) to answer. */
  async settled(): Promise<void> {
    await this.running?.promise.catch(() => undefined);
  }

  get(q: { idempotencyKey?: string | undefined; reference?: string | undefined }): CheckoutRecord {
    const v = q.idempotencyKey !== undefined ? this.ledger.get(q.idempotencyKey) : q.reference !== undefined ? this.ledger.byReference(q.reference) : undefined;
    if (!v) throw new KioskError('CHECKOUT_UNKNOWN');
    return recordOf(v);
  }

  /** Journal a record and fold it in. */
  async record(type: string, key: string, data: Record<string, unknown>): Promise<void> {
    const j = await this.journal();
    this.ledger.apply(await j.append({ stream: CHECKOUT_STREAM, type, key, data }));
  }

  view(key: string): CheckoutView {
    const v = this.ledger.get(key);
    if (!v) throw new KioskError('CHECKOUT_UNKNOWN');
    return v;
  }

  stepHost(run?: { transaction: string | undefined; timeoutFactor: number; phase: Run['phase'] }): StepHost {
    return {
      devices: this.o.devices, log: this.o.log, clock: this.o.clock, record: (t, k, d) => this.record(t, k, d),
      progress: (v, step, messageKey) => this.emit(v, step, messageKey, run?.transaction),
      cashTimeoutMs: Math.round(this.o.cashTimeoutMs * (run?.timeoutFactor ?? 1)),
      service: (id) => this.o.catalogue.find((s) => s.id === id),
      phase: (p) => {
        if (run) run.phase = p;
      },
    };
  }

  private async drive(r: Run): Promise<void> {
    const host = this.stepHost(r);
    for (;;) {
      const v = this.view(r.key);
      const { amount, method } = v.params;
      if (v.cash + v.card >= amount) return this.finish(v, host);
      if (r.stop && r.stop !== 'continue') return this.halt(v, r.stop);
      const cashTarget = method === 'card' ? 0 : method === 'cash' ? amount : Math.min(v.params.cashAmount ?? amount, amount);
      if (!r.cashDone && v.cash < cashTarget) {
        const outcome = await cashStep(host, v, cashTarget - v.cash);
        if (outcome === 'attention') return;
        if (outcome === 'short') {
          if (r.stop === 'continue' && method === 'split') {
            r.stop = undefined;
            r.cashDone = true;
            continue;
          }
          return this.halt(this.view(r.key), r.stop ?? 'timeout');
        }
        continue;
      }
      if (method === 'cash') return this.halt(v, r.stop ?? 'timeout');
      const outcome = await cardStep(host, v, amount - v.cash - v.card);
      if (outcome === 'attention') return;
      if (outcome !== 'approved') return this.halt(this.view(r.key), r.stop ?? outcome);
    }
  }

  /** Paid in full: the receipt, the cash sessions settled as applied, the end; change owed is listed. */
  async finish(v: CheckoutView, host: StepHost): Promise<void> {
    host.phase('receipt');
    if (v.receipt === 'none' || v.openReceipt) await receiptStep(host, v);
    await settleCash(host, v);
    const owed = v.cash + v.card - v.params.amount - v.changeGiven;
    if (owed > 0 && !v.attention) await this.record('attention.raised', v.key, { reason: 'CHANGE_OWED', change: owed });
    await this.record('checkout.ended', v.key, { state: 'paid', ...outcomeOf(v) });
    this.emit(v, 'done', 'checkout.paid');
  }

  /** Stopped before paid in full: nothing taken -> it ends; money taken -> suspended and listed (CREDIT_HELD). */
  async halt(v: CheckoutView, why: Stop | 'declined' | 'cancelled' | 'timeout' | 'failed' | 'restart'): Promise<void> {
    // Nothing taken and the citizen (or the terminal) said no: it ends. A session that vanished or a
    // restart leaves it suspended, for the reloaded page to resume with the same key.
    if (v.cash + v.card === 0 && why !== 'session' && why !== 'restart' && why !== 'shutdown') {
      const state = why === 'declined' || why === 'failed' ? 'declined' : 'cancelled';
      await this.record('checkout.ended', v.key, { state, why, ...outcomeOf(v) });
      this.emit(v, 'done', `checkout.${state}`);
      return;
    }
    await this.record('checkout.suspended', v.key, { reason: why });
    if (!v.attention && v.cash + v.card > 0) await this.record('attention.raised', v.key, { reason: 'CREDIT_HELD' });
    this.emit(v, 'suspended', 'checkout.suspended');
  }

  private progress(r: Run, step: CheckoutProgress['step'], messageKey: string): void {
    this.emit(this.view(r.key), step, messageKey, r.transaction);
  }

  private emit(v: CheckoutView, step: CheckoutProgress['step'], messageKey: string, transaction?: string): void {
    const rec = recordOf(v);
    this.o.publishProgress({
      idempotencyKey: v.key, reference: v.params.reference, step, messageKey, state: rec.state, paid: rec.paid,
      remaining: Math.max(0, v.params.amount - v.cash - v.card), ...(transaction ? { transaction } : {}),
    });
    this.o.changed();
  }

  /** Forwarded device events: the card's prompts and the cash credits become the checkout's progress. */
  deviceEvent(device: string, event: string, payload: unknown): void {
    const r = this.running;
    if (!r) return;
    const p = payload as Record<string, unknown>;
    const v = this.ledger.get(r.key);
    if (!v) return;
    if (device === 'card' && event === 'progress' && typeof p.code === 'string' && v.openCard && p.idempotencyKey === v.openCard.cardKey) {
      this.emit(v, 'card', `card.${p.code}`, r.transaction);
    }
    if (device === 'cash' && event === 'credit' && v.openCash && p.transaction === v.openCash.transaction && typeof p.total === 'number') {
      const paid = v.cash + p.total;
      this.o.publishProgress({
        idempotencyKey: v.key, reference: v.params.reference, step: 'cash', messageKey: 'checkout.cashCredited', state: 'cash',
        paid: { cash: paid, card: v.card }, remaining: Math.max(0, v.params.amount - paid - v.card), ...(r.transaction ? { transaction: r.transaction } : {}),
      });
    }
  }
}
