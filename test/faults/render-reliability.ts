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
interface MutationSummary {
  at: string;
  machine: string;
  tool: string;
  totals: { killed: number; survived: number; noCoverage: number; ignored: number; score: number };
  files: Array<{ file: string; killed: number; survived: number; noCoverage: number; ignored: number; score: number; survivors: Array<{ line: number; mutator: string; replacement: string; code: string }> }>;
}

/**
 * Survivors read by hand and found equivalent (no input can tell them from the original), keyed by file
 * and a piece of the mutated line. A survivor matching none is listed as "not reviewed".
 */
const EQUIVALENT: Array<{ file: string; code: string; why: string }> = [
  { file: 'src/drivers/card/outcome.ts', code: "last.kind === 'known'", why: "reached only after judge() found a transaction, so always 'known'" },
  { file: 'src/drivers/card/outcome.ts', code: 'verdict.trace !== undefined', why: 'judge() returns a transaction only when its trace is defined' },
  { file: 'src/core/journal-chain.ts', code: 'at < 0', why: "at = 0 is a line starting with ',\"h\":\"', refused by the other checks all the same" },
  { file: 'src/core/journal-copies.ts', code: 'pn === mn + 1', why: 'pn is mn or mn + 1 here, and slice(mn) of mn lines is empty' },
  { file: 'src/core/journal-copies.ts', code: '&& cutOf(', why: 'the copy holds no record: cutting it to 0 bytes or to its verified 0 bytes is the same' },
  { file: 'src/core/journal.ts', code: 'this.entries.length - 1', why: 'starting one past the end reads an undefined entry that the guard skips' },
  { file: 'src/drivers/card/ledger.ts', code: "?? '')", why: "the '' sentinel finds nothing; so does any other string that is not a key" },
];

/** The committed summary of the last `npm run test:mutation` (reports/mutation/summary.json). */
function mutationSection(): string {
  const path = join(root, 'reports', 'mutation', 'summary.json');
  if (!existsSync(path)) return '## Mutation testing\n\n_not run yet: npm run test:mutation_\n';
  const m = JSON.parse(readFileSync(path, 'utf8')) as MutationSummary;
  const rows = m.files.map((f) => `| \`${f.file}\` | ${f.score} % | ${f.killed} | ${f.survived} | ${f.noCoverage} | ${f.ignored} |`);
  const survivors = m.files.flatMap((f) =>
    f.survivors.map((s) => {
      const why = EQUIVALENT.find((e) => e.file === f.file && s.code.includes(e.code))?.why;
      return `- \`${f.file}:${s.line}\` ${s.mutator} → \`${cell(s.replacement)}\` in \`${cell(s.code)}\`: ${why ? `equivalent, ${why}` : '**not reviewed**'}`;
    }),
  );
  return [
    '## Mutation testing',
    '',
    `\`npm run test:mutation\` (not in CI; ~9 min on 2 cores): ${m.tool}. One run, ${m.at.slice(0, 16)} UTC on ${m.machine}.`,
    'A mutant is killed when a test fails with it (timeouts count as killed); statements that only write a log line are not mutated',
    '(test/mutation/ignore-logging.mjs), and the few equivalent mutants are disabled in the source with their reason (`// Stryker disable`).',
    '',
    '| File | Score | Killed | Survived | Not covered | Log lines (ignored) |',
    '|---|---|---|---|---|---|',
    ...rows,
    `| **all** | **${m.totals.score} %** | ${m.totals.killed} | ${m.totals.survived} | ${m.totals.noCoverage} | ${m.totals.ignored} |`,
    '',
    'Before this suite (issue 20, hand-made and Stryker mutants): `cash/note-flow.ts` 32 %, card `ledger.ts` 52 %, card `outcome.ts` 64 %, `core/journal.ts` 64 % (0 of 8 for its durability rules).',
    '',
    'Surviving mutants of this run, each read by hand:',
    '',
    ...(survivors.length ? survivors : ['- none']),
    '',
  ].join('\n');
}

