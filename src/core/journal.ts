/**
 * The durable money journal, shared by the card and cash drivers. It refuses to guess.
 *
 * Format (see journal-chain.ts): JSON lines with a sequence number, the previous record's hash and
 * their own hash, so an altered, deleted, duplicated or reordered record is found at the line after it.
 *
 * Two copies: every record goes to the journal (write + fdatasync), then to its mirror (write +
 * fdatasync), and only then does `append` resolve. A caller that awaits `append` before the step it
 * records (sending a sale to the terminal, publishing a credit) never loses that record to a kill -9 or
 * a power cut, and one bad sector or one deleted file does not erase the money history: the other copy
 * still has it. The mirror should live in another directory (default) or on another filesystem.
 *
 * On open, only two things are repaired, and each repair is logged with what it changed: a torn final
 * write (the last bytes of a file, no newline, shorter than a record, starting as the record being
 * appended had to start) is cut; and a mirror that lacks only the journal's last record (a crash between
 * the two writes) gets it copied. Anything else that fails verification — a bad hash on a complete line,
 * garbage, zeros, a gap or repeat in sequence numbers, a chain break, one copy missing or shorter —
 * refuses to open with JOURNAL_CORRUPT naming the file and line, and leaves both files untouched. The
 * way out is a technician's audited recovery (journal-recover.ts), which never deletes a byte.
 *
 * After one failed write every later append fails too (a gap in a money journal is not allowed),
 * until the daemon restarts. Never write PII or card numbers here: masked PAN at most.
 */
import { dirname } from 'node:path';
import { KioskError } from './errors.js';
import { encodeRecord, GENESIS, type JournalEntry, type JournalInput } from './journal-chain.js';
import { planCopies } from './journal-copies.js';
import { nodeJournalFs, type JournalFile, type JournalFs } from './journal-fs.js';
import type { Logger } from './logger.js';

export type { JournalEntry, JournalInput } from './journal-chain.js';

export interface JournalOptions {
  /** The second copy. Default: `{path}.mirror`. */
  mirrorPath?: string;
  now?: () => string;
  fs?: JournalFs;
  /** Where repairs made at open are reported. */
  log?: Pick<Logger, 'warn'>;
}

/** Stream and type of the record a technician's recovery appends (see journal-recover.ts). */
export const RECOVERY_STREAM = 'journal';
export const RECOVERY_TYPE = 'journal.recovered';

