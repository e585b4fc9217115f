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
}

export class MoneyJournal {
  readonly path: string;
  readonly mirrorPath: string;
  private opening: Promise<Journal> | undefined;

  constructor(private readonly o: MoneyJournalOptions) {
    this.path = join(o.stateDir, 'journal', 'money.jsonl');
    this.mirrorPath = o.mirrorPath ?? join(o.stateDir, 'journal-mirror', 'money.jsonl');
  }

  /** The journal, opened (and verified) once; a failed open is tried again by the next caller. */
  open(): Promise<Journal> {
    if (!this.opening) {
      const opening = Journal.open(this.path, { mirrorPath: this.mirrorPath, now: () => this.o.clock.iso(), log: this.o.log });
      this.opening = opening;
      opening.catch((err: unknown) => {
        if (this.opening === opening) this.opening = undefined;
        const e = err instanceof KioskError ? err : undefined;
        if (e?.code === 'JOURNAL_CORRUPT') this.o.log.error({ code: e.code, ...e.details }, 'money journal refused: money devices stay in fault until a technician recovers it');
      });
    }
    return this.opening;
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
    return report;
  }

  async close(): Promise<void> {
    const journal = await this.opening?.catch(() => undefined);
    await journal?.close().catch(() => undefined);
  }
}
