/**
 * The cash driver: one device (`cash`) driving an SSP note validator and, where fitted, a ccTalk coin
 * acceptor. Each acceptor has one loop doing all of its I/O; commands only change the session, which
 * the loops act on. Money facts go to the journal before any event (see note-flow.ts, coin-flow.ts).
 */
import type { CommandHandlers, Driver, DriverDeps } from '../../core/driver.js';
import { KioskError, toKioskError } from '../../core/errors.js';
import { sleep } from '../../core/clock.js';
import { SerialTransport } from '../../transports/serial.js';
import { cashApi, type CashApi } from './api.js';
import { CcLink } from './cctalk/link.js';
import { CoinAcceptor } from './coins.js';
import { CoinFlow } from './coin-flow.js';
import type { CashConfig } from './config.js';
import { Ledger, summary } from './ledger.js';
import { NoteFlow, ValidatorReset, type Conditions } from './note-flow.js';
import { Session } from './session.js';
import { FACTORY_FIXED_KEY } from './ssp/essp.js';
import { SspLink } from './ssp/link.js';
import { NoteValidator } from './validator.js';
import { CashState } from './state.js';
import { cashboxEmptied, clearFault, settleSession } from './technician.js';

/** How long an ending session waits for a note still on its way to the cashbox. */
const IN_TRANSIT_WAIT_MS = 30_000;
/** How long a session survives a validator that does not answer. */
const OFFLINE_GRACE_MS = 5_000;

export async function createCashDriver(config: CashConfig, deps: DriverDeps<CashApi>): Promise<Driver<CashApi>> {
  return new CashDriver(config, deps);
}

