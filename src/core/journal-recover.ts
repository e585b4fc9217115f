/**
 * A technician's way out of JOURNAL_CORRUPT: inspect both copies, keep the longest history that
 * verifies in either, move the damaged files aside (never delete a byte), and write both copies anew
 * with one more record saying who recovered what, from which copy, what was cut, and which idempotency
 * keys appear in the cut lines. Those keys stay quarantined: a request that reuses one is refused,
 * because what became of its operation is unknown and retrying could charge a card twice.
 *
 * Refuses when the journal verifies (JOURNAL_NOT_DAMAGED), and when both copies verify up to a record
 * they disagree on, unless the technician says which copy to believe (`prefer`).
 */
import { dirname } from 'node:path';
import { KioskError } from './errors.js';
import { encodeRecord, GENESIS, verifyChain, type ChainDamage, type ChainScan } from './journal-chain.js';
import { journalCorrupt, planCopies } from './journal-copies.js';
import { nodeJournalFs, type JournalFs } from './journal-fs.js';
import { RECOVERY_STREAM, RECOVERY_TYPE } from './journal.js';

export interface CopyReport {
  readonly file: string;
  readonly exists: boolean;
  /** Records that verify, from the first. */
  readonly records: number;
  readonly tornBytes: number;
  readonly damage?: ChainDamage;
}

export interface JournalInspection {
  readonly journal: CopyReport;
  readonly mirror: CopyReport;
  /** Undefined when the journal would open (possibly after a logged repair); else why it refuses. */
  readonly refusal?: { file: string; line: number; reason: string };
}

export interface RecoveryRequest {
  readonly path: string;
  readonly mirrorPath: string;
  readonly technician: string;
  readonly reason: string;
  readonly requester?: string | undefined;
  readonly prefer?: 'journal' | 'mirror' | undefined;
  readonly now: () => string;
  readonly fs?: JournalFs;
}

export interface RecoveryReport {
  readonly from: 'journal' | 'mirror';
  /** Records kept (the recovery record comes after them). */
  readonly kept: number;
  readonly journal: CopyReport;
  readonly mirror: CopyReport;
  readonly quarantined: Array<{ stream: string; key: string }>;
  readonly movedAside: string[];
}

interface Copy {
  readonly report: CopyReport;
  readonly scan: ChainScan | undefined;
  readonly text: string;
}

function copyOf(file: string, bytes: Buffer | undefined): Copy {
  if (!bytes) return { report: { file, exists: false, records: 0, tornBytes: 0 }, scan: undefined, text: '' };
  const text = bytes.toString('utf8');
  const scan = verifyChain(text);
  const report = { file, exists: true, records: scan.entries.length, tornBytes: scan.tornBytes, ...(scan.damage ? { damage: scan.damage } : {}) };
  return { report, scan, text };
}

/** Read-only: what each copy holds and whether the journal would open. */
export async function inspectJournal(path: string, mirrorPath: string, fs: JournalFs = nodeJournalFs): Promise<JournalInspection> {
  const [p, m] = await Promise.all([fs.read(path), fs.read(mirrorPath)]);
  const journal = copyOf(path, p).report;
  const mirror = copyOf(mirrorPath, m).report;
  try {
    planCopies({ journal: path, mirror: mirrorPath }, p, m);
    return { journal, mirror };
  } catch (err) {
    if (!(err instanceof KioskError) || err.code !== 'JOURNAL_CORRUPT') throw err;
    const d = err.details as { file: string; line: number; reason: string };
    return { journal, mirror, refusal: { file: d.file, line: d.line, reason: d.reason } };
  }
}

/** Every `{stream, key}` named in `text` from line `from` (0-based) on, damaged lines included. */
export function keysInLines(text: string, from: number): Array<{ stream: string; key: string }> {
  const found = new Map<string, { stream: string; key: string }>();
  for (const line of text.split('\n').slice(from)) {
    const stream = /"stream":"([^"\\]{1,64})"/.exec(line)?.[1];
    const key = /"key":"((?:[^"\\]|\\.){1,256})"/.exec(line)?.[1];
    if (stream === undefined || key === undefined || stream === RECOVERY_STREAM) continue;
    let k = key;
    try {
      k = JSON.parse(`"${key}"`) as string;
    } catch {
      /* keep the raw text */
    }
    found.set(`${stream}\u0000${k}`, { stream, key: k });
  }
  return [...found.values()];
}

