/**
 * Simulators in their own process (issue 18): with `simulators: own-process`, `kioskd` starts
 * `kioskd simulate` beside itself; the daemon's drivers open the simulators' PTYs and the GPIO socket as
 * hardware, the sim/ topics are answered by the simulator process (once), and a daemon killed with -9
 * leaves no simulator behind (its stdin pipe closes).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

function processesMentioning(marker: string): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(marker)) found.push({ pid: Number(name), cmd });
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const config = {
  simulation: true,
  simulators: 'own-process',
  devices: {
    gpio: { backend: 'sim', debounceMs: 0, inputs: { presence: { line: 'GPIO17' } }, outputs: { light: { line: 'GPIO5' } } },
    cash: {},
  },
};

describe.skipIf(!hasMosquitto)('kioskd simulate: the simulators in their own process', () => {
  let broker: Broker;
  let daemon: SpawnedDaemon;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    daemon?.kill('SIGKILL');
    await broker?.stop();
  });

  it('drivers reach the external simulators, sim/ topics are answered there once, and kill -9 of the daemon ends it', async () => {
    daemon = spawnDaemon({ brokerUrl: broker.url, config });
    const probe = await Probe.connect(broker.url, daemon.base);
    try {
      await probe.waitFor('device/gpio/state', (p) => p.status === 'ready', 30_000);
      await probe.waitFor('device/cash/state', (p) => p.status === 'ready', 30_000);
      const sims = processesMentioning(daemon.configPath).filter((p) => p.cmd.includes(' simulate '));
      expect(sims).toHaveLength(1);
      expect(sims[0]!.pid).not.toBe(daemon.proc.pid);
      // the daemon holds no PTY master: its drivers opened the slaves the simulator process made
      const daemonFds = readdirSync(`/proc/${daemon.proc.pid}/fd`).map((fd) => readlinkSafe(`/proc/${daemon.proc.pid}/fd/${fd}`) ?? '');
      expect(daemonFds).not.toContain('/dev/ptmx');
      expect(daemonFds.some((f) => f.startsWith('/dev/pts/'))).toBe(true);

      const change = probe.next('device/gpio/event/change', (p) => p.line === 'presence' && p.value === true);
      const answered = probe.next('sim/gpio/response/input');
      await probe.publishRaw('sim/gpio/request/input', JSON.stringify({ line: 'presence', value: true, transaction: 'sim-1' }));
      expect((await answered).payload).toMatchObject({ status: 'ok', data: { line: 'presence', value: true }, transaction: 'sim-1' });
      await change;
      // one answer only: the daemon does not subscribe to the sim/ topics of a simulator it does not run
      await new Promise((r) => setTimeout(r, 300));
      expect(probe.messages.filter((m) => m.topic.endsWith('sim/gpio/response/input'))).toHaveLength(1);
      // a device nobody simulates is refused, once, by the simulator process
      const refused = probe.next('sim/nope/response/input');
      await probe.publishRaw('sim/nope/request/input', JSON.stringify({ transaction: 'sim-2' }));
      expect((await refused).payload).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_DEVICE' }, transaction: 'sim-2' });
      await new Promise((r) => setTimeout(r, 300));
      expect(probe.messages.filter((m) => m.topic.endsWith('sim/nope/response/input'))).toHaveLength(1);

      daemon.kill('SIGKILL');
      await daemon.exited;
      let left = processesMentioning(daemon.configPath);
      for (let i = 0; i < 250 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        left = processesMentioning(daemon.configPath);
      }
      expect(left).toEqual([]);
    } finally {
      await probe.close();
    }
  }, 60_000);
});

function readlinkSafe(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
