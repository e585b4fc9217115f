/**
 * Names what happened to a hash-chained log (the audit trail, the money journal: journal-chain.ts
 * format) — not only where verification stops, but what the damage looks like: a record edited in place,
 * a record deleted, records swapped, a tail cut off (against a head known from elsewhere: the head
 * marker, the fleet). Pure: text in, findings out. Every line is read on its own (its seq, prev and h),
 * so findings after the first break are reported too.
 */
import { createHash } from 'node:crypto';
import { GENESIS, recordHash, verifyChain } from '../../core/journal-chain.js';

export type FindingKind = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'truncated' | 'garbage' | 'rewritten';

export interface Finding {
  readonly kind: FindingKind;
  /** 1-based line in the file (the line after the file's end for a cut tail). */
  readonly line: number;
  /** The record(s) concerned, by sequence number. */
  readonly seq: number[];
  readonly message: string;
}

export interface KnownHead {
  readonly length: number;
  /** The last record's `h` (32 hex, as in the file). */
  readonly hash: string;
  /** Where the head was known from: `head marker`, `fleet`, `audit trail`. */
  readonly source: string;
}

export interface Diagnosis {
  readonly records: number;
  /** Records that verify from the start of the file. */
  readonly verified: number;
  readonly findings: readonly Finding[];
  /** SHA-256 (hex) of the last verified line: the head sent to the fleet. */
  readonly head: string | undefined;
  readonly lastHash: string;
}

interface Parsed {
  line: number;
  seq: number | undefined;
  prev: string | undefined;
  h: string | undefined;
  hashOk: boolean;
  what: string;
}

function parseLine(text: string, line: number): Parsed {
  const at = text.lastIndexOf(',"h":"');
  const h = at >= 0 && text.endsWith('"}') ? text.slice(at + 6, -2) : undefined;
  let seq: number | undefined;
  let prev: string | undefined;
  let what = '';
  try {
    const o = JSON.parse(text) as { seq?: unknown; prev?: unknown; stream?: unknown; type?: unknown; key?: unknown };
    seq = typeof o.seq === 'number' ? o.seq : undefined;
    prev = typeof o.prev === 'string' ? o.prev : undefined;
    what = `${String(o.stream)} ${String(o.type)} ${String(o.key)}`;
  } catch {
    /* not JSON: garbage */
  }
  const hashOk = h !== undefined && at >= 0 && recordHash(`${text.slice(0, at)}}`) === h;
  return { line, seq, prev, h, hashOk, what };
}

/** Diagnose a whole log; `known` is a head recorded elsewhere (it catches a cut tail). */
export function diagnoseChain(text: string, known?: KnownHead): Diagnosis {
  const scan = verifyChain(text);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parsed = lines.map((l, i) => parseLine(l, i + 1));
  const findings: Finding[] = [];
  const byHash = new Map(parsed.filter((p) => p.h).map((p) => [p.h as string, p]));
  let expectSeq = 1;
  let prevHash = GENESIS;
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i] as Parsed;
    if (p.seq === undefined || p.h === undefined) {
      findings.push({ kind: 'garbage', line: p.line, seq: [], message: `line ${p.line} is not a record` });
      continue;
    }
    if (!p.hashOk) findings.push({ kind: 'edited', line: p.line, seq: [p.seq], message: `record ${p.seq} (${p.what}) was edited after it was written: its content no longer matches its hash` });
    if (p.seq !== expectSeq) {
      const next = parsed[i + 1];
      if (p.seq === expectSeq + 1 && next?.seq === expectSeq) {
        findings.push({ kind: 'reordered', line: p.line, seq: [expectSeq, p.seq], message: `records ${expectSeq} and ${p.seq} are swapped (lines ${p.line} and ${next.line})` });
        if (!next.hashOk) findings.push({ kind: 'edited', line: next.line, seq: [expectSeq], message: `record ${expectSeq} (${next.what}) was edited after it was written: its content no longer matches its hash` });
        // Go on after the pair as if it were in order.
        expectSeq = p.seq + 1;
        prevHash = p.h;
        i++;
        continue;
      } else if (p.seq > expectSeq) {
        const missing = Array.from({ length: p.seq - expectSeq }, (_, k) => expectSeq + k);
        findings.push({ kind: 'deleted', line: p.line, seq: missing, message: `${missing.length === 1 ? `record ${expectSeq} is` : `records ${expectSeq}-${p.seq - 1} are`} missing before line ${p.line} (deleted)` });
      } else findings.push({ kind: 'inserted', line: p.line, seq: [p.seq], message: `record ${p.seq} appears again at line ${p.line} (inserted or duplicated)` });
    } else if (p.prev !== prevHash && p.hashOk && !byHash.has(p.prev ?? '')) {
      findings.push({ kind: 'rewritten', line: p.line, seq: [p.seq], message: `record ${p.seq} does not follow the record before it (the log was rewritten from here)` });
    }
    expectSeq = p.seq + 1;
    prevHash = p.h;
  }
  const records = parsed.length;
  const lastSeq = parsed.at(-1)?.seq ?? 0;
  if (known && known.length > lastSeq) {
    const missing = known.length - lastSeq;
    findings.push({
      kind: 'truncated', line: records + 1, seq: Array.from({ length: missing }, (_, k) => lastSeq + 1 + k),
      message: `the log ends at record ${lastSeq} but the ${known.source} says it had ${known.length}: ${missing === 1 ? `record ${known.length} was` : `records ${lastSeq + 1}-${known.length} were`} cut off`,
    });
  } else if (known && known.length > 0 && scan.damage === undefined && scan.hashes[known.length - 1] !== known.hash) {
    findings.push({ kind: 'rewritten', line: known.length, seq: [known.length], message: `record ${known.length} differs from the one the ${known.source} recorded (the log was rewritten)` });
  }
  const lastLine = scan.lines.at(-1);
  return {
    records,
    verified: scan.entries.length,
    findings,
    head: lastLine === undefined ? undefined : sha256(lastLine),
    lastHash: scan.hashes.at(-1) ?? GENESIS,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
