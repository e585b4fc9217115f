/**
 * The money journal's record format and its verification: pure functions, no I/O, reusable by anything
 * that must check a hash-chained JSON-lines file (the journal itself, `kioskd journal verify`, an audit
 * trail).
 *
 * One record per line, fields in this order:
 *
 *     {"seq":7,"prev":"<hash of record 6>","at":"…","stream":"card","type":"sale.intent","key":"k","data":{…},"h":"<hash>"}
 *
 * - `seq` counts from 1 with no gap and no repeat;
 * - `prev` is the `h` of the record before (32 zeros for the first), so deleting, reordering or
 *   duplicating a record breaks the chain at the line after it;
 * - `h` is the first 32 hex digits of SHA-256 over the line without its `,"h":"…"` member.
 *
 * Verification stops at the first line that fails and says which line and why. The only thing it ever
 * calls repairable is a torn final write: the file's last bytes, with no newline, shorter than a record,
 * that are a prefix of the record that was being appended (they start as that record had to start).
 */
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(32);
/** No record is this long; a final fragment that is, is not a torn write. */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface JournalEntry {
  /** Position in this journal, from 1, with no gaps. */
  readonly seq: number;
  /** Wall-clock ISO time of the append. */
  readonly at: string;
  /** Which device wrote it, e.g. `card`, `cash`; `journal` for the journal's own records. */
  readonly stream: string;
  /** What happened, e.g. `sale.intent`, `sale.outcome`, `note.credited`. */
  readonly type: string;
  /** The operation this belongs to (idempotency key, session id). */
  readonly key: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type JournalInput = Omit<JournalEntry, 'seq' | 'at'>;

/** Why verification stopped: the 1-based line and what was wrong with it. */
export interface ChainDamage {
  readonly line: number;
  readonly reason: string;
}

export interface ChainScan {
  /** Records that verified, in order. */
  readonly entries: JournalEntry[];
  /** Their `h`, in order (the last one is what the next record's `prev` must be). */
  readonly hashes: string[];
  /** The verified records' lines, newline included (byte-identical to the file). */
  readonly lines: string[];
  /** Bytes of the file the verified records take up. */
  readonly goodBytes: number;
  /** A torn final write after the verified records (bytes), or 0. */
  readonly tornBytes: number;
  /** Set when something other than a torn final write failed verification. */
  readonly damage: ChainDamage | undefined;
}

export function recordHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

function headOf(seq: number, prev: string): string {
  return `{"seq":${seq},"prev":"${prev}",`;
}

/** The line (newline included) for `entry` following a record whose hash is `prev`, and its hash. */
export function encodeRecord(entry: JournalEntry, prev: string): { line: string; hash: string } {
  const { seq, at, stream, type, key, data } = entry;
  const body = `${headOf(seq, prev)}${JSON.stringify({ at, stream, type, key, data }).slice(1)}`;
  const hash = recordHash(body);
  return { line: `${body.slice(0, -1)},"h":"${hash}"}\n`, hash };
}

/** Check one complete line (without its newline) as record `seq` after `prev`; a reason when it fails. */
export function checkLine(line: string, seq: number, prev: string): { entry: JournalEntry; hash: string } | { reason: string } {
  if (line.includes('\u0000')) return { reason: 'zero bytes where a record should be' };
  const at = line.lastIndexOf(',"h":"');
  if (at < 0 || !line.endsWith('"}') || line.length - at !== 40) return { reason: 'not a journal record (no hash)' };
  const body = `${line.slice(0, at)}}`;
  const hash = line.slice(at + 6, -2);
  if (recordHash(body) !== hash) return { reason: 'hash mismatch (the line was altered or damaged)' };
  let parsed: { seq?: unknown; prev?: unknown; at?: unknown; stream?: unknown; type?: unknown; key?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { reason: 'not JSON' };
  }
  if (parsed.seq !== seq) {
    const found = typeof parsed.seq === 'number' ? parsed.seq : NaN;
    // Stryker disable next-line EqualityOperator: found === seq cannot happen here
    return { reason: found < seq ? `sequence repeats: record ${found} again where ${seq} was expected` : `sequence gap: record ${found} where ${seq} was expected` };
  }
  if (parsed.prev !== prev) return { reason: 'chain broken: prev does not match the line before (a record was removed, moved or inserted)' };
  if (typeof parsed.stream !== 'string' || typeof parsed.type !== 'string' || typeof parsed.key !== 'string' || typeof parsed.at !== 'string') {
    return { reason: 'record without stream, type, key or time' };
  }
  const data = typeof parsed.data === 'object' && parsed.data !== null ? (parsed.data as Record<string, unknown>) : {};
  return { entry: { seq, at: parsed.at, stream: parsed.stream, type: parsed.type, key: parsed.key, data }, hash };
}

/** Whether `fragment` (the file's last bytes, no newline) is what a write of record `seq` left when cut short. */
export function isTornWrite(fragment: string, seq: number, prev: string): boolean {
  if (fragment.length === 0 || Buffer.byteLength(fragment) >= MAX_RECORD_BYTES || fragment.includes('\u0000')) return false;
  const head = headOf(seq, prev);
  // Stryker disable next-line EqualityOperator: at equal lengths both tests are the same comparison
  return fragment.length <= head.length ? head.startsWith(fragment) : fragment.startsWith(head);
}

/** Verify a whole journal file's text. Never throws; see {@link ChainScan}. */
export function verifyChain(text: string): ChainScan {
  const entries: JournalEntry[] = [];
  const hashes: string[] = [];
  const lines: string[] = [];
  let goodBytes = 0;
  let prev = GENESIS;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const seq = entries.length + 1;
    if (end < 0) {
      const fragment = text.slice(start);
      if (isTornWrite(fragment, seq, prev)) return { entries, hashes, lines, goodBytes, tornBytes: Buffer.byteLength(fragment), damage: undefined };
      return { entries, hashes, lines, goodBytes, tornBytes: 0, damage: { line: seq, reason: `${checkFragment(fragment, seq)} at the end of the file (no newline)` } };
    }
    const line = text.slice(start, end);
    const checked = checkLine(line, seq, prev);
    if ('reason' in checked) return { entries, hashes, lines, goodBytes, tornBytes: 0, damage: { line: seq, reason: checked.reason } };
    entries.push(checked.entry);
    hashes.push(checked.hash);
    lines.push(`${line}\n`);
    goodBytes += Buffer.byteLength(line) + 1;
    prev = checked.hash;
    start = end + 1;
  }
  return { entries, hashes, lines, goodBytes, tornBytes: 0, damage: undefined };
}

/** Why the file's last bytes (no newline) are not a torn write of record `seq`. */
function checkFragment(fragment: string, seq: number): string {
  if (fragment.includes('\u0000')) return 'zero bytes';
  if (Buffer.byteLength(fragment) >= MAX_RECORD_BYTES) return 'more bytes than any record';
  return `bytes that are not the start of record ${seq}`;
}
