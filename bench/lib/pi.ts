/**
 * The Pi-class run: the daemon pinned to one core (taskset) and held to a CPU quota in a cgroup of its
 * own, so that costs that only hurt a small board show in the same table.
 *
 * The quota: a third of one core, in 10 ms periods (a short period, so that the throttle slows every
 * burst of work as a slower core would, instead of letting 30 ms run at full speed and then stalling
 * 70 ms). A third is an estimate, not a measurement: published single-core scores put a Pi 4
 * (Cortex-A72, 1.5–1.8 GHz) at roughly a quarter to a fifth, and a Pi 5 (Cortex-A76, 2.4 GHz) at about
 * half, of one core of a current x86 server; a third sits between them. A quota slows the clock, not
 * the machine: caches, memory bandwidth and the SD card stay this machine's, so for memory-bound work
 * it flatters a Pi 4.
 *
 * Needs root and a writable cgroup cpu controller (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`); where
 * neither is there (the systemd container: CPUQuota has no effect there), it says so and pins only.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PI_QUOTA = { periodUs: 10_000, quotaUs: 3_333, cpu: 1 };

export interface PiClass {
  /** Prefix of the daemon's command line. */
  readonly wrap: readonly string[];
  /** How it was throttled, for the report. */
  readonly describe: string;
  /** Remove the cgroup (after the processes in it have exited). */
  cleanup(): void;
}

function tryCgroup(): { dir: string; kind: 'v2' | 'v1' } | undefined {
  const name = `kioskd-bench-pi-${process.pid}`;
  try {
    const v2 = '/sys/fs/cgroup';
    if (existsSync(join(v2, 'cgroup.controllers')) && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) {
      const dir = join(v2, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'cpu.max'), `${PI_QUOTA.quotaUs} ${PI_QUOTA.periodUs}`);
      return { dir, kind: 'v2' };
    }
    const v1 = '/sys/fs/cgroup/cpu';
    if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
      const dir = join(v1, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PI_QUOTA.periodUs));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(PI_QUOTA.quotaUs));
      return { dir, kind: 'v1' };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function piClass(): PiClass {
  const pin = ['taskset', '-c', String(PI_QUOTA.cpu)];
  const cg = tryCgroup();
  if (!cg) {
    return { wrap: pin, describe: `pinned to CPU ${PI_QUOTA.cpu} (taskset); no writable cgroup cpu controller here, so no quota`, cleanup: () => undefined };
  }
  const procs = join(cg.dir, 'cgroup.procs');
  return {
    // The shell joins the cgroup before it execs the daemon: start-up runs throttled from its first instruction.
    wrap: ['sh', '-c', `echo $$ > '${procs}' && exec "$@"`, 'sh', ...pin],
    describe: `pinned to CPU ${PI_QUOTA.cpu} (taskset) and limited to ${PI_QUOTA.quotaUs} µs per ${PI_QUOTA.periodUs} µs (a third of one core; cgroup ${cg.kind} ${cg.dir})`,
    cleanup: () => {
      try {
        rmdirSync(cg.dir);
      } catch {
        /* still busy: the kernel removes nothing; left for the next boot */
      }
    },
  };
}
