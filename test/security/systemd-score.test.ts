/**
 * The unit's systemd-analyze exposure score, for docs/reliability.md (the pass/fail assertion on it is
 * test/unit/systemd/unit-file.test.ts). Fails where systemd-analyze is missing: CI installs it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/daemon.js';
import { record } from '../faults/report.js';

it('records the systemd-analyze security score of systemd/kioskd.service', () => {
  const res = spawnSync('systemd-analyze', ['security', '--offline=yes', join(repoRoot, 'systemd', 'kioskd.service')], { encoding: 'utf8' });
  expect(res.error, 'systemd-analyze is needed (apt-get install systemd)').toBeUndefined();
  const m = /Overall exposure level for kioskd\.service: ([\d.]+) (\w+)/.exec(res.stdout);
  expect(m, res.stdout.slice(-300)).not.toBeNull();
  const failing = res.stdout.split('\n').filter((l) => l.startsWith('✗')).length;
  const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  record({
    id: 'security.systemd',
    section: 'security',
    what: 'systemd unit hardening (`systemd-analyze security --offline=yes systemd/kioskd.service`)',
    inFlight: version,
    behaviour: `${failing} checks not applied (e.g. MemoryDenyWriteExecute: V8's JIT needs W+X)`,
    figure: `exposure ${m?.[1] ?? '?'} ${m?.[2] ?? '?'}`,
    lostOrDuplicated: 'n/a',
    test: 'test/security/systemd-score.test.ts',
  });
  expect(['SAFE', 'OK']).toContain(m?.[2]);
});
