/**
 * The plugin boundary between the card driver and one ECR protocol (ZVT today; acquirers' own serial
 * protocols later). The driver owns the journal, idempotency, recovery policy and the MQTT contract; a
 * protocol only talks to the terminal and reports what it said, in these protocol-neutral types.
 *
 * Error semantics: every method rejects with a KioskError. IO_ERROR / TIMEOUT mean the link failed and
 * the outcome of a money operation is UNKNOWN (the driver must reconcile, never retry blindly). A
 * terminal that refuses a command before starting it rejects with DEVICE_BUSY or NOT_SUPPORTED.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ByteStream } from '../../core/transport.js';
import type { ProgressCode } from './progress.js';

/** What the customer's card looked like: never more than first 6 / last 4 digits. */
export interface MaskedCard {
  readonly masked: string;
  readonly brand: string;
}

export interface TerminalReceipt {
  /** The terminal's receipt text, line by line, as it would print. */
  readonly lines: readonly string[];
}

/** The terminal's record of one transaction (from its status information). */
export interface TerminalTransaction {
  /** The terminal's result code mapped to a stable reason; `APPROVED` when it went through. */
  readonly approved: boolean;
  readonly resultCode: number;
  readonly amount: number | undefined;
  readonly currency: number | undefined;
  readonly card: MaskedCard | undefined;
  readonly authCode: string | undefined;
  readonly receiptNo: number | undefined;
  readonly trace: number | undefined;
  readonly terminalId: string | undefined;
}

export type TerminalOutcome =
  | { readonly kind: 'approved'; readonly transaction: TerminalTransaction; readonly receipt: TerminalReceipt }
  | { readonly kind: 'declined'; readonly reason: string; readonly resultCode: number; readonly transaction: TerminalTransaction | undefined; readonly receipt: TerminalReceipt }
  | { readonly kind: 'cancelled'; readonly resultCode: number; readonly receipt: TerminalReceipt }
  /** The terminal ran the command and reported an error: nothing was charged. */
  | { readonly kind: 'failed'; readonly reason: string; readonly resultCode: number; readonly receipt: TerminalReceipt };

export interface TerminalProgress {
  readonly code: ProgressCode;
  /** The terminal's own display text, if it sent one (never card data). */
  readonly text?: string;
}

export interface OperationHooks {
  onProgress(progress: TerminalProgress): void;
}

/** What the terminal says about itself (at registration, on a status enquiry). Not personal data. */
export interface TerminalInfo {
  readonly terminalId: string | undefined;
  readonly softwareVersion: string | undefined;
  /** Protocol-specific status byte (ZVT terminal status); 0 = ready. */
  readonly status: number | undefined;
  /** Model / device name as the terminal gives it (ZVT TLV 1F40), e.g. `cVEND box+`. */
  readonly model?: string | undefined;
  /** The terminal's serial number (ZVT TLV 1F42). */
  readonly serialNumber?: string | undefined;
}

export type TerminalIdentity = { terminalId?: string; model?: string; serialNumber?: string; softwareVersion?: string };

/** The identity fields the terminal gave (only those; empty ones left out). */
export function identityOf(info: TerminalInfo | undefined): TerminalIdentity {
  const out: TerminalIdentity = {};
  if (info?.terminalId) out.terminalId = info.terminalId;
  if (info?.model) out.model = info.model;
  if (info?.serialNumber) out.serialNumber = info.serialNumber;
  if (info?.softwareVersion) out.softwareVersion = info.softwareVersion;
  return out;
}

/** Last transaction as the terminal remembers it; `none` when it has none (fresh or after end of day). */
export type LastTransaction =
  | { readonly kind: 'none' }
  | { readonly kind: 'known'; readonly transaction: TerminalTransaction; readonly receipt: TerminalReceipt };

export interface PaymentTerminal {
  /** Open the link and log on (ZVT registration). */
  open(signal: AbortSignal): Promise<TerminalInfo>;
  close(): Promise<void>;
  /** The link closed under us; fires at most once per open. */
  onLost(listener: (err: Error) => void): () => void;
  sale(req: { amount: number; currency: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome>;
  refund(req: { amount: number; currency: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome>;
  reverse(req: { receiptNo: number }, hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome>;
  /** Ask the terminal to abort the running operation (the customer walked away, the UI cancelled). */
  abort(): Promise<void>;
  /** The terminal's last transaction (ZVT: repeat receipt), for reconciliation after a crash. */
  lastTransaction(signal: AbortSignal): Promise<LastTransaction>;
  status(signal: AbortSignal): Promise<TerminalInfo>;
  endOfDay(hooks: OperationHooks, signal: AbortSignal): Promise<TerminalOutcome>;
}

export interface TerminalDeps {
  readonly stream: ByteStream;
  readonly log: Logger;
  /** Every acknowledgement and idle timeout runs on it. */
  readonly clock: Clock;
  readonly timeouts: {
    /** Wait for the terminal's acknowledgement of a command or frame. */
    readonly ackMs: number;
    /** Longest silence from the terminal while it runs an operation (card, PIN, host). */
    readonly idleMs: number;
  };
}