class CashDriver implements Driver<CashApi> {
  readonly api = cashApi;
  readonly commands: CommandHandlers<CashApi>;
  private ledger: Ledger | undefined;
  private validator: NoteValidator | undefined;
  private notes: NoteFlow | undefined;
  private coins: CoinFlow | undefined;
  private coinAcceptor: CoinAcceptor | undefined;
  private readonly ports: SerialTransport[] = [];
  private connected = false;
  private coinsConnected = false;
  private deviceEnabled = false;
  private offlineSince: number | undefined;
  private session: Session | undefined;
  private readonly state: CashState;
  private abort = new AbortController();
  private loops: Promise<void>[] = [];
  private moneyQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: CashConfig,
    private readonly deps: DriverDeps<CashApi>,
  ) {
    this.state = new CashState(config, deps.host);
    this.commands = {
      accept: (input, ctx) => this.accept(input.amountDue, input.currency, input.timeoutMs, ctx.transaction),
      cancel: async () => {
        const s = this.session;
        if (s && !s.ending) s.end('cancelled', this.deps.clock.monotonic());
        if (!s) return { cancelled: false, sessionId: null, total: 0, paidOut: 0, voucherAmount: 0, payout: null };
        const out = await s.done;
        return { cancelled: true, sessionId: s.id, total: out.total, paidOut: out.paidOut, voucherAmount: out.voucherAmount, payout: out.payout };
      },
      status: async () => this.state.status(this.requireLedger(), this.session, this.validator, this.coinAcceptor),
      'cashbox-emptied': async (input, ctx) => {
        if (this.session) throw new KioskError('DEVICE_BUSY', 'a cash session is running');
        return this.published(await cashboxEmptied(this.requireLedger(), this.deps.log, { ...input, requester: ctx.requester }));
      },
      settle: async (input, ctx) => this.published(await settleSession(this.requireLedger(), this.deps.log, input, ctx.requester)),
      'clear-fault': async (input, ctx) => this.published(await clearFault(this.requireLedger(), this.deps.log, this.state, input.technician, ctx.requester)),
      // interim (API step): no payout unit is driven yet
      'can-pay-out': async (input) => ({ amount: input.amount, currency: input.currency, payable: 0, remainder: input.amount, plan: [] }),
      dispense: async () => {
        throw new KioskError('CASH_PAYOUT_UNAVAILABLE');
      },
      levels: async () => ({ currency: this.validator?.setup?.currency ?? null, state: 'offline', notes: [], coins: [], total: 0, nearEmpty: [], empty: [] }),
      refill: async () => {
        throw new KioskError('CASH_PAYOUT_UNAVAILABLE');
      },
      empty: async () => {
        throw new KioskError('CASH_PAYOUT_UNAVAILABLE');
      },
      'settle-payout': async () => {
        throw new KioskError('CASH_UNKNOWN_PAYOUT');
      },
    };
  }

  async start(signal: AbortSignal): Promise<void> {
    const { journal, log } = this.deps;
    if (!journal) throw new KioskError('JOURNAL_UNAVAILABLE', 'the cash device needs the money journal');
    this.ledger = Ledger.load(journal);
    this.warnAboutKey();
    const v = this.config.validator;
    if (!v.port) throw new KioskError('CONFIG_INVALID', 'devices.cash.validator.port.path is required');
    const port = await this.open(v.port.path, v.port.baudRate, 2);
    const link = new SspLink(port, { address: v.address, replyTimeoutMs: v.replyTimeoutMs, retries: v.retries });
    link.attach();
    this.validator = new NoteValidator(link, log, v.encryption);
    this.notes = new NoteFlow({
      ledger: this.ledger, validator: this.validator, log, host: this.deps.host, maxOverpay: this.config.maxOverpay,
      session: () => this.session, blocked: () => this.state.faults().length > 0, money: (fn) => this.money(fn),
      conditions: (c) => this.conditions(c), late: (id) => this.late(id),
    });
    await this.connectValidator();
    await this.openCoinAcceptor();
    await this.recoverSessions();
    this.publish();
    this.abort = new AbortController();
    signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.loops = [this.validatorLoop(), this.coinLoop()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    const s = this.session;
    if (s && this.ledger) {
      const total = this.ledger.totalOf(s.id);
      await this.ledger.record('session.closed', s.id, { status: 'interrupted', total }).catch(() => undefined);
      s.finish(total, 'interrupted', this.ledger.inFlight !== undefined);
      this.session = undefined;
    }
    if (this.connected) await this.validator?.disable().catch(() => undefined);
    if (this.coinsConnected) await this.coinAcceptor?.accept([]).catch(() => undefined);
    for (const port of this.ports) await port.close().catch(() => undefined);
  }

  private warnAboutKey(): void {
    const { encryption } = this.config.validator;
    if (this.config.simulate) return;
    if (!encryption.enabled) this.deps.log.warn('eSSP encryption is off: note events travel in clear on the serial line');
    else if (encryption.fixedKey.toLowerCase() === FACTORY_FIXED_KEY) {
      this.deps.log.error('SECURITY: the eSSP fixed key is the factory default (0123456701234567); set devices.cash.validator.encryption.fixedKey to the key programmed in the validator');
    }
  }

  private async open(path: string, baudRate: number, stopBits: 1 | 2): Promise<SerialTransport> {
    const port = new SerialTransport({ path, baudRate, stopBits });
    await port.open();
    this.ports.push(port);
    port.onClose((err) => {
      if (!this.abort.signal.aborted) this.deps.host.lost(err ?? new KioskError('IO_ERROR', `${path} closed`));
    });
    return port;
  }

  private async openCoinAcceptor(): Promise<void> {
    const c = this.config.coinAcceptor;
    if (!c?.port) return;
    const port = await this.open(c.port.path, c.port.baudRate, 1);
    const link = new CcLink(port, { address: c.address, replyTimeoutMs: c.replyTimeoutMs, retries: c.retries });
    link.attach();
    this.coinAcceptor = new CoinAcceptor(link);
    this.coins = new CoinFlow({
      ledger: this.requireLedger(), coins: this.coinAcceptor, log: this.deps.log, host: this.deps.host, maxOverpay: this.config.maxOverpay,
      session: () => this.session, blocked: () => this.state.faults().length > 0, money: (fn) => this.money(fn),
      fraud: () => this.conditions({ jam: this.state.jam, full: this.state.full, removed: this.state.removed, fraud: true }),
      late: (id) => this.late(id),
      opened: (s) => {
        s.coinsOpen = true;
        this.announce(s);
      },
    });
    try {
      await this.coinAcceptor.connect();
      this.coinsConnected = true;
    } catch (err) {
      this.deps.log.warn({ code: toKioskError(err).code }, 'coin acceptor not answering; notes only until it does');
    }
  }

  /** Set the validator up and settle whatever a gap left behind (see note-flow.ts, step 3). */
  private async connectValidator(): Promise<void> {
    const validator = this.validator!;
    const setup = await validator.connect();
    this.state.currencyMismatch = this.config.currency !== undefined && this.config.currency !== setup.currency;
    this.deviceEnabled = false;
    await validator.reject();
    // idle = two quiet polls in a row, so the last one-shot event of a note in transit has been seen
    for (let i = 0, quiet = 0; i < 600 && quiet < 2; i++) {
      const { busy } = await this.notes!.handle(await validator.poll(), 'drain');
      quiet = busy ? 0 : quiet + 1;
      if (quiet < 2) await sleep(this.config.validator.pollIntervalMs, this.abort.signal);
    }
    if (!this.state.jam) await this.notes!.reconcile();
    this.connected = true;
  }

  private async recoverSessions(): Promise<void> {
    const ledger = this.requireLedger();
    for (const s of ledger.openSessions()) {
      await ledger.record('session.closed', s.sessionId, { status: 'interrupted', total: s.total });
      this.deps.log.warn({ sessionId: s.sessionId, total: s.total }, 'cash session interrupted by a restart: left to settle');
    }
    for (const s of ledger.unsettled()) this.deps.host.emit('recovered', summary(s));
  }

  private async validatorLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (!this.connected) {
          await this.connectValidator();
          this.offlineSince = undefined;
          this.publish();
        }
        await this.applySession();
        await this.notes!.handle(await this.validator!.poll(), 'live');
        await sleep(this.config.validator.pollIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        this.connected = false;
        if (err instanceof ValidatorReset) {
          this.deps.log.warn('validator reset: setting it up again');
          continue;
        }
        const e = toKioskError(err);
        this.deps.host.noteError(e.code);
        this.deps.log.warn({ code: e.code, message: e.message }, 'validator link failed');
        if (e.code === 'JOURNAL_UNAVAILABLE') await this.journalLost();
        else await this.sessionWhileOffline();
        this.publish();
        await sleep(1000, signal).catch(() => undefined);
      }
    }
  }

  /**
   * The validator does not answer. A short blip (a power cut, a reset) keeps the session: the note in
   * transit is settled when the validator is back. A longer silence, a cancel or the deadline ends it.
   */
  private async sessionWhileOffline(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const now = this.deps.clock.monotonic();
    this.offlineSince ??= now;
    if (!s.ending && (now >= s.deadline || now - this.offlineSince >= OFFLINE_GRACE_MS)) s.end(now >= s.deadline ? 'timeout' : 'fault', now);
    if (s.ending) await this.closeSession(s, this.requireLedger().inFlight !== undefined).catch(() => undefined);
  }

  private async coinLoop(): Promise<void> {
    const signal = this.abort.signal;
    const c = this.config.coinAcceptor;
    if (!this.coins || !this.coinAcceptor || !c) return;
    while (!signal.aborted) {
      try {
        if (!this.coinsConnected) {
          await this.coinAcceptor.connect();
          this.coinsConnected = true;
          this.publish();
        }
        await this.coins.step();
        await sleep(c.pollIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (this.coinsConnected) this.deps.log.warn({ code: toKioskError(err).code }, 'coin acceptor link failed');
        this.coinsConnected = false;
        this.publish();
        await sleep(1000, signal).catch(() => undefined);
      }
    }
  }

  /** Enable for a new session, notice its end, disable and answer it. Runs in the validator loop. */
  private async applySession(): Promise<void> {
    const validator = this.validator!;
    const ledger = this.requireLedger();
    const s = this.session;
    const now = this.deps.clock.monotonic();
    if (s && !s.ending) {
      if (ledger.totalOf(s.id) >= s.amountDue) s.end('paid', now);
      else if (this.state.faults().length > 0) s.end('fault', now);
      else if (now >= s.deadline) s.end('timeout', now);
    }
    if (s && !s.ending) {
      if (!this.deviceEnabled) {
        const fit = (validator.setup?.channels ?? []).filter((c) => c.value <= s.amountDue + this.config.maxOverpay && c.currency === s.currency);
        await validator.setInhibits(fit.map((c) => c.channel));
        await validator.enable();
        this.deviceEnabled = true;
        s.notesOpen = true;
        if (s.announced) this.publish();
        else this.announce(s);
      }
      return;
    }
    if (this.deviceEnabled) {
      await validator.disable();
      this.deviceEnabled = false;
      this.publish();
    }
    if (!s) return;
    const inTransit = ledger.inFlight !== undefined;
    if (inTransit && s.ending !== 'fault' && now - s.endingSince < IN_TRANSIT_WAIT_MS) return;
    await this.closeSession(s, inTransit);
  }

  /** Journal the end and answer the accept (even if the journal just failed: nobody waits on a dead disk). */
  private async closeSession(s: Session, inTransit: boolean): Promise<void> {
    const ledger = this.requireLedger();
    const total = ledger.totalOf(s.id);
    try {
      await ledger.record('session.closed', s.id, { status: s.ending, total });
    } finally {
      this.session = undefined;
      s.finish(total, s.ending ?? 'cancelled', inTransit);
    }
    this.deps.log.info({ sessionId: s.id, status: s.ending, total, amountDue: s.amountDue }, 'cash session closed');
    this.publish();
  }

  /**
   * The journal cannot be written: no money may be taken. Acceptors off, the session answered `fault`
   * (what it got so far, as far as the journal knows), the device in fault until the daemon restarts.
   */
  private async journalLost(): Promise<void> {
    this.deps.log.error('money journal unavailable: cash acceptance stopped');
    this.state.journalFailed = true;
    await this.validator?.disable().catch(() => undefined);
    this.deviceEnabled = false;
    await this.coinAcceptor?.accept([]).catch(() => undefined);
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.finish(this.requireLedger().totalOf(s.id), 'fault', true);
  }

  private async accept(amountDue: number, currency: string, timeoutMs: number, transaction: string | undefined) {
    const ledger = this.requireLedger();
    if (ledger.unavailable) throw new KioskError('JOURNAL_UNAVAILABLE');
    if (this.session) throw new KioskError('DEVICE_BUSY', 'a cash session is already running');
    if (!this.connected) throw new KioskError('DEVICE_UNAVAILABLE', 'the note validator is not connected');
    const faults = this.state.faults();
    if (faults.length > 0) throw new KioskError('DEVICE_UNAVAILABLE', `cash device in fault (${faults.join(', ')})`, { details: { fault: faults[0] } });
    const deviceCurrency = this.validator?.setup?.currency;
    if (currency !== deviceCurrency) throw new KioskError('CASH_CURRENCY_MISMATCH', `the validator takes ${deviceCurrency ?? 'no currency'}, not ${currency}`);
    const s = new Session(amountDue, currency, this.deps.clock.monotonic() + timeoutMs, transaction);
    await ledger.record('session.opened', s.id, { amountDue, currency });
    this.session = s;
    this.deps.log.info({ sessionId: s.id, amountDue, currency }, 'cash session opened');
    return s.done;
  }

  /** `busy` means "insert cash now": published once every fitted acceptor is open for the session. */
  private announce(s: Session): void {
    if (s.announced || !s.notesOpen || (this.coinsConnected && !s.coinsOpen)) return;
    s.announced = true;
    this.publish();
  }

  private conditions(c: Conditions): void {
    if (this.state.update(c)) {
      for (const code of this.state.faults()) this.deps.host.noteError(code);
      this.publish();
    }
  }

  private late(sessionId: string): void {
    const s = this.requireLedger().session(sessionId);
    if (s && s.status !== undefined) this.deps.host.emit('recovered', summary(s));
    this.publish();
  }

  /** Credits one at a time; after each, the retained state shows the new session total. */
  private money<T>(fn: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> => fn().finally(() => this.publish());
    const result = this.moneyQueue.then(run, run);
    this.moneyQueue = result.catch(() => undefined);
    return result;
  }

  private published<T>(result: T): T {
    this.publish();
    return result;
  }

  private publish(): void {
    if (!this.ledger) return;
    const s = this.session;
    const accepting = s !== undefined && s.announced && !s.ending && this.deviceEnabled && this.connected;
    this.state.publish(this.ledger, s?.announced ? s : undefined, { connected: this.connected, coins: this.coinsConnected, accepting, validator: this.validator });
  }

  private requireLedger(): Ledger {
    if (!this.ledger) throw new KioskError('DEVICE_UNAVAILABLE', 'the cash device is starting');
    return this.ledger;
  }
}
