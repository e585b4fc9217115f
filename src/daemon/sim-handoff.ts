/**
 * How a simulator running in its own process (`kioskd simulate`) tells the daemon where it is: one JSON
 * file per device, `{simDir}/{device}/driver.json`, holding the driver config that reaches it (PTY link
 * paths, a TCP port, a socket path) and the simulator process's pid. Both processes read the same
 * config file, so they agree on the paths without talking. The file is written atomically (rename) and
 * removed when the simulator stops; one whose pid is gone is stale and ignored.
 */
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DeviceKind } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { KioskConfig } from './config/schema.js';

const handoffSchema = z.object({ pid: z.number().int().positive(), startedAt: z.string(), driverConfig: z.unknown() });

/** The simulators' scratch directory (PTY links, sockets, handoff files). */
export function simRoot(config: KioskConfig, simDir?: string): string {
  return simDir ?? join(config.stateDir, 'sim');
}

/** Where a device's simulator works and where it keeps memory across restarts. */
export function simPaths(config: KioskConfig, device: string, simDir?: string): { workDir: string; stateDir: string; handoff: string } {
  const workDir = join(simRoot(config, simDir), device);
  return { workDir, stateDir: join(config.stateDir, 'sim-state', device), handoff: join(workDir, 'driver.json') };
}

/** Whether a simulator of this kind runs in the simulator process under this config. */
export function runsApart(config: KioskConfig, kind: Pick<DeviceKind, 'simulate' | 'simulatorInProcess'>): boolean {
  return config.simulators === 'own-process' && kind.simulate !== undefined && kind.simulatorInProcess !== true;
}

export async function writeHandoff(path: string, driverConfig: unknown, startedAt: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ pid: process.pid, startedAt, driverConfig }));
  await rename(tmp, path);
}

export async function removeHandoff(path: string): Promise<void> {
  await rm(path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The driver config a running simulator process left for `device`, parsed with the kind's schema.
 * Absent, stale (its process is gone) or unreadable: DEVICE_NOT_FOUND (offline, retried with backoff),
 * saying what to run. A config the schema refuses: CONFIG_INVALID.
 */
export function readHandoff<C>(path: string, device: string, schema: z.ZodType<C>): C {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = handoffSchema.safeParse(raw);
  if (!parsed.success || !alive(parsed.data.pid)) {
    throw new KioskError('DEVICE_NOT_FOUND', `the ${device} simulator is not running: start it with kioskd simulate --config FILE (no live ${path})`);
  }
  const config = schema.safeParse(parsed.data.driverConfig);
  if (!config.success) throw new KioskError('CONFIG_INVALID', `the ${device} simulator handed over a config its driver refuses: ${config.error.issues[0]?.message ?? ''}`);
  return config.data;
}
