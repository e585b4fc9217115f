/**
 * The card payment driver: journal first, terminal second. A money operation is journaled (fsync) as an
 * intent before a byte goes to the terminal and as an outcome after; the same idempotency key never
 * starts a second operation. When the outcome is lost (timeout, broken link, crash), the driver never
 * retries: it restarts the link and reconciles with the terminal (see recovery.ts) before it takes new work.
 */
import type { CommandContext, CommandHandlers, Driver, DriverDeps } from '../../core/driver.js';
import { KioskError, toKioskError } from '../../core/errors.js';
import { CURRENCIES, cardApi, type CardApi, type CardOutcome, type CardReversal } from './api.js';
import { attentionOf } from './attention.js';
import type { CardConfig } from './config.js';
import { CardLedger, type MoneyOperation, type OperationRecord } from './ledger.js';
import { checkedReversal, refuseApproval, resolveAttention, withDeclinedFigures } from './mismatch.js';
import { fromTerminal, traceAfter, unknownOutcome } from './outcome.js';
import { progressEvent } from './progress.js';
import { createTerminal } from './protocols.js';
import { recoverPending, traceOf } from './recovery.js';
import { checkRefund } from './refund-policy.js';
import { identityOf, type OperationHooks, type PaymentTerminal, type TerminalIdentity, type TerminalInfo, type TerminalOutcome } from './terminal.js';
import { verifyOutcome, type Verdict } from './verify.js';
import { cardDetail, replayOf, type Busy, type MoneyInput } from './driver-state.js';

export class CardDriver implements Driver<CardApi> {
  readonly api = cardApi;
  readonly commands: CommandHandlers<CardApi>;
  private readonly ledger: CardLedger;
  private terminal: PaymentTerminal | undefined;
  private info: TerminalInfo | undefined;
  private busy: Busy | undefined;
  private kioskCancelled = false;
  /** The terminal's last trace (null: none); undefined when it must be asked before the next operation. */
  private lastTrace: number | null | undefined;
  private signal: AbortSignal = new AbortController().signal;
  /** Keys of operations between their first check and their journaled intent. */
  private readonly inFlight = new Set<string>();
  private unsubscribeJournal: (() => void) | undefined;

  constructor(
    private readonly config: CardConfig,
    private readonly deps: DriverDeps<CardApi>,
  ) {
    this.ledger = new CardLedger(deps.journal);
    this.commands = {
      sale: (input, ctx) => this.money('sale', input, ctx),
      refund: (input, ctx) => this.money('refund', input, ctx),
      cancel: async () => this.cancel(),
      reverse: (input, ctx) => this.reverse(input, ctx),
      status: async () => this.status(),
      'end-of-day': async () => this.endOfDay(),
      transaction: async (input) => {
        const r = this.ledger.find(input);
        if (!r) throw new KioskError('CARD_TRANSACTION_UNKNOWN');
        return this.ledger.toRecord(r);
      },
      resolve: async (input, ctx) => {
        const out = await resolveAttention(this.ledger, this.deps.log, input, ctx.requester);
        this.deps.host.patchDetail({ attention: attentionOf(this.ledger.all()) });
        return out;
      },
    };
  }

  private identity(): TerminalIdentity {
    return identityOf(this.info);
  }

