import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSysfsBase } from '../../../src/transports/gpio/sysfs.js';
import { tempDir } from '../../helpers/daemon.js';

function chip(root: string, entry: string, label: string, base: number, ngpio: number): void {
  mkdirSync(join(root, entry));
  writeFileSync(join(root, entry, 'label'), `${label}\n`);
  writeFileSync(join(root, entry, 'base'), `${base}\n`);
  writeFileSync(join(root, entry, 'ngpio'), `${ngpio}\n`);
}

describe('sysfs chip base', () => {
  it('reads the base of a Pi 5 (571) and a Pi 4 on a 6.6 kernel (512), never assuming 0', async () => {
    const root = tempDir();
    chip(root, 'gpiochip571', 'pinctrl-rp1', 571, 54);
    chip(root, 'gpiochip512', 'pinctrl-bcm2711', 512, 58);
    mkdirSync(join(root, 'export'), { recursive: true });
    expect(await resolveSysfsBase(root, 'pinctrl-rp1')).toEqual({ base: 571, ngpio: 54 });
    expect(await resolveSysfsBase(root, 'pinctrl-bcm2711')).toEqual({ base: 512, ngpio: 58 });
    expect(await resolveSysfsBase(root, 'gpiochip512')).toEqual({ base: 512, ngpio: 58 });
    await expect(resolveSysfsBase(root, 'pinctrl-x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
