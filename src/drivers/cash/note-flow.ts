/**
 * A note's journey, host side, and why no note is lost or counted twice:
 *
 * 1. READ NOTE ch (escrow): decide. To stack it, read the validator's persistent stacked counter and
 *    journal `note.accepting {value, counterBefore}` (fsync) BEFORE the next POLL, which is what lets
 *    the note go. To return it, send REJECT (nothing to journal: no money moved).
 * 2. CREDIT ch / NOTE CLEARED INTO CASHBOX ch: journal `note.credited` (fsync), then publish `credit`.
 * 3. After any gap (daemon start, validator reset or silence): the validator is disabled, a note in
 *    escrow is returned, polls run until nothing is in transit, and the note journaled as accepting but
 *    never resolved is settled by the counter: stacked counter > counterBefore means it is in the
 *    cashbox (credit), otherwise it came back. Live credit events seen during that drain are ignored,
 *    since the counter decides, so a credit is journaled exactly once whatever moment the host died.
 */
import type { DriverHost } from '../../core/driver.js';
import type { Logger } from '../../core/logger.js';
import type { CashApi } from './api.js';
import type { Ledger } from './ledger.js';
import type { Session } from './session.js';
import type { SspEvent } from './ssp/commands.js';
import { PAYOUT_EVENTS, type PayoutEventName } from './ssp/payout.js';
import type { NoteValidator } from './validator.js';

/** The validator reset itself (power cut, watchdog): it must be set up again. */
export class ValidatorReset extends Error {}

export interface Conditions {
  jam: boolean;
  full: boolean;
  removed: boolean;
  fraud: boolean;
}

export interface NoteFlowDeps {
  ledger: Ledger;
  validator: NoteValidator;
  log: Logger;
  host: DriverHost<CashApi>;
  maxOverpay: number;
  session(): Session | undefined;
  /** Anything that stops taking money (jam, fraud, cashbox). */
  blocked(): boolean;
  /** Serialises journal-then-publish of credits between notes and coins. */
  money<T>(fn: () => Promise<T>): Promise<T>;
  /** Report conditions seen in a poll reply. */
  conditions(c: Conditions): void;
  /** A credit landed on a session that is already closed. */
  late(sessionId: string): void;
  /** Whether `change` could be paid now for this session (false without a payout unit or with giveChange off). */
  changePayable(s: Session, change: number): boolean;
  /** Where a note of this value goes: kept by the recycler, or the cashbox; undefined without a recycler. */
  route(value: number): 'payout' | 'cashbox' | undefined;
}

/** Payout events that mean the mechanism is moving money (a recovery drain waits for them to end). */
const PAYOUT_BUSY = new Set<string>(['dispensing', 'emptying', 'smartEmptying', 'floating']);
const PAYOUT_NAMES = new Set<string>([...PAYOUT_EVENTS.values()].map((e) => e.name));
const isPayoutEvent = (name: string): name is PayoutEventName => PAYOUT_NAMES.has(name);

export class NoteFlow {
  /** REJECTs we sent whose REJECTED event is ours, not a refusal to report. */
  private hostRejects = 0;

  constructor(private readonly d: NoteFlowDeps) {}

  /** Handle one poll reply. `drain`: recovering, money events are left to the counter. */
  async handle(events: readonly SspEvent[], mode: 'live' | 'drain'): Promise<{ busy: boolean }> {
    const c: Conditions = { jam: false, full: false, removed: false, fraud: false };
    let busy = false;
    for (const e of events) {
      const name = e.name;
      if (isPayoutEvent(name)) {
        // payout events are the payout engine's (payout/units.ts); here they only say "busy"
        busy ||= PAYOUT_BUSY.has(name);
        if (name === 'noteStoredInPayout') this.d.host.count('notesStored');
        continue;
      }
      switch (name) {
        case 'slaveReset':
          if (mode === 'live') throw new ValidatorReset('validator reset');
          break;
        case 'readNote':
          busy = true;
          if ((e.channel ?? 0) > 0) {
            if (mode === 'live') await this.escrow(e.channel ?? 0);
            else if (await this.d.validator.reject()) this.hostRejects++;
          }
          break;
        case 'credit':
        case 'noteClearedIntoCashbox':
          if (mode === 'live') await this.credited(e.channel ?? 0, e.name === 'credit' ? 'event' : 'cleared');
          else this.d.log.info({ event: e.name }, 'credit event while recovering: the stacked counter decides');
          break;
        case 'noteClearedFromFront':
          if (mode === 'live') await this.returned('cleared');
          break;
        case 'rejected':
          if (mode === 'live') await this.rejected();
          break;
        case 'stacking':
        case 'rejecting':
          busy = true;
          break;
        case 'safeJam':
        case 'unsafeJam':
          c.jam = true;
          break;
        case 'stackerFull':
          c.full = true;
          break;
        case 'cashboxRemoved':
          c.removed = true;
          break;
        case 'fraudAttempt':
          c.fraud = true;
          break;
        case 'stacked':
          this.d.host.count('notesStacked');
          break;
        // Stryker disable next-line StringLiteral,ConditionalExpression: events that need nothing (listed for the exhaustive switch); any label does nothing too
        case 'cashboxReplaced':
        // Stryker disable next-line StringLiteral,ConditionalExpression: as above
        case 'disabled':
        // Stryker disable next-line StringLiteral,ConditionalExpression: as above
        case 'channelDisable':
        // Stryker disable next-line StringLiteral,ConditionalExpression: as above
        case 'initialising':
          break;
      }
    }
    this.d.conditions(c);
    return { busy: busy || c.jam };
  }