  private detail(): Record<string, unknown> {
    return cardDetail(this.config, this.info, this.busy, this.ledger);
  }

  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    // Without a writable journal no payment may start: the device is in fault, not `ready`.
    this.ledger.ensureWritable();
    this.unsubscribeJournal = this.deps.journal?.onUnavailable((err) => {
      if (!this.busy) this.deps.host.lost(err);
    });
    const terminal = await createTerminal(this.config, this.deps);
    this.info = await terminal.open(signal);
    this.terminal = terminal;
    try {
      this.busy = 'recovery';
      const resolved = await recoverPending(this.ledger, terminal, this.deps.host, this.deps.log, signal);
      if (resolved > 0) this.deps.host.count('recovered', resolved);
      this.lastTrace = traceOf(await terminal.lastTransaction(signal));
    } catch (err) {
      this.terminal = undefined;
      await terminal.close();
      throw err;
    } finally {
      this.busy = undefined;
    }
    terminal.onLost((err) => {
      if (this.terminal !== terminal) return;
      this.terminal = undefined;
      if (!this.busy) this.deps.host.lost(err);
    });
    this.deps.log.info({ ...this.identity(), lastTrace: this.lastTrace }, 'card terminal ready');
    this.deps.host.setState('ready', this.detail());
  }

  async stop(): Promise<void> {
    this.unsubscribeJournal?.();
    const terminal = this.terminal;
    this.terminal = undefined;
    await terminal?.close().catch(() => undefined);
  }

  private claim(kind: Busy): PaymentTerminal {
    const terminal = this.terminal;
    if (!terminal) throw new KioskError('DEVICE_UNAVAILABLE', 'the card terminal is not connected');
    if (this.busy) throw new KioskError('DEVICE_BUSY', `the card terminal is busy (${this.busy})`);
    this.busy = kind;
    this.kioskCancelled = false;
    this.deps.host.setState('busy', this.detail());
    return terminal;
  }

  private release(): void {
    this.busy = undefined;
    const failed = this.deps.journal?.unavailable;
    if (failed) this.deps.host.lost(failed);
    else if (this.terminal) this.deps.host.setState('ready', this.detail());
  }

  private hooks(key: string, operation: 'sale' | 'refund' | 'reversal', ctx: CommandContext): OperationHooks {
    return { onProgress: (p) => this.deps.host.emit('progress', progressEvent(p, key, operation, ctx.transaction)) };
  }

  /** A command failed because the link did: hand the device back to the supervisor to reconnect. */
  private failedOn(err: unknown): never {
    const code = toKioskError(err).code;
    if (code === 'TIMEOUT' || code === 'IO_ERROR' || code === 'PROTOCOL_ERROR') {
      this.lastTrace = undefined;
      this.terminal = undefined;
      this.deps.host.noteError(code);
      this.deps.host.lost(err);
    }
    throw err;
  }

  /** The link failed mid-operation: the outcome is unknown, so restart and reconcile instead of guessing. */
  private lostMidOperation(err: unknown): string {
    const code = toKioskError(err).code;
    this.deps.log.error({ code }, 'card terminal lost during a money operation; reconciling after reconnect');
    this.deps.host.noteError(code);
    this.lastTrace = undefined;
    this.terminal = undefined;
    this.deps.host.lost(err);
    return code === 'TIMEOUT' ? 'TIMEOUT' : 'LINK_LOST';
  }

  private async knownTrace(terminal: PaymentTerminal): Promise<number | null> {
    if (this.lastTrace === undefined) this.lastTrace = traceOf(await terminal.lastTransaction(this.signal));
    return this.lastTrace;
  }

  private async money(operation: MoneyOperation, input: MoneyInput, ctx: CommandContext): Promise<CardOutcome> {
    const currency = input.currency ?? this.config.currency;
    if (currency !== this.config.currency) throw new KioskError('CARD_CURRENCY_NOT_ACCEPTED', `card payments are taken in ${this.config.currency}, not ${currency}`);
    const replayed = replayOf(this.ledger, this.inFlight, operation, input, currency);
    if (replayed) return replayed;
    if (operation === 'refund') checkRefund(this.ledger, { amount: input.amount, currency, saleKey: input.saleKey ?? '' }, ctx.role, this.config.refunds.uiLimit);
    this.ledger.ensureWritable();
    const terminal = this.claim(operation);
    let record: OperationRecord | undefined;
    this.inFlight.add(input.idempotencyKey);
    try {
      const prevTrace = await this.knownTrace(terminal);
      record = await this.ledger.intent({
        key: input.idempotencyKey, operation, reference: input.reference, amount: input.amount, currency, prevTrace, ...(input.saleKey !== undefined ? { saleKey: input.saleKey } : {}),
      });
      this.deps.host.count(`${operation}s`);
      const req = { amount: input.amount, currency: CURRENCIES[currency] };
      const hooks = this.hooks(record.key, operation, ctx);
      let result;
      try {
        result = await (operation === 'sale' ? terminal.sale(req, hooks, ctx.signal) : terminal.refund(req, hooks, ctx.signal));
      } catch (err) {
        return unknownOutcome(record, this.lostMidOperation(err));
      }
      const verdict = this.check(record, result);
      if (result.kind === 'approved' && !verdict.ok) {
        const lost = (err: unknown): void => void this.lostMidOperation(err);
        const d = { ledger: this.ledger, terminal, host: this.deps.host, log: this.deps.log, hooks: this.hooks(record.key, 'reversal', ctx), signal: ctx.signal, lost };
        const refused = await refuseApproval(d, record, result.transaction, result.receipt.lines, verdict);
        this.lastTrace = refused.trace;
        return refused.outcome;
      }
      const outcome = withDeclinedFigures(fromTerminal(record, result, this.kioskCancelled), result, verdict, this.deps.log);
      this.lastTrace = traceAfter(result);
      await this.ledger.outcome(record, outcome).catch((err: unknown) => {
        // the terminal's answer stands; the open intent will be reconciled at the next start
        this.deps.log.error({ code: toKioskError(err).code, key: record?.key }, 'card outcome could not be journaled');
        this.deps.host.noteError('JOURNAL_UNAVAILABLE');
      });
      this.deps.log.info({ key: record.key, operation, result: outcome.result, reason: 'reason' in outcome ? outcome.reason : undefined }, 'card operation finished');
      return outcome;
    } catch (err) {
      return this.failedOn(err);
    } finally {
      this.inFlight.delete(input.idempotencyKey);
      this.release();
    }
  }

  /** The terminal's figures against the request (verify.ts); figures it left out are counted, not guessed. */
  private check(record: OperationRecord, result: TerminalOutcome): Verdict {
    return verifyOutcome(result, { amount: record.amount, currency: record.currency, prevTrace: record.prevTrace, terminalId: this.info?.terminalId }, () => {
      this.deps.host.count('amount_unconfirmed');
      this.deps.log.warn({ key: record.key }, 'card terminal approved without reporting amount and currency: not checked');
    });
  }

  private async cancel(): Promise<{ requested: boolean }> {
    if ((this.busy !== 'sale' && this.busy !== 'refund') || !this.terminal) return { requested: false };
    this.kioskCancelled = true;
    await this.terminal.abort();
    return { requested: true };
  }

  private async reverse(input: { idempotencyKey?: string | undefined; reference?: string | undefined }, ctx: CommandContext): Promise<CardReversal> {
    const r = this.ledger.find(input);
    if (!r) throw new KioskError('CARD_TRANSACTION_UNKNOWN');
    if (r.reversal?.outcome) return { ...r.reversal.outcome, replayed: true };
    if (r.reversal) throw new KioskError('DUPLICATE_REQUEST', 'this reversal is being reconciled with the terminal');
    const sale = r.outcome;
    if (r.operation !== 'sale' || sale?.result !== 'approved' || sale.receiptNo === undefined) throw new KioskError('CARD_NOT_REVERSIBLE');
    this.ledger.ensureWritable();
    const terminal = this.claim('reversal');
    try {
      const prevTrace = await this.knownTrace(terminal);
      await this.ledger.reversalIntent(r, sale.receiptNo, prevTrace);
      let result;
      try {
        result = await terminal.reverse({ receiptNo: sale.receiptNo }, this.hooks(r.key, 'reversal', ctx), ctx.signal);
      } catch (err) {
        const reason = this.lostMidOperation(err);
        return { idempotencyKey: r.key, reference: r.reference, result: 'failed', reason, receiptText: '', recovered: false };
      }
      const reversal = checkedReversal(r, result, r.amount, r.currency);
      if (reversal.reason === 'AMOUNT_MISMATCH') this.deps.log.error({ key: r.key, terminal: reversal.terminal }, 'card terminal reversed other figures than the sale\'s');
      this.lastTrace = traceAfter(result);
      await this.ledger.reversalOutcome(r, reversal);
      this.deps.log.info({ key: r.key, result: reversal.result }, 'card reversal finished');
      return reversal;
    } catch (err) {
      return this.failedOn(err);
    } finally {
      this.release();
    }
  }

  private async status(): Promise<{ connected: boolean; busy: boolean; terminalId?: string; softwareVersion?: string; model?: string; serialNumber?: string; terminalStatus?: number; pendingRecovery: number }> {
    const pendingRecovery = this.ledger.pending().length;
    const base = { connected: this.terminal !== undefined, busy: this.busy !== undefined, pendingRecovery };
    const terminal = this.terminal;
    if (terminal && !this.busy) {
      // a quick enquiry: not worth publishing busy/ready around it
      this.busy = 'status';
      try {
        const now = await terminal.status(this.signal);
        // a status enquiry may leave out what registration said: keep what is known
        this.info = { ...this.info, ...Object.fromEntries(Object.entries(now).filter(([, v]) => v !== undefined)) } as TerminalInfo;
        this.deps.host.patchDetail({ identity: this.identity(), ...this.identity() });
      } catch (err) {
        this.failedOn(err);
      } finally {
        this.busy = undefined;
      }
    }
    return {
      ...base,
      ...this.identity(),
      ...(this.info?.status !== undefined ? { terminalStatus: this.info.status } : {}),
    };
  }

  private async endOfDay(): Promise<{ result: 'ok' | 'failed'; reason?: string; receiptText: string }> {
    this.ledger.ensureWritable();
    const terminal = this.claim('end-of-day');
    try {
      const t = await terminal.endOfDay({ onProgress: () => undefined }, this.signal);
      this.lastTrace = undefined;
      const receiptText = t.receipt.lines.join('\n');
      const answer = t.kind === 'approved' ? { result: 'ok' as const, receiptText } : { result: 'failed' as const, reason: 'reason' in t ? t.reason : 'CANCELLED', receiptText };
      await this.ledger.note('end-of-day', `eod-${this.deps.clock.iso()}`, { result: answer.result, ...(t.kind === 'approved' ? { trace: t.transaction.trace, amount: t.transaction.amount } : {}) });
      return answer;
    } catch (err) {
      return this.failedOn(err);
    } finally {
      this.release();
    }
  }
}

export function createCardDriver(config: CardConfig, deps: DriverDeps<CardApi>): Driver<CardApi> {
  return new CardDriver(config, deps);
}
