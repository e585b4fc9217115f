/**
 * Before any test: build dist/ (spawned-daemon tests run the real CLI) and say loudly what this machine
 * cannot run. CI (CI=true) refuses to run with a missing tool instead, so nothing is skipped there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { libcAvailable } from '../../src/transports/libc.js';
import { hasMosquitto } from './mosquitto.js';
import { hasPostgres } from './postgres.js';

export function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    // tsc still emits; type errors fail the separate `npm run typecheck` step, not every test.
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`\nwarning: the build reported type errors (dist/ was still emitted):\n${out.split('\n').slice(0, 10).join('\n')}\n`);
  }
  const missing: string[] = [];
  if (!hasMosquitto) missing.push('mosquitto (integration tests against a real broker)');
  if (!libcAvailable()) missing.push('PTYs: the koffi npm package or glibc could not be loaded (PTY-based device tests)');
  if (spawnSync('which', ['espeak-ng']).status !== 0) missing.push('espeak-ng (speech tests)');
  if (spawnSync('which', ['sox']).status !== 0) missing.push('sox (measuring the WAVs the audio simulator writes)');
  if (spawnSync('/usr/bin/python3', ['-c', 'import icu']).status !== 0) missing.push('python3-icu (ICU number spell-out, the oracle for spoken numbers)');
  if (!hasPostgres) missing.push('postgresql (fleet store tests; they start their own cluster)');
  if (spawnSync('which', ['zbarimg']).status !== 0) missing.push('zbar-tools (zbarimg reads back printed barcodes: test/oracle)');
  if (missing.length === 0) return;
  const banner = [
    '',
    '#'.repeat(78),
    '# NOT RUN on this machine — missing tools:',
    ...missing.map((m) => `#   - ${m}`),
    '# Install them: sudo apt-get install -y mosquitto postgresql espeak-ng sox python3-icu zbar-tools; npm ci   (CI does this in .ci/run)',
    '#'.repeat(78),
    '',
  ].join('\n');
  process.stderr.write(banner);
  if (process.env.CI) throw new Error(`CI must not skip tests; missing: ${missing.join(', ')}`);
}
