/** RESULTS.md: the machine, the verdicts against the targets, then every section as a table. */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import type { BenchSection, Verdict } from './section.js';
import { yes } from './section.js';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  kernel: string;
  node: string;
  mosquitto: string;
  date: string;
  commit: string;
}

export function machine(mosquitto: string): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* not a checkout */
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    mosquitto,
    date: new Date().toISOString(),
    commit,
  };
}

function cell(v: unknown): string {
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v == null ? '' : JSON.stringify(v);
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function table(rows: readonly unknown[]): string[] {
  if (rows.length === 0) return ['(no rows)'];
  if (rows.every((r) => Array.isArray(r))) {
    const arr = rows as unknown[][];
    const width = Math.max(...arr.map((r) => r.length));
    const [head, ...body] = arr;
    return [
      `| ${(head ?? []).map(cell).join(' | ')} |`,
      `|${' --- |'.repeat(width)}`,
      ...body.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ];
  }
  const objs = rows as Array<Record<string, unknown>>;
  const keys = [...new Set(objs.flatMap((r) => Object.keys(r)))];
  return [`| ${keys.map(cell).join(' | ')} |`, `|${' --- |'.repeat(keys.length)}`, ...objs.map((r) => `| ${keys.map((k) => cell(r[k])).join(' | ')} |`)];
}

export function renderResults(o: { machine: Machine; quick: boolean; totalSec: number; verdicts: Verdict[]; sections: BenchSection[]; failures: string[] }): string {
  const m = o.machine;
  const met = o.verdicts.filter((v) => v.met).length;
  const lines = [
    '# kioskd benchmark results',
    '',
    `Written by \`npm run bench${o.quick ? ' -- --quick' : ''}\` (bench/run.ts) in ${o.totalSec.toFixed(0)} s. Every latency is a ratio against a floor measured in the same run; see docs/performance.md for what each figure means and what was changed to reach it.`,
    '',
    '## Machine',
    '',
    `| CPU | cores | memory | kernel | Node | Mosquitto | date | commit |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${cell(m.cpu)} | ${m.cores} | ${m.memory} | ${cell(m.kernel)} | ${m.node} | ${m.mosquitto} | ${m.date} | ${m.commit} |`,
    '',
    `## Targets (${met} of ${o.verdicts.length} met)`,
    '',
    ...table(o.verdicts.map((v) => ({ figure: v.figure, measured: v.value, target: v.target, met: yes(v.met) }))),
    '',
  ];
  if (o.failures.length) lines.push('## Benchmarks that failed', '', ...o.failures.map((f) => `- ${cell(f)}`), '');
  for (const s of o.sections) {
    lines.push(`## ${s.title}`, '', ...table(s.rows), '');
    for (const n of s.notes ?? []) lines.push(n, '');
  }
  return lines.join('\n');
}
