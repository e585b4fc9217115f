/**
 * After `stryker run` (npm run test:mutation): reduce reports/mutation/mutation.json to the committed
 * summary reports/mutation/summary.json — per file: mutants killed, timed out, survived, not covered,
 * ignored (log lines) and disabled (equivalent, each with its reason in the source), the score, and
 * every surviving mutant with its line — which render-reliability.ts puts into docs/reliability.md.
 * The score counts timeouts as killed (Stryker's own convention: the mutant hung the tests).
 */
import { cpus } from 'node:os';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
interface Mutant { status: string; mutatorName: string; replacement?: string; location: { start: { line: number; column: number } }; statusReason?: string }
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }

const path = join(root, 'reports', 'mutation', 'mutation.json');
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
const count = (ms: Mutant[], s: string): number => ms.filter((m) => m.status === s).length;
const files = Object.entries(report.files).map(([file, f]) => {
  const killed = count(f.mutants, 'Killed') + count(f.mutants, 'Timeout');
  const survived = count(f.mutants, 'Survived');
  const noCoverage = count(f.mutants, 'NoCoverage');
  const lines = f.source.split('\n');
  return {
    file: relative(root, file),
    killed,
    survived,
    noCoverage,
    ignored: count(f.mutants, 'Ignored'),
    score: Math.round((1000 * killed) / Math.max(1, killed + survived + noCoverage)) / 10,
    survivors: f.mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .map((m) => ({ line: m.location.start.line, mutator: m.mutatorName, replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60), code: (lines[m.location.start.line - 1] ?? '').trim().slice(0, 100) })),
  };
});
const totals = files.reduce((a, f) => ({ killed: a.killed + f.killed, survived: a.survived + f.survived, noCoverage: a.noCoverage + f.noCoverage, ignored: a.ignored + f.ignored }), { killed: 0, survived: 0, noCoverage: 0, ignored: 0 });
const summary = {
  at: statSync(path).mtime.toISOString(),
  machine: `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`,
  tool: 'StrykerJS 9.6.1, vitest runner (test/mutation/vitest.config.ts), stryker.config.json',
  totals: { ...totals, score: Math.round((1000 * totals.killed) / Math.max(1, totals.killed + totals.survived + totals.noCoverage)) / 10 },
  files,
};
writeFileSync(join(root, 'reports', 'mutation', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`mutation score ${summary.totals.score} % (${totals.killed} killed, ${totals.survived} survived, ${totals.noCoverage} not covered, ${totals.ignored} log lines ignored)\n`);
for (const f of files) process.stdout.write(`  ${f.file}: ${f.score} %\n`);
