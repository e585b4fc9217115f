/**
 * The daemon's money journal: where it lives, opened once on first use by a money device, inspected and
 * recovered by a technician (the `journal-verify` and `journal-recover` bridge operations, which need
 * the technician role). Every recovery is written to the journal itself and logged as an audit line.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { KioskError } from '../core/errors.js';
import { Journal } from '../core/journal.js';
import { inspectJournal, recoverJournal, type JournalInspection, type RecoveryReport } from '../core/journal-recover.js';
import type { Logger } from '../core/logger.js';

export interface MoneyJournalOptions {
  stateDir: string;
  mirrorPath?: string | undefined;
  clock: Clock;
  log: Logger;
  /**
   * The last money record the audit trail saw (seq and hash): a journal that no longer holds it — both
   * copies deleted, cut or rewritten together, which the copies cannot tell — is refused as JOURNAL_CORRUPT.
   */
  expectHead?: () => { seq: number; hash: string } | undefined;
  /** Called with the journal each time it opens and verifies (KPIs and the audit trail follow it). */
  onOpen?: (journal: Journal, after: { recovered: boolean }) => void;
}

export class MoneyJournal {
  readonly path: string;
  readonly mirrorPath: string;
  private opening: Promise<Journal> | undefined;
  /** After a technician's recovery the audit trail's head is out of date by design: skip one check. */
  private recovered = false;

  constructor(private readonly o: MoneyJournalOptions) {
    this.path = join(o.stateDir, 'journal', 'money.jsonl');
    this.mirrorPath = o.mirrorPath ?? join(o.stateDir, 'journal-mirror', 'money.jsonl');
  }

  /** The journal, opened (and verified) once; a failed open is tried again by the next caller. */
  open(): Promise<Journal> {
    if (!this.opening) {
      const opening = Journal.open(this.path, { mirrorPath: this.mirrorPath, now: () => this.o.clock.iso(), log: this.o.log }).then(async (journal) => {
        try {
          if (!this.recovered) this.checkHead(journal);
        } catch (err) {
          await journal.close().catch(() => undefined);
          throw err;
        }
        const recovered = this.recovered;
        this.recovered = false;
        this.o.onOpen?.(journal, { recovered });
        return journal;
      });
      this.opening = opening;
      opening.catch((err: unknown) => {
        if (this.opening === opening) this.opening = undefined;
        const e = err instanceof KioskError ? err : undefined;
        if (e?.code === 'JOURNAL_CORRUPT') this.o.log.error({ code: e.code, ...e.details }, 'money journal refused: money devices stay in fault until a technician recovers it');
      });
    }
    return this.opening;
  }

  private checkHead(journal: Journal): void {
    const expected = this.o.expectHead?.();
    if (!expected || expected.seq === 0) return;
    if (journal.length < expected.seq) {
      throw new KioskError('JOURNAL_CORRUPT', `money journal ${this.path} holds ${journal.length} records but the audit trail saw record ${expected.seq}: both copies were deleted or cut`, {
        details: { file: this.path, line: journal.length + 1, reason: `records ${journal.length + 1}-${expected.seq} missing from both copies (audit trail head)` },
      });
    }
    if (journal.hashAt(expected.seq) !== expected.hash) {
      throw new KioskError('JOURNAL_CORRUPT', `money journal ${this.path} record ${expected.seq} differs from the one the audit trail saw: both copies were rewritten`, {
        details: { file: this.path, line: expected.seq, reason: 'differs from the audit trail (both copies rewritten)' },
      });
    }
  }

  /** Read-only: both copies, how far each verifies, and why the journal would refuse to open. */
  inspect(): Promise<JournalInspection> {
    return inspectJournal(this.path, this.mirrorPath);
  }

  /** A technician's recovery of a journal that refuses to open (never of one in use). */
  async recover(input: { technician: string; reason: string; prefer?: 'journal' | 'mirror' | undefined }, requester: string | undefined): Promise<RecoveryReport> {
    const current = await this.opening?.catch(() => undefined);
    if (current) throw new KioskError('JOURNAL_NOT_DAMAGED', 'the money journal is open and verified');
    const report = await recoverJournal({ path: this.path, mirrorPath: this.mirrorPath, now: () => this.o.clock.iso(), requester, ...input });
    this.o.log.warn(
      { technician: input.technician, reason: input.reason, requester, from: report.from, kept: report.kept, quarantined: report.quarantined.length, movedAside: report.movedAside },
      'audit: money journal recovered',
    );
    this.opening = undefined;
    this.recovered = true;
    return report;
  }

  async close(): Promise<void> {
    const journal = await this.opening?.catch(() => undefined);
    await journal?.close().catch(() => undefined);
  }
}
