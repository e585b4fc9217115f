/**
 * The durable money journal, shared by the card and cash drivers.
 *
 * Append-only JSON lines, each carrying a hash of its own content. `append` resolves only after the
 * line is written and fdatasync'd, so a caller that awaits it before the step it records (sending a sale
 * to the terminal, publishing a credit) never loses that record to a kill -9 or a power cut.
 *
 * On open, a torn last line (power cut mid-write) is cut off; damage anywhere else refuses to open, since
 * guessing about money is worse than stopping. Never write PII or card numbers here: masked PAN at most.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KioskError } from './errors.js';

export interface JournalEntry {
  /** Position in this journal, from 1, with no gaps. */
  readonly seq: number;
  /** Wall-clock ISO time of the append. */
  readonly at: string;
  /** Which device wrote it, e.g. `card`, `cash`. */
  readonly stream: string;
  /** What happened, e.g. `sale.intent`, `sale.outcome`, `note.credited`. */
  readonly type: string;
  /** The operation this belongs to (idempotency key, session id). */
  readonly key: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type JournalInput = Omit<JournalEntry, 'seq' | 'at'>;

function digest(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

function encode(entry: JournalEntry): string {
  const body = JSON.stringify(entry);
  return `${body.slice(0, -1)},"h":"${digest(body)}"}\n`;
}

function decode(line: string): JournalEntry | undefined {
  const at = line.lastIndexOf(',"h":"');
  if (at < 0 || !line.endsWith('"}')) return undefined;
  const body = `${line.slice(0, at)}}`;
  if (digest(body) !== line.slice(at + 6, -2)) return undefined;
  try {
    return JSON.parse(body) as JournalEntry;
  } catch {
    return undefined;
  }
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private failed: KioskError | undefined;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly now: () => string,
    loaded: JournalEntry[],
    /** Bytes cut off a torn last line at open; 0 when the file was clean. */
    readonly repairedBytes: number,
  ) {
    this.entries.push(...loaded);
  }

  /** Open (creating if needed) and load the journal; repairs a torn last line. */
  static async open(path: string, now: () => string = () => new Date().toISOString()): Promise<Journal> {
    try {
      await mkdir(dirname(path), { recursive: true });
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const { entries, goodBytes } = Journal.parse(text, path);
      const file = await open(path, 'a+');
      const size = Buffer.byteLength(text, 'utf8');
      if (goodBytes < size) {
        await file.truncate(goodBytes);
        await file.datasync();
      }
      await Journal.syncDir(dirname(path));
      return new Journal(path, file, now, entries, size - goodBytes);
    } catch (err) {
      if (err instanceof KioskError) throw err;
      throw new KioskError('JOURNAL_UNAVAILABLE', `cannot open journal ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private static parse(text: string, path: string): { entries: JournalEntry[]; goodBytes: number } {
    const entries: JournalEntry[] = [];
    let offset = 0;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const isLast = i === lines.length - 1;
      if (isLast && line === '') break;
      const entry = isLast ? undefined : decode(line);
      if (!entry) {
        const onlyTornTail = lines.slice(i + 1).every((l) => l === '');
        if (onlyTornTail) break;
        throw new KioskError('JOURNAL_UNAVAILABLE', `journal ${path} is damaged at line ${i + 1}`);
      }
      entries.push(entry);
      offset += Buffer.byteLength(line, 'utf8') + 1;
    }
    return { entries, goodBytes: offset };
  }

  private static async syncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } catch {
      // some filesystems refuse fsync on a directory; the file's own datasync still holds
    } finally {
      await handle.close();
    }
  }

  /**
   * Append and make durable. Resolves with the stored entry after fdatasync. Rejects with
   * JOURNAL_UNAVAILABLE when the disk is full or read-only; after such a failure every later append
   * rejects too (a gap in a money journal is not allowed), until the daemon restarts.
   */
  append(input: JournalInput): Promise<JournalEntry> {
    const run = async (): Promise<JournalEntry> => {
      if (this.failed) throw this.failed;
      const entry: JournalEntry = { seq: this.entries.length + 1, at: this.now(), ...input };
      const bytes = Buffer.from(encode(entry), 'utf8');
      try {
        // A full disk can accept part of a line and report a short write rather than an error:
        // keep writing until all of it is down, and let the next write raise ENOSPC.
        for (let done = 0; done < bytes.length; ) {
          const { bytesWritten } = await this.file.write(bytes, done, bytes.length - done);
          if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
          done += bytesWritten;
        }
        await this.file.datasync();
      } catch (err) {
        this.failed = new KioskError('JOURNAL_UNAVAILABLE', `journal write failed: ${(err as Error).message}`, { cause: err });
        throw this.failed;
      }
      this.entries.push(entry);
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
    await this.file.close();
  }
}
