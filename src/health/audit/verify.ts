/**
 * `kioskd audit verify` and the `audit-verify` bridge op: the audit trail diagnosed against its head
 * marker, and the money journal checked against the last journal record the trail pinned — which is how
 * both journal copies deleted or cut together (invisible to the copies themselves) are found. Read-only.
 */
import { readFile } from 'node:fs/promises';
import { verifyChain } from '../../core/journal-chain.js';
import { diagnoseChain, type Finding } from './diagnose.js';
import { pinnedJournalHead } from './money.js';
import { readTrail } from './trail.js';

export interface AuditVerification {
  records: number;
  verified: number;
  head: string | null;
  findings: Finding[];
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

export async function verifyAudit(auditDir: string, journalPath: string, mirrorPath: string): Promise<AuditVerification> {
  const { text, known } = await readTrail(auditDir);
  const d = diagnoseChain(text, known);
  const findings = [...d.findings];
  const pinned = pinnedJournalHead(verifyChain(text).entries);
  if (pinned) {
    const [journal, mirror] = await Promise.all([readText(journalPath), readText(mirrorPath)]);
    const copies = [
      { name: journalPath, scan: verifyChain(journal ?? '') },
      { name: mirrorPath, scan: verifyChain(mirror ?? '') },
    ];
    const best = copies.reduce((a, b) => (b.scan.entries.length > a.scan.entries.length ? b : a));
    const n = best.scan.entries.length;
    if (n < pinned.seq) {
      findings.push({
        kind: 'truncated', line: n + 1, seq: Array.from({ length: pinned.seq - n }, (_, k) => n + 1 + k),
        message: `money journal: ${journal === undefined && mirror === undefined ? 'both copies are missing' : `the longest copy (${best.name}) verifies ${n} records`} but the audit trail saw record ${pinned.seq}: records ${n + 1}-${pinned.seq} were deleted from both copies`,
      });
    } else if (best.scan.hashes[pinned.seq - 1] !== pinned.hash) {
      findings.push({ kind: 'rewritten', line: pinned.seq, seq: [pinned.seq], message: `money journal: record ${pinned.seq} differs from the one the audit trail saw (both copies rewritten)` });
    }
  }
  return { records: d.records, verified: d.verified, head: d.head ?? null, findings };
}
