/** ZVT as a {@link PaymentTerminal}: ECR side of the protocol over TCP (bare APDUs) or serial (framed). */
import { KioskError } from '../../../core/errors.js';
import type { Apdu } from './apdu.js';
import { apduName } from './apdu.js';
import { ZvtLink, type LinkMode } from './link.js';
import {
  build06, CMD, fieldsOf, is, readAbortCode, readCompletion, readIntermediate, readPrintLine, readStatusInfo, readTextBlock,
} from './messages.js';
import { resultMeaning } from './result-codes.js';
import { ZvtRefused, ZvtSession } from './session.js';
import type { ZvtCharset } from './text.js';
import type {
  LastTransaction, OperationHooks, PaymentTerminal, TerminalDeps, TerminalInfo, TerminalOutcome, TerminalTransaction,
} from '../terminal.js';

export interface ZvtOptions {
  readonly mode: LinkMode;
  /** The terminal's ECR password, 6 digits. */
  readonly password: string;
  /** ISO 4217 numeric currency used at registration (784 = AED). */
  readonly currency: number;
  readonly charset: ZvtCharset;
}

/** What the terminal said during one command. */
interface Collected {
  status: TerminalTransaction | undefined;
  lines: string[];
  end: { kind: 'completion'; info: TerminalInfo } | { kind: 'abort'; code: number } | undefined;
}

export class ZvtTerminal implements PaymentTerminal {
  private readonly link: ZvtLink;
  private readonly session: ZvtSession;
  private readonly lostListeners = new Set<(err: Error) => void>();
  private unsubscribeClose: (() => void) | undefined;
  private running = false;

  constructor(
    private readonly deps: TerminalDeps,
    private readonly options: ZvtOptions,
  ) {
    this.link = new ZvtLink(deps.stream, options.mode, deps.log, deps.timeouts.ackMs, deps.clock);
    this.session = new ZvtSession(this.link);
  }

  async open(signal: AbortSignal): Promise<TerminalInfo> {
    await this.deps.stream.open();
    this.session.reset();
    this.link.attach();
    this.unsubscribeClose = this.deps.stream.onClose((err) => {
      const e = err ?? new Error('closed by the terminal');
      this.session.fail(e);
      for (const l of [...this.lostListeners]) l(e);
    });
    try {
      const got = await this.run(build06.registration(this.options.password, this.options.currency), undefined, signal, this.deps.timeouts.ackMs * 2);
      return got.end?.kind === 'completion' ? got.end.info : { terminalId: undefined, softwareVersion: undefined, status: undefined };
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.unsubscribeClose?.();
    this.unsubscribeClose = undefined;
    this.link.detach();
    this.session.fail(new Error('closed'));
    await this.deps.stream.close();
  }

  onLost(listener: (err: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  sale(req: { amount: number; currency: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome> {
    return this.money(build06.authorisation(req.amount, req.currency), hooks, signal);
  }

  refund(req: { amount: number; currency: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome> {
    return this.money(build06.refund(this.options.password, req.amount, req.currency), hooks, signal);
  }

  reverse(req: { receiptNo: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome> {
    return this.money(build06.reversal(this.options.password, req.receiptNo), hooks, signal);
  }

  endOfDay(hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome> {
    return this.money(build06.endOfDay(this.options.password), hooks, signal);
  }

  async abort(): Promise<void> {
    if (this.running) await this.session.sendRaw(build06.abortFromEcr());
  }

  async lastTransaction(signal: AbortSignal): Promise<LastTransaction> {
    const got = await this.run(build06.repeatReceipt(this.options.password), undefined, signal);
    if (got.end?.kind === 'abort') {
      const meaning = resultMeaning(got.end.code);
      if (meaning.reason === 'TERMINAL_BUSY') throw new KioskError('DEVICE_BUSY', 'the terminal is busy');
      return { kind: 'none' };
    }
    return got.status ? { kind: 'known', transaction: got.status, receipt: { lines: got.lines } } : { kind: 'none' };
  }

  async status(signal: AbortSignal): Promise<TerminalInfo> {
    const got = await this.run(build06.statusEnquiry(this.options.password), undefined, signal);
    if (got.end?.kind !== 'completion') throw new KioskError('PROTOCOL_ERROR', 'status enquiry did not complete');
    return got.end.info;
  }

  private async money(command: Uint8Array, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome> {
    let got: Collected;
    try {
      got = await this.run(command, hooks, signal);
    } catch (err) {
      if (!(err instanceof ZvtRefused)) throw err;
      // refused before it started: nothing charged
      const meaning = resultMeaning(err.resultCode);
      return { kind: 'failed', reason: meaning.reason, resultCode: err.resultCode, receipt: { lines: [] } };
    }
    const receipt = { lines: got.lines };
    if (got.end?.kind === 'abort') {
      const code = got.end.code;
      const meaning = resultMeaning(code);
      if (meaning.outcome === 'cancelled') return { kind: 'cancelled', resultCode: code, receipt };
      if (meaning.outcome === 'declined') return { kind: 'declined', reason: meaning.reason, resultCode: code, transaction: got.status, receipt };
      return { kind: 'failed', reason: meaning.reason, resultCode: code, receipt };
    }
    const status = got.status;
    if (!status) throw new KioskError('PROTOCOL_ERROR', 'the terminal completed without status information');
    if (status.approved) return { kind: 'approved', transaction: status, receipt };
    const meaning = resultMeaning(status.resultCode);
    return { kind: 'declined', reason: meaning.reason, resultCode: status.resultCode, transaction: status, receipt };
  }

  private async run(command: Uint8Array, hooks: OperationHooks | undefined, signal: AbortSignal, ackMs = this.deps.timeouts.ackMs): Promise<Collected> {
    if (this.running) throw new KioskError('DEVICE_BUSY');
    this.running = true;
    const got: Collected = { status: undefined, lines: [], end: undefined };
    try {
      await this.session.transact(command, (apdu) => this.handle(apdu, got, hooks), { ackMs, idleMs: this.deps.timeouts.idleMs, signal });
      return got;
    } finally {
      this.running = false;
    }
  }

  private handle(apdu: Apdu, got: Collected, hooks: OperationHooks | undefined): boolean {
    const charset = this.options.charset;
    if (is(apdu, CMD.intermediate)) hooks?.onProgress(readIntermediate(fieldsOf(apdu), charset));
    else if (is(apdu, CMD.printLine)) got.lines.push(readPrintLine(apdu.data, charset));
    else if (is(apdu, CMD.textBlock)) got.lines.push(...readTextBlock(fieldsOf(apdu), charset));
    else if (is(apdu, CMD.statusInfo)) got.status = readStatusInfo(fieldsOf(apdu));
    else if (is(apdu, CMD.completion)) got.end = { kind: 'completion', info: readCompletion(fieldsOf(apdu)) };
    else if (is(apdu, CMD.abort)) got.end = { kind: 'abort', code: readAbortCode(fieldsOf(apdu)) };
    else this.deps.log.debug({ apdu: apduName(apdu) }, 'zvt message ignored');
    return got.end !== undefined;
  }
}
