/**
 * Renders docs/reliability.md from the rows the fault, fuzz, load and security suites recorded in this
 * run (test/faults/report.ts). Run by `npm run test:faults|test:fuzz|test:load` after the tests.
 * `--check` exits 1 when a section has no rows (a suite did not run).
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRows, reportDir, type Row, type Section } from './report.js';

const root = join(import.meta.dirname, '..', '..');
const TITLES: Record<Section, string> = {
  fault: 'Faults injected',
  input: 'Bad input (fuzzing with fast-check)',
  load: 'Load',
  security: 'Security',
  oracle: 'Independent oracles: every codec and parser against something kioskd did not write',
};
const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function oracleTable(rows: Row[]): string {
  const head = '| Codec or parser | Independent oracle | Cases | Result | Test |\n|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${cell(r.what)} | ${cell(r.inFlight)} | ${cell(r.figure)} | ${cell(r.behaviour)} | \`${r.test}\` |`)].join('\n');
}

function table(rows: Row[]): string {
  const head = '| What | In flight | What kioskd did | Measured | Lost / duplicated | Test |\n|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${cell(r.what)} | ${cell(r.inFlight)} | ${cell(r.behaviour)} | ${cell(r.figure)} | ${cell(r.lostOrDuplicated)} | \`${r.test}\` |`)].join('\n');
}

/**
 * Faults whose proof is a device helper's own test: not re-implemented here, but their result in this
 * run is read from vitest's JSON report (npm run test:faults includes them; CI's .vitest-report.json too).
 */
const REFERENCED: Array<{ file: string; match: RegExp; what: string; inFlight: string; behaviour: string }> = [
  { file: 'test/integration/card-kill.test.ts', match: /phase|card number/, what: 'kill -9 of the daemon mid-sale, in each of 5 phases, then restart', inFlight: 'a card sale (intent journaled / at the card / status received / reversal / answered)', behaviour: 'journal and terminal reconciled; true outcome published as event/recovered; no sale sent twice' },
  { file: 'test/integration/cash-kill.test.ts', match: /kills/, what: 'kill -9 of the daemon mid-cash-acceptance, 100 randomised kills', inFlight: 'cash accepts with notes in escrow, stacking, recovering', behaviour: 'after every restart: journal == stacked; no credit lost or doubled' },
  { file: 'test/integration/scanner.test.ts', match: /unplugged mid-document/, what: 'ID reader unplugged mid-document (PTY removed), re-plugged', inFlight: 'an MRZ half read', behaviour: 'incomplete document event, offline, ready again at the same path' },
  { file: 'test/integration/cash.test.ts', match: /power cut|jam mid-session|silent/, what: 'note validator power cut mid-stack, jam mid-session, silent validator', inFlight: 'a cash accept', behaviour: 'note reconciled by its counter; jam = fault CASH_JAM, stuck note credited when cleared; silence = session ends as fault' },
  { file: 'test/integration/card.test.ts', match: /silent terminal/, what: 'card terminal goes silent mid-sale', inFlight: 'a card sale', behaviour: 'answers failed/unknown, then publishes the reconciled outcome' },
  { file: 'test/integration/lifecycle.test.ts', match: /kill -9|killed and restarted/, what: 'daemon kill -9 (last will); broker killed and restarted (retained state republished)', inFlight: 'idle daemon process', behaviour: 'broker publishes offline/connection-lost; daemon republishes birth and state' },
];

interface VitestReport { testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string; duration?: number | null }> }> }

function referencedRows(): Row[] {
  const reports: VitestReport[] = [];
  const candidates = [join(root, '.vitest-report.json'), ...(existsSync(reportDir) ? readdirSync(reportDir).filter((n) => /^vitest-.*\.json$/.test(n)).map((n) => join(reportDir, n)) : [])];
  for (const path of candidates) {
    try {
      reports.push(JSON.parse(readFileSync(path, 'utf8')) as VitestReport);
    } catch {
      /* absent or unreadable: that suite did not run */
    }
  }
  return REFERENCED.map((ref, i) => {
    const results = reports.flatMap((r) => r.testResults.filter((t) => t.name.endsWith(ref.file)).flatMap((t) => t.assertionResults.filter((a) => ref.match.test(a.title))));
    const passed = results.filter((a) => a.status === 'passed').length;
    const seconds = results.reduce((a, r) => a + (r.duration ?? 0), 0) / 1000;
    return {
      id: `fault.ref-${i}`,
      section: 'fault' as const,
      what: ref.what,
      inFlight: ref.inFlight,
      behaviour: ref.behaviour,
      figure: results.length ? `${passed}/${results.length} tests passed in this run (${seconds.toFixed(1)} s)` : 'not run in this pass',
      lostOrDuplicated: results.length && passed === results.length ? 'as asserted by the test' : '-',
      test: ref.file,
    };
  });
}

const rows = [...readRows(), ...referencedRows()];
const when = rows.flatMap((r) => (r.at ? [r.at] : [])).sort();
const out = [
  '# Reliability: independent oracles, faults, bad input, load, security',
  '',
  `Generated by the suites (\`npm run test:oracle\`, \`npm run test:faults\`, \`npm run test:fuzz\`, \`npm run test:load\`) from the figures they measured;`,
  `do not edit by hand. Run ${when[0]?.slice(0, 16) ?? '?'} to ${when.at(-1)?.slice(0, 16) ?? '?'} UTC on ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  '',
  ...(['oracle', 'fault', 'input', 'load', 'security'] as const).flatMap((s) => {
    const r = rows.filter((x) => x.section === s);
    return [`## ${TITLES[s]}`, '', r.length ? (s === 'oracle' ? oracleTable(r) : table(r)) : '_not run in this pass_', ''];
  }),
].join('\n');
const findings = [
  '## Findings',
  '',
  'Fixed after this suite found them (each now has a test):',
  '',
  '- Card terminal on a serial line, cable pulled mid-sale: never reconciled; now recovers the true outcome (`test/faults/card-serial-unplug.test.ts`).',
  '- Printer PNG declaring 12000 x 12000 (+827 MiB RSS from 187 KB of base64): refused from its header (`test/unit/printer/image-bomb.test.ts`).',
  '- MQTT 5 `responseTopic` under the kiosk root (a forged `device/cash/event/credit`): refused with INVALID_RESPONSE_TOPIC (`test/integration/contract.test.ts`).',
  '- Keyboard-wedge line without Enter grew without bound: capped at 8 KiB (`test/unit/scanner/wedge-bound.test.ts`); printer `lang` bounded.',
  '- Commands named `toString`, `valueOf`, `__proto__` answered INTERNAL: own-key lookup (`test/fuzz/mqtt-e2e.test.ts`).',
  '',
  'Open (details in [security.md](security.md#gaps-found-by-these-suites)):',
  '',
  '- The `requester` MQTT 5 user property is declared by the client: informational in audit logs, not an identity.',
  '',
].join('\n');
writeFileSync(join(root, 'docs', 'reliability.md'), `${out}\n${findings}`);
process.stdout.write(`docs/reliability.md: ${rows.length} rows from ${reportDir}\n`);
if (process.argv.includes('--check') && (['fault', 'input', 'load', 'security'] as const).some((s) => !rows.some((r) => r.section === s))) process.exit(1);