function choose(j: Copy, m: Copy, prefer: 'journal' | 'mirror' | undefined): { from: 'journal' | 'mirror'; copy: Copy } {
  const jn = j.scan?.entries.length ?? 0;
  const mn = m.scan?.entries.length ?? 0;
  for (let i = 0; i < Math.min(jn, mn); i++) {
    if (j.scan?.hashes[i] === m.scan?.hashes[i]) continue;
    if (!prefer) throw journalCorrupt(m.report.file, { line: i + 1, reason: `both copies verify but differ from line ${i + 1}: say which one to keep (prefer journal|mirror)` });
    return prefer === 'journal' ? { from: 'journal', copy: j } : { from: 'mirror', copy: m };
  }
  if (prefer) return prefer === 'journal' ? { from: 'journal', copy: j } : { from: 'mirror', copy: m };
  return mn > jn ? { from: 'mirror', copy: m } : { from: 'journal', copy: j };
}

/** Recover a journal that refuses to open; see the module comment. */
export async function recoverJournal(req: RecoveryRequest): Promise<RecoveryReport> {
  const fs = req.fs ?? nodeJournalFs;
  const [p, mb] = await Promise.all([fs.read(req.path), fs.read(req.mirrorPath)]);
  try {
    planCopies({ journal: req.path, mirror: req.mirrorPath }, p, mb);
    throw new KioskError('JOURNAL_NOT_DAMAGED', `${req.path} and its mirror verify; nothing to recover`);
  } catch (err) {
    if (!(err instanceof KioskError) || err.code !== 'JOURNAL_CORRUPT') throw err;
  }
  const j = copyOf(req.path, p);
  const m = copyOf(req.mirrorPath, mb);
  const { from, copy } = choose(j, m, req.prefer);
  const kept = copy.scan?.entries.length ?? 0;
  const quarantined = [...new Map([...keysInLines(j.text, kept), ...keysInLines(m.text, kept)].map((q) => [`${q.stream}\u0000${q.key}`, q])).values()];
  const stamp = req.now().replace(/[:.]/g, '-');
  const movedAside: string[] = [];
  for (const [file, existed] of [[req.path, p !== undefined], [req.mirrorPath, mb !== undefined]] as const) {
    if (!existed) continue;
    const aside = `${file}.damaged-${stamp}`;
    await fs.rename(file, aside);
    movedAside.push(aside);
  }
  const record = encodeRecord(
    {
      seq: kept + 1,
      at: req.now(),
      stream: RECOVERY_STREAM,
      type: RECOVERY_TYPE,
      key: `recovery-${stamp}`,
      data: {
        technician: req.technician, reason: req.reason, ...(req.requester ? { requester: req.requester } : {}), from, kept,
        journal: j.report, mirror: m.report, quarantined, movedAside,
      },
    },
    copy.scan?.hashes.at(-1) ?? GENESIS,
  );
  const text = Buffer.from([...(copy.scan?.lines ?? []), record.line].join(''), 'utf8');
  for (const file of [req.path, req.mirrorPath]) {
    await fs.mkdirp(dirname(file));
    const tmp = `${file}.recovering-${stamp}`;
    const handle = await fs.openAppend(tmp);
    try {
      await handle.truncate(0);
      for (let done = 0; done < text.length; ) {
        const { bytesWritten } = await handle.write(text, done, text.length - done);
        if (bytesWritten <= 0) throw new KioskError('JOURNAL_UNAVAILABLE', `short write to ${tmp}`);
        done += bytesWritten;
      }
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    await fs.syncDir(dirname(file));
  }
  return { from, kept, journal: j.report, mirror: m.report, quarantined, movedAside };
}
