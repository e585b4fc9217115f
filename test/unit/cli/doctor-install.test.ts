/** doctor's checks of the installation: password file, fonts, native modules, the sandbox drop-in. */
import { chmodSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFonts, checkNativeModules, checkPasswordFile, checkSandbox } from '../../../src/cli/doctor-install.js';
import { validateConfig } from '../../../src/daemon/config/load.js';
import { tempDir } from '../../helpers/daemon.js';

const me = { name: 'tech', uid: 4242, gid: 4242, gids: [4242], groupNames: ['tech'] };

describe('doctor: installation checks', () => {
  it('mqtt.passwordFile: missing, unreadable, world-readable, empty and good each say so', async () => {
    const dir = tempDir();
    const file = join(dir, 'mqtt.secret');
    const config = validateConfig({ mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'kioskd', passwordFile: file } }, 't');
    expect(await checkPasswordFile(config, me)).toEqual([expect.objectContaining({ name: 'mqtt.passwordFile', result: 'fail', detail: expect.stringContaining('does not exist'), fix: expect.stringContaining(file) })]);
    writeFileSync(file, 'secret\n');
    chmodSync(file, 0o600); // owned by the test's uid, not by `me`
    const self = { ...me, uid: userInfo().uid, gids: [userInfo().gid] };
    expect((await checkPasswordFile(config, me))[0]).toMatchObject({ result: 'fail', fix: expect.stringContaining('chgrp kioskd') });
    expect((await checkPasswordFile(config, self))[0]).toMatchObject({ result: 'pass' });
    chmodSync(file, 0o644);
    expect((await checkPasswordFile(config, self))[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('every user') });
    chmodSync(file, 0o600);
    writeFileSync(file, '\n');
    expect((await checkPasswordFile(config, self))[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('empty') });
    expect(await checkPasswordFile(validateConfig({}, 't'), me)).toEqual([]);
  });

  it('receipt fonts: the npm-installed defaults load; a missing one is named by its key', async () => {
    const ok = validateConfig({ devices: { printer: {} } }, 't');
    expect(await checkFonts(ok)).toEqual([expect.objectContaining({ result: 'pass' })]);
    const bad = validateConfig({ devices: { printer: { fonts: { cjk: '/nonexistent/NotoSansSC.ttf' } } } }, 't');
    expect((await checkFonts(bad))[0]).toMatchObject({ result: 'fail', detail: 'devices.printer.fonts.cjk: /nonexistent/NotoSansSC.ttf missing' });
    expect((await checkFonts(validateConfig({}, 't')))[0]?.result).toBe('skip');
  });

  it('native modules: the FFI loads here; sysfs GPIO asks for onoff only when configured', async () => {
    const checks = await checkNativeModules(validateConfig({ devices: { gpio: { backend: 'sysfs', chip: 'gpiochip0', outputs: { l: { line: 5 } } } } }, 't'));
    expect(checks[0]).toMatchObject({ name: 'native FFI (koffi)', result: 'pass' });
    expect(checks[1]?.name).toBe('onoff (sysfs GPIO)');
    expect(await checkNativeModules(validateConfig({}, 't'))).toHaveLength(1);
  });

  it('the sandbox drop-in: skipped without the unit, failing with the fix when stale, passing when current', async () => {
    const dir = tempDir();
    const unit = join(dir, 'kioskd.service');
    const dropIn = join(dir, 'sandbox.conf');
    const config = validateConfig({ devices: { card: { protocol: 'zvt', currency: 'AED', transport: { type: 'tcp', host: '192.0.2.30', port: 20007 } } } }, 't');
    expect((await checkSandbox(config, 'c.yaml', dropIn, [unit])).result).toBe('skip');
    writeFileSync(unit, '[Service]\n');
    const stale = await checkSandbox(config, 'c.yaml', dropIn, [unit]);
    expect(stale).toMatchObject({ result: 'fail', detail: expect.stringContaining('missing: IPAddressAllow=192.0.2.30'), fix: expect.stringContaining('kioskd sandbox --write') });
    writeFileSync(dropIn, '[Service]\n# devices.card.transport.host\nIPAddressAllow=192.0.2.30\n');
    expect((await checkSandbox(config, 'c.yaml', dropIn, [unit])).result).toBe('pass');
    writeFileSync(dropIn, '[Service]\nIPAddressAllow=192.0.2.30\nIPAddressAllow=198.51.100.1\n');
    expect((await checkSandbox(config, 'c.yaml', dropIn, [unit])).detail).toContain('no longer needed: IPAddressAllow=198.51.100.1');
  });
});
