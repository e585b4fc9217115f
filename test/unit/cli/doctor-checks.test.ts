import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canReadWrite, checkGpiodTools, devicePaths, groupFor, readAccount } from '../../../src/cli/doctor-checks.js';
import { validateConfig } from '../../../src/daemon/config/load.js';
import { tempDir } from '../../helpers/daemon.js';

describe('doctor checks', () => {
  it('decides read/write access as the kernel does: owner, then group, then others; root always', () => {
    const user = { uid: 1000, gids: [1000, 20] };
    expect(canReadWrite(user, { uid: 0, gid: 20, mode: 0o660 })).toBe(true); // via dialout
    expect(canReadWrite(user, { uid: 0, gid: 7, mode: 0o660 })).toBe(false);
    expect(canReadWrite(user, { uid: 1000, gid: 7, mode: 0o600 })).toBe(true);
    expect(canReadWrite(user, { uid: 1000, gid: 20, mode: 0o066 })).toBe(false); // owner bits apply first
    expect(canReadWrite(user, { uid: 0, gid: 0, mode: 0o666 })).toBe(true);
    expect(canReadWrite(user, { uid: 0, gid: 0, mode: 0o664 })).toBe(false);
    expect(canReadWrite({ uid: 0, gids: [] }, { uid: 5, gid: 5, mode: 0 })).toBe(true);
  });

  it('reads a user and every group they are in', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'passwd'), 'root:x:0:0::/root:/bin/sh\nkioskd:x:998:998::/var/lib/kioskd:/usr/sbin/nologin\n');
    writeFileSync(join(dir, 'group'), 'dialout:x:20:pi,kioskd\nlp:x:7:\nkioskd:x:998:\ngpio:x:997:kioskd\n');
    const a = await readAccount('kioskd', { passwd: join(dir, 'passwd'), group: join(dir, 'group') });
    expect(a).toEqual({ name: 'kioskd', uid: 998, gid: 998, gids: [20, 998, 997], groupNames: ['dialout', 'kioskd', 'gpio'] });
    expect(await readAccount('nobody-here', { passwd: join(dir, 'passwd'), group: join(dir, 'group') })).toBeUndefined();
  });

  it('finds device paths of hardware devices only, and the group each needs', () => {
    const hw = validateConfig({ devices: { scanner: { inputs: { r: { type: 'serial', path: '/dev/ttyUSB0' }, k: { type: 'hid', path: '/dev/input/by-id/kbd' } } } } }, 't');
    expect(devicePaths(hw)).toEqual([{ at: 'scanner.inputs.r.path', path: '/dev/ttyUSB0' }, { at: 'scanner.inputs.k.path', path: '/dev/input/by-id/kbd' }]);
    expect(devicePaths({ ...hw, simulation: true })).toEqual([]);
    expect(['/dev/ttyUSB0', '/dev/input/event3', '/dev/usb/lp0'].map(groupFor)).toEqual(['dialout', 'input', 'lp']);
  });

  it('gpiod tools fail with the package to install when absent', async () => {
    const empty = tempDir();
    expect(await checkGpiodTools(empty)).toMatchObject({ result: 'fail', fix: expect.stringContaining('apt-get install -y gpiod') });
  });
});
