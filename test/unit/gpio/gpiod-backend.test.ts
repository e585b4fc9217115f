/**
 * The gpiod backend against stand-ins for the libgpiod 1.6 tools (test/fixtures/gpiod-v1) that print
 * what the real tools print: argv built right, output parsed right, levels held by gpioset.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpiodBackend } from '../../../src/transports/gpio/gpiod.js';
import { repoRoot, tempDir } from '../../helpers/daemon.js';

const binDir = join(repoRoot, 'test', 'fixtures', 'gpiod-v1');
let dir: string;
const calls = (): string[] => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
};

describe('GpiodBackend (libgpiod v1 tools)', () => {
  beforeEach(() => {
    dir = tempDir();
    process.env.FAKE_GPIO_DIR = dir;
    writeFileSync(join(dir, 'level-27'), '1\n');
  });
  afterEach(() => {
    delete process.env.FAKE_GPIO_DIR;
  });

  it('finds lines by name, reads initial levels, streams edges, holds outputs', async () => {
    const b = new GpiodBackend({ chip: 'gpiochip0', binDir });
    const edges: Array<[string, boolean, number]> = [];
    b.onEdge((n, l, at) => edges.push([n, l, at]));
    await b.open(
      [{ name: 'presence', line: 'GPIO17', bias: 'pull-down' }, { name: 'door', line: 'GPIO27' }],
      [{ name: 'light', line: 'GPIO5', initial: false }, { name: 'relay', line: 12, initial: true }],
    );
    expect(await b.read('presence')).toBe(false);
    expect(await b.read('door')).toBe(true);
    // The kernel's timestamps (seconds, nanoseconds) are what the driver debounces on.
    appendFileSync(join(dir, 'edges'), '17 1 1234 500000000\n27 0 1234 512000001\n99 1 1235 0\n');
    await until(() => edges.length === 2);
    expect(edges).toEqual([['presence', true, 1_234_500], ['door', false, 1_234_512.000001]]);
    await b.write('light', true);
    const c = calls();
    expect(c).toContain('gpiofind GPIO17');
    expect(c).toContain('gpioget --bias=pull-down gpiochip0 17 27');
    expect(c).toContain('gpiomon --bias=pull-down -b -F %o %e %s %n gpiochip0 17 27');
    expect(c).toContain('gpioset --mode=signal gpiochip0 5=0');
    expect(c).toContain('gpioset --mode=signal gpiochip0 12=1');
    expect(c).toContain('gpioset --mode=signal gpiochip0 5=1');
    await b.close();
  });

  it('an unknown line name fails open with ENOENT naming the line', async () => {
    const b = new GpiodBackend({ chip: 'gpiochip0', binDir });
    await expect(b.open([{ name: 'x', line: 'GPIO99' }], [])).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('GPIO99') });
  });

  it('passes hostile-looking names as one argv word, never through a shell', async () => {
    const b = new GpiodBackend({ chip: 'gpiochip0', binDir });
    await expect(b.open([{ name: 'x', line: 'GPIO1;touch /tmp/pwned' }], [])).rejects.toMatchObject({ code: 'ENOENT' });
    expect(calls()).toContain('gpiofind GPIO1;touch /tmp/pwned');
  });

  it('reports the device lost when gpiomon dies', async () => {
    const b = new GpiodBackend({ chip: 'gpiochip0', binDir });
    const lost: Error[] = [];
    b.onLost((e) => lost.push(e));
    await b.open([{ name: 'presence', line: 'GPIO17' }], []);
    const { spawnSync } = await import('node:child_process');
    // The stand-in execs `tail` after logging its call: kill it once it is really running.
    await until(() => {
      spawnSync('pkill', ['-f', `tail -n \\+1 -f ${dir}/edges`]);
      return lost.length === 1;
    });
    await b.close();
  });
});
