/**
 * The cash driver: one device (`cash`) driving an SSP note validator (with a note recycler where
 * fitted), a ccTalk coin acceptor and ccTalk coin hoppers. The validator has one loop doing all of its
 * I/O, payouts included (`inLoop`); commands only change the session or queue work for that loop.
 * Money facts go to the journal before any event (see note-flow.ts, coin-flow.ts, payout/engine.ts).
 */
import type { CommandHandlers, Driver, DriverDeps } from '../../core/driver.js';
import { KioskError, toKioskError } from '../../core/errors.js';
import type { ByteStream } from '../../core/transport.js';
import { cashApi, type CashApi } from './api.js';
import type { CoinAcceptor } from './coins.js';
import { CoinFlow } from './coin-flow.js';
import type { CashConfig } from './config.js';
import { openHardware, warnAboutKey } from './hardware.js';
import { Ledger, summary } from './ledger.js';
import { NoteFlow, ValidatorReset, type Conditions } from './note-flow.js';
import { CashPayout } from './payout/cash-payout.js';
import { payoutHandlers } from './payout/handlers.js';
import { SessionControl } from './session-control.js';
import type { SspEvent } from './ssp/commands.js';
import { NoteValidator } from './validator.js';
import { Naps } from './naps.js';
import { CashState } from './state.js';
import { cashboxEmptied, clearFault, settleSession } from './technician.js';

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
  private payout: CashPayout | undefined;
  private ports: ByteStream[] = [];
  private connected = false;
  private coinsConnected = false;
  /** Waits between polls, ended early by a new session or a job. */
  private readonly naps: Naps;
  /** Whether the last poll saw notes moving (poll at the busy rate). */
  private busy = false;
  private readonly state: CashState;
  private readonly sessions: SessionControl;
  private abort = new AbortController();
  private loops: Promise<void>[] = [];
  private moneyQueue: Promise<unknown> = Promise.resolve();
  /** Work for the validator loop (payouts, emptying), run between polls. */
  private jobs: (() => Promise<void>)[] = [];

  constructor(
    private readonly config: CashConfig,
    private readonly deps: DriverDeps<CashApi>,
  ) {
    this.state = new CashState(config, deps.host);
    this.naps = new Naps(deps.clock);
    this.sessions = new SessionControl({
      config, deps, state: this.state, ledger: () => this.requireLedger(), validator: () => this.validator!, payout: () => this.payout,
      connected: () => this.connected, coinsConnected: () => this.coinsConnected, publish: () => this.publish(), wake: () => this.naps.wake(),
    });
    const payoutCommand = <K extends 'can-pay-out' | 'dispense' | 'levels' | 'refill' | 'empty' | 'settle-payout'>(k: K): CommandHandlers<CashApi>[K] =>
      ((input: never, ctx: never) => this.payoutHandlers()[k](input, ctx)) as CommandHandlers<CashApi>[K];
    this.commands = {
      accept: (input, ctx) => this.sessions.accept(input, ctx.transaction),
      cancel: async (input) => {
        const s = this.sessions.cancel(input.repay);
        if (!s) return { cancelled: false, sessionId: null, total: 0, paidOut: 0, voucherAmount: 0, payout: null };
        const out = await s.done;
        return { cancelled: true, sessionId: s.id, total: out.total, paidOut: out.paidOut, voucherAmount: out.voucherAmount, payout: out.payout };
      },
      status: async () => ({ ...this.state.status(this.requireLedger(), this.sessions.session, this.validator, this.coinAcceptor), payout: this.payout?.detail() ?? null }),
      'cashbox-emptied': async (input, ctx) => {
        if (this.sessions.session) throw new KioskError('DEVICE_BUSY', 'a cash session is running');
        return this.published(await cashboxEmptied(this.requireLedger(), this.deps.log, { ...input, requester: ctx.requester }));
      },
      settle: async (input, ctx) => this.published(await settleSession(this.requireLedger(), this.deps.log, input, ctx.requester)),
      'clear-fault': async (input, ctx) => this.published(await clearFault(this.requireLedger(), this.deps.log, this.state, input.technician, ctx.requester)),
      'can-pay-out': payoutCommand('can-pay-out'),
      dispense: payoutCommand('dispense'),
      levels: payoutCommand('levels'),
      refill: payoutCommand('refill'),
      empty: payoutCommand('empty'),
      'settle-payout': payoutCommand('settle-payout'),
    };
  }

  private payoutHandlers(): ReturnType<typeof payoutHandlers> {
    const payout = this.payout;
    if (!payout) throw new KioskError('CASH_PAYOUT_UNAVAILABLE', 'the cash device is starting');
    return payoutHandlers({
      payout, ledger: this.requireLedger(), log: this.deps.log, clock: this.deps.clock, session: () => this.sessions.session,
      currency: () => this.validator?.setup?.currency, connected: () => this.connected, inLoop: (fn) => this.inLoop(fn),
      pollUntil: (names, ms) => this.pollUntil(names, ms), acceptFloat: (ms, tx) => this.sessions.acceptFloat(ms, tx), publish: () => this.publish(),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { journal, log } = this.deps;
    if (!journal) throw new KioskError('JOURNAL_UNAVAILABLE', 'the cash device needs the money journal');
    this.ledger = Ledger.load(journal);
    warnAboutKey(this.config, log);
    const hw = await openHardware(this.config, this.deps, () => this.abort.signal.aborted);
    this.ports = hw.ports;
    this.validator = new NoteValidator(hw.link, log, this.config.validator.encryption, this.deps.clock);
    this.payout = new CashPayout({
      config: this.config, log, host: this.deps.host, clock: this.deps.clock, ledger: this.ledger, journal, recycler: hw.recycler, hoppers: hw.hoppers,
      poll: () => this.pollLive(), currency: () => this.validator?.setup?.currency, changed: () => this.publish(),
    });
    const payout = this.payout;
    this.notes = new NoteFlow({
      ledger: this.ledger, validator: this.validator, log, host: this.deps.host, maxOverpay: this.config.maxOverpay,
      session: () => this.sessions.session, blocked: () => this.state.faults().length > 0, money: (fn) => this.money(fn),
      conditions: (c) => this.conditions(c), late: (id) => this.late(id),
      changePayable: (s, change) => payout.changePayable(s, change), route: (value) => payout.route(value),
    });
    await payout.connectHoppers();
    await this.connectValidator();
    await this.startCoins(hw.coinAcceptor);
    await this.sessions.recoverInterrupted();
    this.publish();
    this.abort = new AbortController();
    signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.loops = [this.validatorLoop(), this.coinLoop()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    const s = this.sessions.session;
    if (s && this.ledger) {
      const total = this.ledger.totalOf(s.id);
      await this.ledger.record('session.closed', s.id, { status: 'interrupted', total }).catch(() => undefined);
      s.finish(total, 'interrupted', this.ledger.inFlight !== undefined);
      this.sessions.session = undefined;
    }
    this.payout?.abandon();
    if (this.connected) await this.validator?.disable().catch(() => undefined);
    if (this.coinsConnected) await this.coinAcceptor?.accept([]).catch(() => undefined);
    for (const port of this.ports) await port.close().catch(() => undefined);
  }

  private async startCoins(acceptor: CoinAcceptor | undefined): Promise<void> {
    if (!acceptor) return;
    this.coinAcceptor = acceptor;
    const payout = this.payout;
    this.coins = new CoinFlow({
      ledger: this.requireLedger(), coins: acceptor, log: this.deps.log, host: this.deps.host, maxOverpay: this.config.maxOverpay,
      session: () => this.sessions.session, blocked: () => this.state.faults().length > 0, money: (fn) => this.money(fn),
      fraud: () => this.conditions({ jam: this.state.jam, full: this.state.full, removed: this.state.removed, fraud: true }),
      late: (id) => this.late(id), changePayable: (s, change) => payout?.changePayable(s, change) ?? false,
      opened: (s) => {
        s.coinsOpen = true;
        this.sessions.announce(s);
      },
    });
    try {
      await acceptor.connect();
      this.coinsConnected = true;
    } catch (err) {
      this.deps.log.warn({ code: toKioskError(err).code }, 'coin acceptor not answering; notes only until it does');
    }
  }

  /** Set the validator up and settle whatever a gap left behind (see note-flow.ts, step 3; payout/engine.ts, 3). */
  private async connectValidator(): Promise<void> {
    const validator = this.validator!;
    const setup = await validator.connect();
    this.state.currencyMismatch = this.config.currency !== undefined && this.config.currency !== setup.currency;
    this.sessions.deviceEnabled = false;
    await validator.reject();
    // idle = two quiet polls in a row, so the last one-shot event of a note in transit has been seen
    for (let i = 0, quiet = 0; i < 600 && quiet < 2; i++) {
      const events = await validator.poll();
      this.payout?.observe(events);
      const { busy } = await this.notes!.handle(events, 'drain');
      quiet = busy ? 0 : quiet + 1;
      if (quiet < 2) await this.deps.clock.sleep(this.config.validator.pollIntervalMs, this.abort.signal);
    }
    if (!this.state.jam) await this.notes!.reconcile();
    await this.payout?.onValidatorReady(setup.currency);
    this.connected = true;
  }

  private async pollLive(): Promise<SspEvent[]> {
    const events = await this.validator!.poll();
    this.busy = (await this.notes!.handle(events, 'live')).busy;
    return events;
  }

  private async pollUntil(names: readonly string[], timeoutMs: number): Promise<void> {
    const end = this.deps.clock.monotonic() + timeoutMs;
    while (!(await this.pollLive()).some((e) => names.includes(e.name))) {
      if (this.deps.clock.monotonic() > end) throw new KioskError('TIMEOUT', `the recycler did not report ${names.join('/')}`);
      await this.deps.clock.sleep(this.config.validator.pollIntervalMs);
    }
  }

  /** Run `fn` in the validator loop, between two polls. */
  private inLoop<T>(fn: () => Promise<T>): Promise<T> {
    const done = new Promise<T>((resolve, reject) => this.jobs.push(() => fn().then(resolve, reject)));
    this.naps.wake();
    return done;
  }

  private async validatorLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (!this.connected) {
          await this.connectValidator();
          this.sessions.online();
          this.publish();
        }
        for (let job = this.jobs.shift(); job; job = this.jobs.shift()) await job();
        await this.sessions.apply();
        const events = await this.pollLive();
        this.payout?.observe(events);
        const v = this.config.validator;
        await this.naps.nap(this.sessions.session || this.busy || this.jobs.length > 0 ? v.pollIntervalMs : v.idlePollIntervalMs, signal);
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
        else await this.sessions.whileOffline();
        this.publish();
        await this.deps.clock.sleep(1000, signal).catch(() => undefined);
      }
    }
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
        await this.naps.nap(this.sessions.session ? c.pollIntervalMs : c.idlePollIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (this.coinsConnected) this.deps.log.warn({ code: toKioskError(err).code }, 'coin acceptor link failed');
        this.coinsConnected = false;
        this.publish();
        await this.deps.clock.sleep(1000, signal).catch(() => undefined);
      }
    }
  }

  /** The journal cannot be written: no money may be taken or paid until the daemon restarts. */
  private async journalLost(): Promise<void> {
    this.deps.log.error('money journal unavailable: cash acceptance stopped');
    this.state.journalFailed = true;
    await this.validator?.disable().catch(() => undefined);
    this.sessions.deviceEnabled = false;
    await this.coinAcceptor?.accept([]).catch(() => undefined);
    this.sessions.abandon();
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
    const s = this.sessions.session;
    const accepting = s !== undefined && s.announced && !s.ending && this.sessions.deviceEnabled && this.connected;
    this.state.publish(this.ledger, s?.announced ? s : undefined, {
      connected: this.connected, coins: this.coinsConnected, accepting, validator: this.validator, payout: this.payout?.detail() ?? null,
    });
  }

  private requireLedger(): Ledger {
    if (!this.ledger) throw new KioskError('DEVICE_UNAVAILABLE', 'the cash device is starting');
    return this.ledger;
  }
}
