/**
 * `kioskd doctor` checks of the installation itself: the broker password file, the receipt fonts, the
 * native modules this config needs, and whether the systemd sandbox drop-in matches the config.
 */
import { constants, existsSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import type { KioskConfig } from '../daemon/config/schema.js';
import { onoffAvailable } from '../transports/gpio/sysfs.js';
import { libcAvailable } from '../transports/libc.js';
import type { Account, Check } from './doctor-checks.js';
import { APPLY, DROPIN_PATH, rulesOf, sandboxDropIn } from './sandbox.js';

/** mqtt.passwordFile: present, not empty, readable by the daemon's account and by no one else. */
export async function checkPasswordFile(config: KioskConfig, account: Account): Promise<Check[]> {
  const file = config.mqtt.passwordFile;
  if (file === undefined) return [];
  const name = 'mqtt.passwordFile';
  const st = await stat(file).catch(() => undefined);
  if (!st) {
    return [{ name, result: 'fail', detail: `${file} does not exist (kioskd exits 78 without it)`, fix: `sudo install -m 0640 -g kioskd /dev/null ${file} && sudo sh -c 'cat > ${file}' (type the broker password of mqtt.username, then Ctrl-D)` }];
  }
  const bits = st.uid === account.uid ? (st.mode >> 6) & 7 : account.gids.includes(st.gid) ? (st.mode >> 3) & 7 : st.mode & 7;
  const readable = account.uid === 0 || (bits & 4) !== 0;
  if (!readable) {
    return [{ name, result: 'fail', detail: `${file} is mode ${(st.mode & 0o777).toString(8)}: ${account.name} cannot read it`, fix: `sudo chgrp kioskd ${file} && sudo chmod 0640 ${file}` }];
  }
  if ((st.mode & 0o004) !== 0) {
    return [{ name, result: 'fail', detail: `${file} is readable by every user (mode ${(st.mode & 0o777).toString(8)})`, fix: `sudo chmod 0640 ${file}` }];
  }
  const empty = ((await readFile(file, 'utf8').catch(() => 'unreadable-by-doctor')).trim() === '');
  if (empty) return [{ name, result: 'fail', detail: `${file} is empty`, fix: `put the broker password of mqtt.username in ${file}` }];
  return [{ name, result: 'pass', detail: `${file} present, readable by ${account.name} only` }];
}

/** Every configured receipt font exists and loads (the defaults come from npm with kioskd). */
export async function checkFonts(config: KioskConfig): Promise<Check[]> {
  const printer = config.devices.printer;
  if (!printer?.enabled) return [{ name: 'receipt fonts', result: 'skip', detail: 'no printer configured' }];
  const missing = Object.entries(printer.fonts).filter(([, path]) => !existsSync(path));
  if (missing.length > 0) {
    return [{
      name: 'receipt fonts', result: 'fail',
      detail: missing.map(([k, p]) => `devices.printer.fonts.${k}: ${p} missing`).join('; '),
      fix: 'reinstall kioskd (npm ci, or apt-get install --reinstall kioskd): its fonts come from npm; or point devices.printer.fonts.* at TTF/OTF files',
    }];
  }
  try {
    await (await import('../drivers/printer/fonts.js')).loadFonts(printer.fonts);
  } catch (err) {
    return [{ name: 'receipt fonts', result: 'fail', detail: (err as Error).message, fix: 'point devices.printer.fonts.* at TTF/OTF files' }];
  }
  return [{ name: 'receipt fonts', result: 'pass', detail: `${Object.keys(printer.fonts).length} fonts load (Latin, Arabic, Chinese, mono)` }];
}

/** The native pieces this config uses: the FFI (PTYs, sd_notify, journald) always; onoff for sysfs GPIO. */
export async function checkNativeModules(config: KioskConfig): Promise<Check[]> {
  const out: Check[] = [
    libcAvailable()
      ? { name: 'native FFI (koffi)', result: 'pass', detail: `loads on ${process.platform}-${process.arch}: systemd notify, journald fields and simulator PTYs work` }
      : { name: 'native FFI (koffi)', result: 'fail', detail: `koffi does not load on ${process.platform}-${process.arch}: no READY for systemd, no journald fields, no simulated serial devices`, fix: 'reinstall kioskd for this architecture (npm ci, or the .deb built for it)' },
  ];
  const gpio = config.devices.gpio;
  if (gpio?.enabled && gpio.backend === 'sysfs' && !gpio.simulate && !config.simulation) {
    const ok = await onoffAvailable();
    out.push(
      ok
        ? { name: 'onoff (sysfs GPIO)', result: 'pass', detail: 'loads' }
        : { name: 'onoff (sysfs GPIO)', result: 'fail', detail: 'devices.gpio.backend is sysfs but the optional native module onoff is not installed (it needs build tools)', fix: 'use devices.gpio.backend: gpiod (sudo apt-get install gpiod), or sudo apt-get install build-essential python3 and npm install onoff in kioskd\'s directory' },
    );
  }
  return out;
}

const UNITS = ['/etc/systemd/system/kioskd.service', '/lib/systemd/system/kioskd.service', '/usr/lib/systemd/system/kioskd.service'];

/** Under systemd: the sandbox drop-in allows exactly what this config needs. */
export async function checkSandbox(config: KioskConfig, configPath: string, dropIn = DROPIN_PATH, units = UNITS): Promise<Check> {
  const name = 'systemd sandbox drop-in';
  if (!(await Promise.all(units.map((u) => access(u, constants.R_OK).then(() => true, () => false)))).some(Boolean)) {
    return { name, result: 'skip', detail: 'kioskd.service is not installed here' };
  }
  let wanted: string;
  try {
    wanted = await sandboxDropIn(config, configPath);
  } catch (err) {
    return { name, result: 'fail', detail: (err as Error).message, fix: 'use IP addresses for network devices and brokers, or fix DNS' };
  }
  const have = await readFile(dropIn, 'utf8').catch(() => '');
  const need = rulesOf(wanted).filter((l) => l !== '[Service]');
  const missing = need.filter((l) => !rulesOf(have).includes(l));
  const extra = rulesOf(have).filter((l) => l !== '[Service]' && !need.includes(l));
  if (missing.length === 0 && extra.length === 0) return { name, result: 'pass', detail: need.length ? `${dropIn}: ${need.length} rules, as the config needs` : 'the config needs nothing beyond the unit' };
  return {
    name, result: 'fail',
    detail: `${dropIn} is out of date with ${configPath}${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; no longer needed: ${extra.join(', ')}` : ''}`,
    fix: `sudo kioskd sandbox --write && ${APPLY}`,
  };
}
