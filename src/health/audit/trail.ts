/**
 * The audit trail: an append-only, hash-chained log (the money journal's format, journal-chain.ts) of
 * every money record, cashbox and refill operation, remote and technician operation (role and requester),
 * configuration change and attention-item resolution. `{stateDir}/audit/audit.jsonl`, each record
 * written and fdatasync'd; `head.json` beside it (atomic) holds the last length and hash, so a tail cut
 * off at a line boundary — which the chain alone cannot see — is named by `kioskd audit verify`; the head
 * also goes to the fleet (`{base}/audit`), where a log rewritten here shows as a second head for one
 * length or a shorter chain.
 *
 * At open only a torn final write is cut (as in the journal). A trail that fails verification is not
 * appended to: it is moved aside (`audit.jsonl.damaged-<time>`, never deleted) and a new chain starts
 * with an `audit.restarted` record naming the findings, so the kiosk keeps auditing and the break is on
 * record here and at the fleet (its length goes down).
 */
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { encodeRecord, GENESIS, verifyChain, type JournalEntry } from '../../core/journal-chain.js';
import type { Logger } from '../../core/logger.js';
import { readIfExists, writeFileAtomic } from '../atomic-file.js';
import { diagnoseChain, sha256, type KnownHead } from './diagnose.js';

export interface AuditHeadMarker {
  length: number;
  hash: string;
  at: string;
}

export interface AuditTrailOptions {
  dir: string;
  clock: Clock;
  log: Logger;
}

export function auditPaths(dir: string): { file: string; head: string } {
  return { file: join(dir, 'audit.jsonl'), head: join(dir, 'head.json') };
}

export async function readHeadMarker(path: string): Promise<KnownHead | undefined> {
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  try {
    const m = JSON.parse(text) as Partial<AuditHeadMarker>;
    if (typeof m.length === 'number' && typeof m.hash === 'string') return { length: m.length, hash: m.hash, source: 'head marker' };
  } catch {
    /* unreadable marker: reported as no marker */
  }
  return undefined;
}

export class AuditTrail {
  private file: FileHandle | undefined;
  private entries: JournalEntry[] = [];
  private lastHash = GENESIS;
  private lastLine: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private failed = false;
  private readonly paths: { file: string; head: string };

  constructor(private readonly o: AuditTrailOptions) {
    this.paths = auditPaths(o.dir);
  }

  async open(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    const text = (await readIfExists(this.paths.file)) ?? '';
    const known = await readHeadMarker(this.paths.head);
    const diagnosis = diagnoseChain(text, known);
    const scan = verifyChain(text);
    let restarted: Record<string, unknown> | undefined;
    if (diagnosis.findings.length > 0 || scan.damage) {
      const aside = `${this.paths.file}.damaged-${this.o.clock.iso().replace(/[:.]/g, '-')}`;
      if (text.length > 0) await rename(this.paths.file, aside);
      const findings = diagnosis.findings.map((f) => f.message);
      restarted = { movedAside: text.length > 0 ? aside : null, records: diagnosis.records, findings: findings.length > 0 ? findings : [scan.damage?.reason ?? 'damaged'] };
      this.o.log.error({ ...restarted }, 'audit trail failed verification: moved aside, a new chain starts');
    } else {
      this.entries = scan.entries;
      this.lastHash = scan.hashes.at(-1) ?? GENESIS;
      this.lastLine = scan.lines.at(-1);
    }
    this.file = await open(this.paths.file, 'a+', 0o640);
    if (!restarted && scan.tornBytes > 0) {
      await this.file.truncate(scan.goodBytes);
      this.o.log.warn({ tornBytes: scan.tornBytes }, 'audit trail: a torn final write was cut');
    }
    if (restarted) await this.append('audit', 'audit.restarted', 'audit', restarted);
  }

  /** Records so far, oldest first (read-only). */
  list(filter: { stream?: string; type?: string } = {}): readonly JournalEntry[] {
    return this.entries.filter((e) => (filter.stream === undefined || e.stream === filter.stream) && (filter.type === undefined || e.type === filter.type));
  }

  /** The chain's head: its length and the SHA-256 of its last line (what the fleet keeps). */
  head(): { length: number; head: string; hash: string } {
    return { length: this.entries.length, head: sha256(this.lastLine ?? ''), hash: this.lastHash };
  }

  /**
   * Append one record and make it durable (fdatasync, then the head marker). Never rejects: an audit
   * write that fails is logged, and later ones are not attempted (a gap must not be papered over).
   */
  append(stream: string, type: string, key: string, data: Record<string, unknown>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.failed || !this.file) return;
      const entry: JournalEntry = { seq: this.entries.length + 1, at: this.o.clock.iso(), stream, type, key, data };
      const { line, hash } = encodeRecord(entry, this.lastHash);
      try {
        await this.file.write(line);
        await this.file.datasync();
        this.entries.push(entry);
        this.lastHash = hash;
        this.lastLine = line;
        await writeFileAtomic(this.paths.head, JSON.stringify({ length: entry.seq, hash, at: entry.at } satisfies AuditHeadMarker));
      } catch (err) {
        this.failed = true;
        this.o.log.error({ err, type }, 'audit trail write failed; auditing stops until restart');
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result;
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.file?.close();
    this.file = undefined;
  }
}

/** Read a trail from disk for `kioskd audit verify` (the daemon may be running: read-only). */
export async function readTrail(dir: string): Promise<{ text: string; known: KnownHead | undefined }> {
  const p = auditPaths(dir);
  const text = await readFile(p.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return { text, known: await readHeadMarker(p.head) };
}