async function writeAll(file: JournalFile, bytes: Uint8Array): Promise<void> {
  // A full disk can accept part of a line and report a short write rather than an error: keep
  // writing until all of it is down, and let the next write raise ENOSPC.
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private readonly quarantine = new Set<string>();
  private readonly failureListeners = new Set<(err: KioskError) => void>();
  private readonly appendListeners = new Set<(entry: JournalEntry, hash: string) => void>();
  /** Each record's hash, by seq - 1 (the audit trail and end of day compare heads with it). */
  private readonly hashes: string[];
  private tail: Promise<unknown> = Promise.resolve();
  private failed: KioskError | undefined;
  private lastHash: string;

  private constructor(
    readonly path: string,
    readonly mirrorPath: string,
    private readonly file: JournalFile,
    private readonly mirror: JournalFile,
    private readonly now: () => string,
    loaded: { entries: JournalEntry[]; hashes: readonly string[]; lastHash: string },
    /** What was repaired at open (empty when both copies were whole). */
    readonly repairs: readonly string[],
  ) {
    this.lastHash = loaded.lastHash;
    this.hashes = [...loaded.hashes];
    for (const e of loaded.entries) this.take(e);
  }

  /** Open (creating both copies if neither exists) and verify; see the module comment for what is refused. */
  static async open(path: string, options: JournalOptions | (() => string) = {}): Promise<Journal> {
    const o = typeof options === 'function' ? { now: options } : options;
    const fs = o.fs ?? nodeJournalFs;
    const mirrorPath = o.mirrorPath ?? `${path}.mirror`;
    const opened: JournalFile[] = [];
    try {
      await fs.mkdirp(dirname(path));
      await fs.mkdirp(dirname(mirrorPath));
      const [p, m] = await Promise.all([fs.read(path), fs.read(mirrorPath)]);
      const plan = planCopies({ journal: path, mirror: mirrorPath }, p, m);
      const file = await fs.openAppend(path);
      opened.push(file);
      const mirror = await fs.openAppend(mirrorPath);
      opened.push(mirror);
      if (plan.cutJournal !== undefined) await file.truncate(plan.cutJournal);
      if (plan.cutMirror !== undefined) await mirror.truncate(plan.cutMirror);
      for (const line of plan.appendMirror) await writeAll(mirror, Buffer.from(line));
      if (plan.repairs.length > 0) await Promise.all([file.datasync(), mirror.datasync()]);
      await fs.syncDir(dirname(path));
      if (dirname(mirrorPath) !== dirname(path)) await fs.syncDir(dirname(mirrorPath));
      for (const repair of plan.repairs) o.log?.warn({ repair }, 'money journal repaired at open');
      const lastHash = plan.scan.hashes.at(-1) ?? GENESIS;
      return new Journal(path, mirrorPath, file, mirror, o.now ?? (() => new Date().toISOString()), { entries: plan.scan.entries, hashes: plan.scan.hashes, lastHash }, plan.repairs);
    } catch (err) {
      await Promise.all(opened.map((f) => f.close().catch(() => undefined)));
      if (err instanceof KioskError) throw err;
      throw new KioskError('JOURNAL_UNAVAILABLE', `cannot open journal ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Append and make durable in both copies. Resolves with the stored entry after the mirror's
   * fdatasync. Rejects with JOURNAL_UNAVAILABLE when a disk is full or read-only; after such a failure
   * every later append rejects too, until the daemon restarts.
   */
  append(input: JournalInput): Promise<JournalEntry> {
    const run = async (): Promise<JournalEntry> => {
      if (this.failed) throw this.failed;
      const entry: JournalEntry = { seq: this.entries.length + 1, at: this.now(), ...input };
      const { line, hash } = encodeRecord(entry, this.lastHash);
      const bytes = Buffer.from(line);
      try {
        await writeAll(this.file, bytes);
        await this.file.datasync();
        await writeAll(this.mirror, bytes);
        await this.mirror.datasync();
      } catch (err) {
        this.failed = new KioskError('JOURNAL_UNAVAILABLE', `journal write failed: ${(err as Error).message}`, { cause: err });
        for (const listener of this.failureListeners) listener(this.failed);
        throw this.failed;
      }
      this.lastHash = hash;
      this.hashes.push(hash);
      this.take(entry);
      for (const listener of this.appendListeners) listener(entry, hash);
      return entry;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** True once an append failed; money operations must refuse to start. */
  get unavailable(): KioskError | undefined {
    return this.failed;
  }

  /** Be told when an append fails (the journal is then unavailable until restart). Returns the unsubscribe. */
  onUnavailable(listener: (err: KioskError) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /**
   * Be told of each record once it is durable in both copies (KPIs, the audit trail). Listeners run
   * synchronously and must not throw. Returns the unsubscribe.
   */
  onAppend(listener: (entry: JournalEntry, hash: string) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Records in the journal, and the hash of record `seq` (undefined past the end). */
  get length(): number {
    return this.entries.length;
  }

  hashAt(seq: number): string | undefined {
    return this.hashes[seq - 1];
  }

  /**
   * A key whose records were damaged and cut by a technician's recovery: what became of it is unknown,
   * so it must never start a new operation.
   */
  quarantined(stream: string, key: string): boolean {
    return this.quarantine.has(`${stream}\u0000${key}`);
  }

  /** Every entry, oldest first, optionally for one stream and/or key. */
  list(filter: { stream?: string; key?: string; type?: string } = {}): readonly JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.stream === undefined || e.stream === filter.stream) &&
        (filter.key === undefined || e.key === filter.key) &&
        (filter.type === undefined || e.type === filter.type),
    );
  }

  /** The newest entry for a key, if any. */
  last(stream: string, key: string): JournalEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e && e.stream === stream && e.key === key) return e;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await this.tail;
    await Promise.all([this.file.close(), this.mirror.close()]);
  }

  private take(e: JournalEntry): void {
    this.entries.push(e);
    if (e.stream !== RECOVERY_STREAM || e.type !== RECOVERY_TYPE || !Array.isArray(e.data.quarantined)) return;
    for (const q of e.data.quarantined as Array<{ stream?: unknown; key?: unknown }>) {
      if (typeof q.stream === 'string' && typeof q.key === 'string') this.quarantine.add(`${q.stream}\u0000${q.key}`);
    }
  }
}
