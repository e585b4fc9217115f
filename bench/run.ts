/**
 * `npm run bench [-- --quick] [-- --only latency,startup,burst,printer,...]`: every benchmark in one
 * go against a Mosquitto of its own, written to bench/RESULTS.md (quick runs: dist/bench/RESULTS-quick.md,
 * so a CI run never overwrites the committed figures). A failing benchmark is recorded and the others
 * still run; the exit code is then 1 (targets not met do not fail the run).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchBurst } from './burst.js';
import { packageRoot } from './lib/kioskd.js';
import { mosquittoVersion, startMosquitto } from './lib/mosquitto.js';
import { machine, renderResults } from './lib/report.js';
import type { BenchResult, BenchSection, Verdict } from './lib/section.js';
import { benchLatency } from './latency.js';
import { benchStartup } from './startup.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Bench {
  name: string;
  run(ctx: { quick: boolean; brokerUrl: string; nodeArgs?: string[] }): Promise<BenchResult>;
}

/** A device helper's bench (bench/<device>.ts), loaded only if it exists, typed only by its result. */
function deviceBench(name: string, fn: string, withBroker: boolean): Bench {
  return {
    name,
    async run({ quick, brokerUrl }) {
      const file = join(here, `${name}.js`);
      if (!existsSync(file)) return { sections: [{ title: `${name} (device bench)`, rows: [], notes: [`bench/${name}.ts does not exist yet.`] }], verdicts: [] };
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const run = mod[fn];
      if (typeof run !== 'function') throw new Error(`bench/${name}.ts does not export ${fn}()`);
      const result = (await (run as (o: object) => Promise<BenchSection & { verdicts?: Verdict[] }>)(withBroker ? { quick, brokerUrl } : { quick })) ;
      if (!result || typeof result.title !== 'string' || !Array.isArray(result.rows)) throw new Error(`${fn}() did not return { title, rows }`);
      return { sections: [{ title: result.title, rows: result.rows, ...(result.notes ? { notes: result.notes } : {}) }], verdicts: result.verdicts ?? [] };
    },
  };
}

const BENCHES: Bench[] = [
  { name: 'latency', run: benchLatency },
  { name: 'startup', run: benchStartup },
  { name: 'burst', run: benchBurst },
  deviceBench('printer', 'benchPrinter', false),
  deviceBench('scanner', 'benchScanner', true),
  deviceBench('card', 'benchCard', true),
  deviceBench('cash', 'benchCash', true),
  deviceBench('cash-payout', 'benchCashPayout', true),
  deviceBench('fleet', 'benchFleet', false),
];

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms))),
  ]);
}

async function main(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : undefined;
  // --profile DIR: every daemon the benches spawn writes a CPU profile there (for docs/performance.md).
  const profileAt = args.indexOf('--profile');
  const nodeArgs = profileAt >= 0 ? ['--cpu-prof', '--cpu-prof-dir', args[profileAt + 1] ?? 'profiles'] : undefined;
  const t0 = performance.now();
  const broker = await startMosquitto();
  const sections: BenchSection[] = [];
  const verdicts: Verdict[] = [];
  const failures: string[] = [];
  try {
    for (const b of BENCHES) {
      if (only && !only.includes(b.name)) continue;
      const started = performance.now();
      process.stderr.write(`bench ${b.name}…`);
      try {
        const r = await withTimeout(b.run({ quick, brokerUrl: broker.url, ...(nodeArgs ? { nodeArgs } : {}) }), quick ? 90_000 : 300_000, b.name);
        sections.push(...r.sections);
        verdicts.push(...r.verdicts);
        process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      } catch (err) {
        failures.push(`${b.name}: ${(err as Error).message}`);
        process.stderr.write(` FAILED: ${(err as Error).message}\n`);
      }
    }
  } finally {
    await broker.stop();
  }
  const text = renderResults({ machine: machine(mosquittoVersion()), quick, totalSec: (performance.now() - t0) / 1000, verdicts, sections, failures });
  const out = quick || only || nodeArgs ? join(packageRoot, 'dist', 'bench', 'RESULTS-quick.md') : join(packageRoot, 'bench', 'RESULTS.md');
  writeFileSync(out, text);
  process.stdout.write(`${text}\nwritten to ${out}\n`);
  // A target not met is a figure to read, not a failure; a benchmark that could not run is one.
  return failures.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