  private async escrow(channel: number): Promise<void> {
    const { ledger, validator, host } = this.d;
    const value = validator.valueOf(channel);
    const currency = validator.setup?.currency ?? 'XXX';
    // Stryker disable next-line ConditionalExpression: reconcile() does nothing without a note in transit; the test only guards the warning
    if (ledger.inFlight) {
      // a new note means the last one is done, whatever we missed of it
      this.d.log.warn('new note in escrow while the previous one is unresolved: reconciling it');
      await this.reconcile();
    }
    const s = this.d.session();
    const open = s !== undefined && !s.ending && !this.d.blocked();
    const total = s ? ledger.totalOf(s.id) : 0;
    const within = s !== undefined && total + value <= s.amountDue + this.d.maxOverpay;
    const withChange = open && !within && total < s.amountDue && this.d.changePayable(s, total + value - s.amountDue);
    if (!s || !open || !(within || withChange)) {
      if (await validator.reject()) this.hostRejects++;
      const reason = s && !s.ending ? (s.giveChange ? 'change-not-payable' : 'overpay') : 'session-ended';
      host.emit('escrow', { sessionId: s?.id ?? null, value, currency, accepted: false, ...tx(s) });
      host.emit('returned', { value, currency, reason, ...tx(s) });
      return;
    }
    const counterBefore = await validator.stackedCounter();
    await validator.holdWhile(ledger.record('note.accepting', s.id, { channel, value, counterBefore }));
    host.emit('escrow', { sessionId: s.id, value, currency, accepted: true, ...tx(s) });
  }

  private async credited(channel: number, via: 'event' | 'cleared' | 'reconciled'): Promise<void> {
    const { ledger, validator, host } = this.d;
    await this.d.money(async () => {
      const inFlight = ledger.inFlight;
      const s = this.d.session();
      const value = inFlight?.value ?? validator.valueOf(channel);
      const key = inFlight?.key ?? s?.id ?? 'none';
      // Stryker disable next-line ConditionalExpression: only decides whether to log
      if (!inFlight) this.d.log.warn({ channel, value }, 'credit for a note the host did not let go: credited anyway (it is in the cashbox)');
      const total = ledger.totalOf(key) + value;
      const route = this.d.route(value);
      await ledger.record('note.credited', key, { channel, value, total, via, ...(route ? { route } : {}) });
      const session = ledger.session(key);
      host.emit('credit', {
        sessionId: key === 'none' ? null : key, value, total, currency: validator.setup?.currency ?? 'XXX', source: 'note',
        recovered: via !== 'event', ...(route ? { route } : {}), ...(s && s.id === key ? tx(s) : {}),
      });
      if (session?.late) this.d.late(key);
    });
  }

  private async returned(reason: 'cleared' | 'recovery'): Promise<void> {
    const { ledger, host, validator } = this.d;
    const inFlight = ledger.inFlight;
    if (!inFlight) return;
    await ledger.record('note.returned', inFlight.key, { channel: inFlight.channel, value: inFlight.value, reason });
    host.emit('returned', { value: inFlight.value, currency: validator.setup?.currency ?? 'XXX', reason });
  }

  private async rejected(): Promise<void> {
    if (this.hostRejects > 0) {
      this.hostRejects--;
      return;
    }
    const { reason } = await this.d.validator.lastRejectReason();
    this.d.host.emit('rejected', { source: 'note', reason, ...tx(this.d.session()) });
  }

  /** Settle the note journaled as accepting by the stacked counter (the validator must be idle). */
  async reconcile(): Promise<void> {
    const { ledger, validator, log } = this.d;
    const inFlight = ledger.inFlight;
    if (!inFlight) return;
    const now = await validator.stackedCounter();
    if (inFlight.counterBefore === null || now === null) {
      log.error({ value: inFlight.value }, 'cannot tell whether the note in transit was stacked: session left for a technician to settle');
      await ledger.record('note.uncertain', inFlight.key, { channel: inFlight.channel, value: inFlight.value });
      this.d.late(inFlight.key);
      return;
    }
    if (now > inFlight.counterBefore) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: only decides whether to log
      if (now > inFlight.counterBefore + 1) log.error({ before: inFlight.counterBefore, now }, 'stacked counter moved by more than one note');
      log.info({ value: inFlight.value }, 'note in transit was stacked: credited by reconciliation');
      await this.credited(inFlight.channel, 'reconciled');
    } else {
      log.info({ value: inFlight.value }, 'note in transit was not stacked: returned');
      await this.returned('recovery');
    }
  }
}

function tx(s: Session | undefined): { transaction?: string } {
  return s?.transaction ? { transaction: s.transaction } : {};
}
