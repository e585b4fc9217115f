/** The shipped unit: the directives the daemon relies on, and systemd's own exposure score. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/daemon.js';

const path = join(repoRoot, 'systemd', 'kioskd.service');
const unit = readFileSync(path, 'utf8');
const has = (line: string): boolean => unit.split('\n').some((l) => l.trim() === line);

describe('systemd/kioskd.service', () => {
  it('is a notify service with watchdog, safe outputs after death, and no restart on bad config', () => {
    for (const line of ['Type=notify', 'NotifyAccess=main', 'RestartPreventExitStatus=78', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'StateDirectory=kioskd', 'User=kioskd']) {
      expect(has(line), line).toBe(true);
    }
    expect(unit).toMatch(/^WatchdogSec=\d+s$/m);
    expect(unit).toMatch(/^ExecStopPost=\S+ gpio-safe /m);
    // V8's JIT crashes under MemoryDenyWriteExecute=yes
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  it('scores OK or better in systemd-analyze security', () => {
    const res = spawnSync('systemd-analyze', ['security', '--offline=yes', path], { encoding: 'utf8' });
    expect(res.error, 'systemd-analyze is needed (apt-get install systemd)').toBeUndefined();
    const m = /Overall exposure level for kioskd\.service: ([\d.]+) (\w+)/.exec(res.stdout);
    expect(m, res.stdout.slice(-500)).not.toBeNull();
    console.log(`systemd-analyze security: ${m![1]} ${m![2]}`);
    expect(['SAFE', 'OK']).toContain(m![2]);
  });
});
