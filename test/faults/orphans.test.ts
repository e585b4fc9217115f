/**
 * kill -9 of a simulated daemon leaves no simulator helper behind. (socat PTY helpers used to survive
 * it; PTY pairs are now made in-process, src/transports/pty-pair.ts, so there is none to leave. This
 * guards whatever helper a simulator may start again.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
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

describe.skipIf(!hasMosquitto)('no orphaned simulator helpers', () => {
  let broker: Broker;
  let daemon: SpawnedDaemon;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    daemon?.kill('SIGKILL');
    await broker?.stop();
  });

  it('kill -9 of a daemon with simulated serial devices: nothing it started outlives it', async () => {
    daemon = spawnDaemon({ brokerUrl: broker.url, config: { simulation: true, devices: { cash: {} } } });
    const probe = await Probe.connect(broker.url, daemon.base);
    try {
      await probe.waitFor('device/cash/state', (p) => p.status === 'ready', 30_000);
    } finally {
      await probe.close();
    }
    const helpers = processesMentioning(daemon.stateDir).filter((pid) => pid !== daemon.proc.pid);
    daemon.kill('SIGKILL');
    await daemon.exited;
    let left = processesMentioning(daemon.stateDir);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = processesMentioning(daemon.stateDir);
    }
    expect(left).toEqual([]);
    record({
      id: 'fault.orphan-helpers',
      section: 'fault',
      what: 'kill -9 of a daemon running simulated serial devices (note validator + coin acceptor on PTY pairs)',
      inFlight: `${helpers.length} helper processes started by the daemon (PTY pairs are made in-process)`,
      behaviour: 'no process mentioning the daemon\'s state directory outlives it',
      figure: `${helpers.length} helpers before, ${left.length} after the kill (before: the 2 socat helpers survived the daemon)`,
      lostOrDuplicated: 'n/a',
      test: 'test/faults/orphans.test.ts',
    });
  }, 60_000);
});
