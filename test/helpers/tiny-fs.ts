/**
 * A real tiny filesystem for disk-full and read-only tests: a size-limited tmpfs (needs root, as on the
 * test machines and CI; the test fails, never skips, where it cannot mount).
 */
import { execFileSync } from 'node:child_process';
import { tempDir } from './daemon.js';

export interface TinyFs {
  dir: string;
  readOnly(): void;
  readWrite(): void;
  unmount(): void;
}

export function mountTinyFs(sizeKb: number): TinyFs {
  const dir = tempDir('kioskd-tinyfs-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
    readWrite: () => execFileSync('mount', ['-o', 'remount,rw', dir]),
    unmount: () => execFileSync('umount', ['-l', dir]),
  };
}
