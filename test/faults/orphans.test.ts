/**
 * kill -9 of a simulated daemon leaves no simulator helper behind: the socat processes that make its
 * PTY pairs die with it (setpriv --pdeathsig), instead of piling up across test runs and restarts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasSocat } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from './report.js';

/** Pids of processes whose command line mentions `marker`. */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

describe.skipIf(!hasMosquitto || !hasSocat)('no orphaned simulator helpers', () => {
  let broker: Broker;
  let daemon: SpawnedDaemon;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    daemon?.kill('SIGKILL');
    await broker?.stop();
  });

  it('kill -9 of a daemon with simulated serial devices: its socat helpers die with it', async () => {
    daemon = spawnDaemon({ brokerUrl: broker.url, config: { simulation: true, devices: { cash: {} } } });
    const probe = await Probe.connect(broker.url, daemon.base);
    try {
      await probe.waitFor('device/cash/state', (p) => p.status === 'ready', 30_000);
    } finally {
      await probe.close();
    }
    const helpers = processesMentioning(daemon.stateDir).filter((pid) => pid !== daemon.proc.pid);
    expect(helpers.length).toBeGreaterThanOrEqual(2);
    daemon.kill('SIGKILL');
    await daemon.exited;
    let left = helpers;
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = processesMentioning(daemon.stateDir);
    }
    expect(left).toEqual([]);
    record({
      id: 'fault.orphan-helpers',
      section: 'fault',
      what: 'kill -9 of a daemon running simulated serial devices (note validator + coin acceptor on PTY pairs)',
      inFlight: `${helpers.length} socat PTY helpers started by the daemon`,
      behaviour: 'socat started through setpriv --pdeathsig KILL: the kernel kills each helper when the daemon dies',
      figure: `${helpers.length} helpers before, ${left.length} after (before: all ${helpers.length} survived the daemon)`,
      lostOrDuplicated: 'n/a',
      test: 'test/faults/orphans.test.ts',
    });
  }, 60_000);
});
