/**
 * Opening the journal's two copies (the journal and its mirror): decide, from what is on disk, whether
 * the money history is whole, whether a repair is safe, or whether to refuse. Pure: no I/O.
 *
 * Appends write the journal (fdatasync), then the mirror (fdatasync), then resolve. So at any crash the
 * mirror holds the journal's records, or all but the last; and only the file being written at the crash
 * can end in a torn write. Everything else is damage: refused with JOURNAL_CORRUPT naming the file and
 * line, and neither file is touched.
 */
import { KioskError } from './errors.js';
import { verifyChain, type ChainDamage, type ChainScan } from './journal-chain.js';

export interface CopyPlan {
  /** The verified history (the journal's). */
  readonly scan: ChainScan;
  /** Cut the journal to this many bytes (a torn final write after them), or undefined to leave it. */
  readonly cutJournal: number | undefined;
  /** Cut the mirror to this many bytes, or undefined to leave it. */
  readonly cutMirror: number | undefined;
  /** Lines to append to the mirror after the cut (the journal's last record, when a crash came between the two writes). */
  readonly appendMirror: string[];
  /** What the repairs are, for the log. Empty when both copies were whole (a missing file is simply created). */
  readonly repairs: string[];
}

const EMPTY = verifyChain('');

/** Where to cut a copy that ends in a torn write. */
function cutOf(scan: ChainScan): number | undefined {
  return scan.tornBytes > 0 ? scan.goodBytes : undefined;
}

export function journalCorrupt(file: string, damage: ChainDamage): KioskError {
  return new KioskError(
    'JOURNAL_CORRUPT',
    `money journal ${file} line ${damage.line}: ${damage.reason}. The file is left as it is; money devices stay in fault until a technician recovers it (kioskd journal verify / kioskd journal recover)`,
    { details: { file, line: damage.line, reason: damage.reason } },
  );
}

/** What to do with the journal (`p`) and mirror (`m`) bytes as read (undefined: the file is missing). */
export function planCopies(paths: { journal: string; mirror: string }, p: Buffer | undefined, m: Buffer | undefined): CopyPlan {
  if (!p && !m) return { scan: EMPTY, cutJournal: undefined, cutMirror: undefined, appendMirror: [], repairs: [] };
  const sp = p ? verifyChain(p.toString('utf8')) : undefined;
  const sm = m ? verifyChain(m.toString('utf8')) : undefined;
  if (sp?.damage) throw journalCorrupt(paths.journal, sp.damage);
  if (sm?.damage) throw journalCorrupt(paths.mirror, sm.damage);
  if (!sp || !sm) return oneMissing(paths, sp, sm);
  const pn = sp.entries.length;
  const mn = sm.entries.length;
  for (let i = 0; i < Math.min(pn, mn); i++) {
    if (sp.hashes[i] !== sm.hashes[i]) throw journalCorrupt(paths.mirror, { line: i + 1, reason: `differs from line ${i + 1} of ${paths.journal}` });
  }
  if (mn > pn) {
    throw journalCorrupt(paths.journal, { line: pn + 1, reason: `the file ends after record ${pn} but its mirror holds ${mn} records: records are missing (truncated or cut)` });
  }
  if (pn > mn + 1) {
    throw journalCorrupt(paths.mirror, { line: mn + 1, reason: `the mirror ends after record ${mn} but ${paths.journal} holds ${pn} records` });
  }
  if (sp.tornBytes > 0 && pn !== mn) {
    throw journalCorrupt(paths.journal, { line: pn + 1, reason: 'a torn write follows a record its mirror does not have' });
  }
  const repairs: string[] = [];
  if (sp.tornBytes > 0) repairs.push(`${paths.journal}: cut a torn final write of ${sp.tornBytes} bytes after record ${pn} (power cut while appending record ${pn + 1}, never acknowledged)`);
  if (sm.tornBytes > 0) repairs.push(`${paths.mirror}: cut a torn final write of ${sm.tornBytes} bytes after record ${mn}`);
  const appendMirror = pn === mn + 1 ? sp.lines.slice(mn) : [];
  if (appendMirror.length > 0) repairs.push(`${paths.mirror}: copied record ${pn} from the journal (the process stopped between the journal's write and the mirror's)`);
  return { scan: sp, cutJournal: cutOf(sp), cutMirror: cutOf(sm), appendMirror, repairs };
}

function oneMissing(paths: { journal: string; mirror: string }, sp: ChainScan | undefined, sm: ChainScan | undefined): CopyPlan {
  const present = (sp ?? sm) as ChainScan;
  const [missing, other] = sp ? [paths.mirror, paths.journal] : [paths.journal, paths.mirror];
  if (present.entries.length > 0) {
    throw journalCorrupt(missing, { line: 1, reason: `the file is missing, but ${other} holds ${present.entries.length} records (deleted?)` });
  }
  return {
    scan: EMPTY,
    cutJournal: sp && cutOf(sp),
    cutMirror: sm && cutOf(sm),
    appendMirror: [],
    repairs: [`${missing}: missing while ${other} holds no record; created empty`],
  };
}
