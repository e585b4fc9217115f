/**
 * `npm run test:checkout-kill [iterations] [seed]`: the full checkout kill loop (default 100 checkouts);
 * writes reports/checkout-kill.json and prints a summary. Exit 1 on any violation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/daemon.js';
import { runKillLoop } from './checkout-kill-loop.js';

const iterations = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 1e9));
const daemonLogs = process.env.KIOSKD_KILL_LOGS;
if (daemonLogs) mkdirSync(daemonLogs, { recursive: true });
const report = await runKillLoop({ iterations, seed, log: (l) => process.stdout.write(`${l}\n`), ...(daemonLogs ? { daemonLogs } : {}) });
mkdirSync(join(repoRoot, 'reports'), { recursive: true });
writeFileSync(join(repoRoot, 'reports', 'checkout-kill.json'), `${JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2)}\n`);
process.stdout.write(`\n${iterations} checkouts, seed ${seed}, ${Math.round(report.wallMs / 1000)} s: ${JSON.stringify(report.byOutcome)}; totals ${JSON.stringify(report.totals)}\nviolations: ${report.violations.length}\n${report.violations.join('\n')}\n`);
process.exitCode = report.violations.length > 0 ? 1 : 0;
