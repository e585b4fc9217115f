/**
 * The reliability table's rows. Each fault, fuzz, load and security test records what it measured with
 * {@link record}; `render-reliability.ts` turns the rows of the last run into docs/reliability.md.
 * One file per row id, so a rerun of one suite replaces only its own rows.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Section = 'fault' | 'input' | 'load' | 'security' | 'oracle';

export interface Row {
  /** Stable id, also the file name (e.g. `fault.broker-kill`). */
  id: string;
  section: Section;
  /** The fault or input family, in a few words. */
  what: string;
  /** What was in flight when it happened (faults), or the case count (fuzz). */
  inFlight: string;
  /** What kioskd did. */
  behaviour: string;
  /** The figure measured. */
  figure: string;
  /** Nothing lost, nothing duplicated (as checked by the test). */
  lostOrDuplicated: string;
  /** The test that proves it. */
  test: string;
  at?: string;
}

/**
 * An oracle row (section `oracle`): `what` the codec or parser, `inFlight` the independent oracle,
 * `figure` the cases, `behaviour` the result.
 */
export function recordOracle(id: string, row: { codec: string; oracle: string; cases: string; result: string; test: string }): void {
  record({ id: `oracle.${id}`, section: 'oracle', what: row.codec, inFlight: row.oracle, behaviour: row.result, figure: row.cases, lostOrDuplicated: '-', test: row.test });
}

/** Where rows go; the npm scripts also write vitest's JSON report here (vitest-*.json). */
export const reportDir = process.env.KIOSKD_RELIABILITY_DIR ?? join(tmpdir(), 'kioskd-reliability');

export function record(row: Row): void {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, `${row.id}.json`), JSON.stringify({ ...row, at: new Date().toISOString() }, null, 2));
}

export function readRows(): Row[] {
  let names: string[] = [];
  try {
    names = readdirSync(reportDir).filter((n) => /^(fault|input|load|security|oracle)\..*\.json$/.test(n));
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(reportDir, n), 'utf8')) as Row).sort((a, b) => a.id.localeCompare(b.id));
}
