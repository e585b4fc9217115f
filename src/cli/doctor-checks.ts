/**
 * The checks of `kioskd doctor`. Each returns pass/fail/skip with what was seen and, on failure, the fix.
 * No child processes: users and groups come from /etc/passwd and /etc/group, tools from PATH.
 * Checks of the installation (password file, fonts, native modules, sandbox) are in doctor-install.ts.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { clockSynced } from '../health/alerts/clock-sync.js';
import type { KioskConfig } from '../daemon/config/schema.js';

export interface Check {
  name: string;
  result: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
  /** Every group id the user is in (primary and supplementary). */
  gids: number[];
  groupNames: string[];
}

/** Read a user and their groups from /etc/passwd and /etc/group (paths injectable for tests). */
export async function readAccount(name: string, files = { passwd: '/etc/passwd', group: '/etc/group' }): Promise<Account | undefined> {
  const passwd = await readFile(files.passwd, 'utf8').catch(() => '');
  const row = passwd.split('\n').map((l) => l.split(':')).find((f) => f[0] === name);
  if (!row) return undefined;
  const uid = Number(row[2]);
  const gid = Number(row[3]);
  const groups = (await readFile(files.group, 'utf8').catch(() => '')).split('\n').map((l) => l.split(':'));
  const mine = groups.filter((g) => Number(g[2]) === gid || (g[3] ?? '').split(',').includes(name));
  return { name, uid, gid, gids: mine.map((g) => Number(g[2])), groupNames: mine.map((g) => g[0] ?? '') };
}

export async function groupExists(group: string, file = '/etc/group'): Promise<boolean> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').some((l) => l.split(':')[0] === group);
}

/** Can this account read and write a file with this owner and mode (what the kernel would decide)? */
export function canReadWrite(account: Pick<Account, 'uid' | 'gids'>, file: { uid: number; gid: number; mode: number }): boolean {
  if (account.uid === 0) return true;
  const bits = file.uid === account.uid ? (file.mode >> 6) & 7 : account.gids.includes(file.gid) ? (file.mode >> 3) & 7 : file.mode & 7;
  return (bits & 6) === 6;
}

export interface DevicePath {
  /** Where in the config, e.g. scanner.inputs.reader.path */
  at: string;
  path: string;
}

/** Every device `path` (serial ports, input devices, printer files) of devices that run on hardware. */
export function devicePaths(config: KioskConfig): DevicePath[] {
  const out: DevicePath[] = [];
  const walk = (value: unknown, at: string): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'path' && typeof v === 'string' && v.startsWith('/')) out.push({ at: `${at}.${k}`, path: v });
      else walk(v, `${at}.${k}`);
    }
  };
  for (const [name, dev] of Object.entries(config.devices) as Array<[string, { enabled?: boolean; simulate?: boolean } | undefined]>) {
    if (!dev || dev.enabled === false || dev.simulate || config.simulation) continue;
    walk(dev, name);
  }
  return out;
}

/** Which group gives access to a device path on Raspberry Pi OS / Debian. */
export function groupFor(path: string): string {
  if (/\/dev\/(usb\/lp|lp)/.test(path)) return 'lp';
  if (path.startsWith('/dev/input/')) return 'input';
  if (/\/dev\/gpio/.test(path)) return 'gpio';
  return 'dialout';
}

export async function checkDevicePath(d: DevicePath, account: Account): Promise<Check> {
  const name = `device ${d.at}`;
  let st;
  try {
    st = await stat(d.path);
  } catch {
    return {
      name, result: 'fail', detail: `${d.path} does not exist`,
      fix: `plug the device in and check the cable; list what is there with "ls -l ${dirname(d.path)}" and correct ${d.at} in the config (prefer /dev/serial/by-id/... paths)`,
    };
  }
  if (!canReadWrite(account, st)) {
    const group = groupFor(d.path);
    return {
      name, result: 'fail', detail: `${d.path} is mode ${(st.mode & 0o777).toString(8)} uid ${st.uid} gid ${st.gid}: user ${account.name} cannot read and write it`,
      fix: `add the user to the device's group: sudo usermod -aG ${group} ${account.name} (then restart kioskd), or give the device group access with a udev rule: SUBSYSTEM=="tty", GROUP="${group}", MODE="0660"`,
    };
  }
  return { name, result: 'pass', detail: `${d.path} present, read/write for ${account.name}` };
}

