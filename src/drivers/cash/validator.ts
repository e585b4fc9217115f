/** The note validator as the driver sees it: typed SSP operations over an {@link SspLink}. */
import type { Clock, Timer } from '../../core/clock.js';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { inhibitMask, parseCounters, parsePollEvents, parseSetup, rejectReason, SspCommand, SspReply, type SspEvent, type SspSetup } from './ssp/commands.js';
import type { SspLink } from './ssp/link.js';

export class NoteValidator {
  setup: SspSetup | undefined;
  /** False once the device answered GET COUNTERS with "unknown command". */
  hasCounters = true;

  constructor(
    private readonly link: SspLink,
    private readonly log: Logger,
    private readonly encryption: { enabled: boolean; fixedKey: string },
    private readonly clock: Clock,
  ) {}

  get encrypted(): boolean {
    return this.link.encrypted;
  }

  /** SYNC, protocol version, channel table, key exchange; leaves the validator disabled. */
  async connect(): Promise<SspSetup> {
    await this.link.sync();
    // protocol 7 gives the 4-byte channel values and currencies; older firmware answers F4 (stay on its own)
    await this.link.command(Uint8Array.of(SspCommand.HOST_PROTOCOL_VERSION, 7), { allowed: [SspReply.PARAMETER_OUT_OF_RANGE, SspReply.FAIL] });
    this.setup = parseSetup(await this.link.command(Uint8Array.of(SspCommand.SETUP_REQUEST)));
    if (this.encryption.enabled) await this.link.negotiateKey(this.encryption.fixedKey);
    await this.disable();
    return this.setup;
  }

  valueOf(channel: number): number {
    return this.setup?.channels.find((c) => c.channel === channel)?.value ?? 0;
  }

  async poll(): Promise<SspEvent[]> {
    const { events, unknown } = parsePollEvents(await this.link.command(Uint8Array.of(SspCommand.POLL)));
    if (unknown !== undefined) this.log.warn({ code: unknown }, 'unknown SSP poll event; rest of the reply skipped');
    return events;
  }

  async setInhibits(channels: Iterable<number>): Promise<void> {
    await this.link.command(Uint8Array.of(SspCommand.SET_INHIBITS, ...inhibitMask(channels)));
  }

  async enable(): Promise<void> {
    await this.link.command(Uint8Array.of(SspCommand.ENABLE));
  }

  async disable(): Promise<void> {
    await this.link.command(Uint8Array.of(SspCommand.DISABLE));
  }

  /**
   * Keep the note in escrow (HOLD every `everyMs`) while `work` runs, e.g. a journal fsync on a slow SD
   * card: without it the validator gives the note back when the host is silent for too long.
   */
  async holdWhile<T>(work: Promise<T>, everyMs = 1000): Promise<T> {
    let timer: Timer | undefined;
    let done = false;
    const tick = (): void => {
      if (done) return;
      timer = this.clock.setTimeout(() => {
        this.link.command(Uint8Array.of(SspCommand.HOLD), { allowed: [SspReply.CANNOT_PROCESS] }).then(tick, tick);
      }, everyMs);
    };
    tick();
    try {
      return await work;
    } finally {
      done = true;
      timer?.cancel();
    }
  }

  /** Return the note in escrow. False when there was none (the device answers "cannot process"). */
  async reject(): Promise<boolean> {
    const reply = await this.link.command(Uint8Array.of(SspCommand.REJECT), { allowed: [SspReply.CANNOT_PROCESS] });
    return reply[0] !== SspReply.CANNOT_PROCESS;
  }

  async lastRejectReason(): Promise<{ code: number; reason: string }> {
    const reply = await this.link.command(Uint8Array.of(SspCommand.LAST_REJECT_CODE));
    const code = reply[0] ?? 0;
    return { code, reason: rejectReason(code) };
  }

  /** Notes taken for good (stacked in the cashbox + stored in a recycler), persistent; null without counters. */
  async stackedCounter(): Promise<number | null> {
    if (!this.hasCounters) return null;
    try {
      // a note kept by a recycler counts as `stored`, not `stacked`: either way it was taken
      const c = parseCounters(await this.link.command(Uint8Array.of(SspCommand.GET_COUNTERS)));
      return c.stacked + c.stored;
    } catch (err) {
      if (err instanceof KioskError && err.code === 'PROTOCOL_ERROR' && err.details?.reply === SspReply.UNKNOWN_COMMAND) {
        this.hasCounters = false;
        this.log.warn('validator has no GET COUNTERS: a note in transit during a crash cannot be reconciled automatically');
        return null;
      }
      throw err;
    }
  }
}