const findings = [
  '## Findings',
  '',
  'Fixed after these suites found them (each now has a test):',
  '',
  '- A damaged money journal was silently "repaired" (a complete last line failing its hash cut, garbage and zeros truncating the file to 0 bytes, a deleted journal a fresh start): now only a torn final write is repaired, and logged; anything else is JOURNAL_CORRUPT naming file and line, both copies untouched, money devices in fault until `journal-recover` (`test/faults/journal-corrupt.test.ts`).',
  '- The UI user could refund 999,999.99 AED with no sale behind it, empty the cashbox, clear a fraud fault and close the day: roles by topic namespace in the broker ACL and the daemon, refunds tied to an approved sale within the UI limit (`test/security/roles.test.ts`).',
  '- Under the shipped ACL the client library in its default MQTT 5 mode never got an answer: replies on `{ns}/client/{clientId}/response`, readable only by that client id (`test/security/roles.test.ts`).',
  '- A schema-valid 890 KB preview rendered ~0.5 GB; four at once were OOM-killed; a 3,000-request flood cost another client 4 of 20 answers: receipts measured before rendering, one render at a time in slices, per-client limits, broker queue limits (`test/faults/bounded-work.test.ts`).',
  '- Text raster read back with `getImageData` keeps its native buffer until the event loop turns (@napi-rs/canvas issue 819): a long Arabic block piled up ~4 MB per block inside one render; now drawn in bands on reused canvases (`test/faults/bounded-work.test.ts`).',
  '- The retained cash state showed a session total of 0 while credits arrived; two clients with the same transaction took each other\'s answers; some refusals lost the transaction; the card stayed `ready` on an unwritable journal; a sale in a currency the kiosk does not take reached the terminal; kill -9 left helper processes behind (`test/integration/cash.test.ts`, `test/unit/client/client.test.ts`, `test/integration/contract.test.ts`, `test/faults/journal-disk.test.ts`, `test/security/roles.test.ts`, `test/faults/orphans.test.ts`).',
  '- Card terminal on a serial line, cable pulled mid-sale: never reconciled; now recovers the true outcome (`test/faults/card-serial-unplug.test.ts`).',
  '- Printer PNG declaring 12000 x 12000 (+827 MiB RSS from 187 KB of base64): refused from its header (`test/unit/printer/image-bomb.test.ts`).',
  '- MQTT 5 `responseTopic` under the kiosk root (a forged `device/cash/event/credit`): refused with INVALID_RESPONSE_TOPIC (`test/integration/contract.test.ts`).',
  '- Keyboard-wedge line without Enter grew without bound: capped at 8 KiB (`test/unit/scanner/wedge-bound.test.ts`); printer `lang` bounded.',
  '- Commands named `toString`, `valueOf`, `__proto__` answered INTERNAL: own-key lookup (`test/fuzz/mqtt-e2e.test.ts`).',
  '',
  'Open (details in [security.md](security.md#gaps-found-by-these-suites)):',
  '',
  '- The `requester` MQTT 5 user property, the client id of a response topic and a transaction\'s scope are declared by the client: audit logs show them as declared, and per-client limits keep honest clients fair to each other; a hostile client that changes names is bounded by the cost of a RATE_LIMITED answer and the broker\'s queue limits.',
  '- Both journal copies cut at the same record boundary, or both deleted, cannot be told from a shorter or a new journal (there is no third witness); keep the mirror on another filesystem.',
  '',
].join('\n');
writeFileSync(join(root, 'docs', 'reliability.md'), `${out}\n${mutationSection()}\n${findings}`);
process.stdout.write(`docs/reliability.md: ${rows.length} rows from ${reportDir}\n`);
if (process.argv.includes('--check') && (['fault', 'input', 'load', 'security'] as const).some((s) => !rows.some((r) => r.section === s))) process.exit(1);