/** The groups kioskd needs for the configured hardware; a group the system lacks is skipped. */
export async function checkGroups(config: KioskConfig, account: Account, groupFile?: string): Promise<Check[]> {
  const needed = new Set(devicePaths(config).map((d) => groupFor(d.path)));
  const gpio = config.devices.gpio;
  if (gpio && gpio.enabled && !gpio.simulate && !config.simulation && gpio.backend !== 'sim') needed.add('gpio');
  const out: Check[] = [];
  for (const group of needed) {
    const name = `group ${group}`;
    if (!(await groupExists(group, groupFile))) {
      out.push({ name, result: 'skip', detail: `no group ${group} on this system (device access is then by owner or udev rule)` });
    } else if (account.uid === 0 || account.groupNames.includes(group)) {
      out.push({ name, result: 'pass', detail: account.uid === 0 ? `${account.name} is root (every device is accessible)` : `${account.name} is in ${group}` });
    } else {
      out.push({ name, result: 'fail', detail: `${account.name} is not in ${group}`, fix: `sudo usermod -aG ${group} ${account.name} && sudo systemctl restart kioskd` });
    }
  }
  return out;
}

export async function checkGpiodTools(pathEnv = process.env.PATH ?? ''): Promise<Check> {
  for (const dir of pathEnv.split(':').filter(Boolean)) {
    try {
      await access(join(dir, 'gpioget'), constants.X_OK);
      return { name: 'gpiod tools', result: 'pass', detail: `gpioget in ${dir}` };
    } catch {
      /* next */
    }
  }
  return { name: 'gpiod tools', result: 'fail', detail: 'gpioget/gpioinfo not found in PATH', fix: 'sudo apt-get install -y gpiod (gpioinfo lists the line names to use in devices.gpio)' };
}

export async function checkClock(config: KioskConfig): Promise<Check> {
  const synced = await clockSynced(config.alerts.clockSyncFile);
  if (synced === true) return { name: 'clock synchronised', result: 'pass', detail: `${String(config.alerts.clockSyncFile)} present` };
  if (synced === null) return { name: 'clock synchronised', result: 'skip', detail: 'systemd-timesyncd not in use here; cannot tell (alerts.clockSyncFile)' };
  return { name: 'clock synchronised', result: 'fail', detail: 'systemd-timesyncd has not synchronised the clock', fix: 'sudo timedatectl set-ntp true; check that UDP 123 to the NTP server is open (timedatectl timesync-status)' };
}

export async function checkDisk(config: KioskConfig): Promise<Check> {
  let dir = config.stateDir;
  for (let i = 0; i < 10; i++) {
    try {
      const s = await statfs(dir);
      const free = s.bavail * s.bsize;
      const mb = Math.round(free / 1048576);
      return free >= config.alerts.diskLowBytes
        ? { name: 'disk space', result: 'pass', detail: `${mb} MB free for ${config.stateDir}` }
        : { name: 'disk space', result: 'fail', detail: `only ${mb} MB free for ${config.stateDir}`, fix: 'free space: sudo journalctl --vacuum-size=100M; remove old files under /var/log and /tmp' };
    } catch {
      dir = dirname(dir);
    }
  }
  return { name: 'disk space', result: 'skip', detail: `cannot stat ${config.stateDir}` };
}

export async function checkFleetFiles(config: KioskConfig): Promise<Check[]> {
  if (!config.fleet.enabled) return [];
  const files = Object.entries(config.fleet.tls).filter((e): e is [string, string] => ['ca', 'cert', 'key'].includes(e[0]) && typeof e[1] === 'string');
  return Promise.all(
    files.map(async ([k, path]) => {
      try {
        await access(path, constants.R_OK);
        return { name: `fleet tls.${k}`, result: 'pass' as const, detail: path };
      } catch {
        return { name: `fleet tls.${k}`, result: 'fail' as const, detail: `${path} missing or unreadable`, fix: `install the kiosk's certificate files and make them readable by kioskd (chmod 640, group kioskd)` };
      }
    }),
  );
}
