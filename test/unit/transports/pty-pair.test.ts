/**
 * PTY pairs without socat: bytes pass untouched both ways (raw from creation, no echo), an unplug hangs
 * up the driver's port even when a child process was started meanwhile (close-on-exec), and the pair
 * comes back at the same path.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PtyPair } from '../../../src/transports/pty-pair.js';
import { SerialTransport } from '../../../src/transports/serial.js';
import { tempDir } from '../../helpers/daemon.js';
import { hasPty } from '../../helpers/env.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function collect(stream: { onData(l: (c: Buffer) => void): () => void }): { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  stream.onData((c) => chunks.push(c));
  return { bytes: () => Buffer.concat(chunks) };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!hasPty)('PtyPair (posix_openpt through koffi)', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close().catch(() => undefined);
  });

  it('links the slave at the device path and carries every byte value both ways, without echo', async () => {
    const pair = await PtyPair.create(tempDir(), 'ttyUSB0');
    open.push(pair);
    expect(readlinkSync(pair.devicePath)).toMatch(/^\/dev\/pts\/\d+$/);
    const sim = pair.simEnd();
    await sim.open();
    const driver = new SerialTransport({ path: pair.devicePath, baudRate: 9600 });
    await driver.open();
    open.push(driver);
    const atSim = collect(sim);
    const atDriver = collect(driver);
    // XON/XOFF, ^C, CR and LF are what a cooked terminal would swallow or translate
    await driver.write(ALL_BYTES);
    await sim.write(ALL_BYTES);
    await until(() => atSim.bytes().length >= 256 && atDriver.bytes().length >= 256);
    await new Promise((r) => setTimeout(r, 50));
    expect(atSim.bytes()).toEqual(ALL_BYTES);
    expect(atDriver.bytes()).toEqual(ALL_BYTES);
  });

  it('is raw before the driver opens it: what the simulator sends early is not echoed back', async () => {
    const pair = await PtyPair.create(tempDir(), 'early');
    open.push(pair);
    const sim = pair.simEnd();
    await sim.open();
    const atSim = collect(sim);
    await sim.write(Buffer.from('hello\r\n\x03\x11'));
    await new Promise((r) => setTimeout(r, 100));
    expect(atSim.bytes().length).toBe(0);
  });

  it('an unplug hangs up the driver even with a child process started meanwhile; replug restores the path', async () => {
    const pair = await PtyPair.create(tempDir(), 'ttyACM0');
    open.push(pair);
    const driver = new SerialTransport({ path: pair.devicePath, baudRate: 9600, presenceCheckMs: 0 });
    await driver.open();
    // the driver is reading (a byte got through) before the cable goes
    const first = collect(driver);
    const simSide = pair.simEnd();
    await simSide.open();
    await simSide.write(Buffer.from([0x42]));
    await until(() => first.bytes().length === 1);
    const slave = pair.slavePath;
    // A child (gpiod tools, a broker) started now must not inherit the master and keep the PTY alive.
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    open.push({ close: async () => void child.kill() });
    await until(() => existsSync(`/proc/${child.pid}/fd`));
    const inherited = readdirSync(`/proc/${child.pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${child.pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(inherited.filter((l) => l === '/dev/ptmx' || l === slave)).toEqual([]);
    const closed = new Promise<Error | undefined>((resolve) => driver.onClose(resolve));
    await pair.unplug();
    expect(await closed).toBeInstanceOf(Error);
    expect(existsSync(pair.devicePath)).toBe(false);
    await expect(driver.write(Buffer.from([1]))).rejects.toMatchObject({ code: 'EIO' });

    await pair.replug();
    const sim = pair.simEnd();
    await sim.open();
    const again = new SerialTransport({ path: pair.devicePath, baudRate: 9600 });
    await again.open();
    open.push(again);
    const atDriver = collect(again);
    await sim.write(Buffer.from('back'));
    await until(() => atDriver.bytes().toString() === 'back');
  });

  it('the simulator end reports the unplug with an error, and a closed end drops what arrives', async () => {
    const pair = await PtyPair.create(tempDir(), 'sim');
    open.push(pair);
    const sim = pair.simEnd();
    expect(pair.simEnd()).toBe(sim);
    await sim.open();
    const driver = new SerialTransport({ path: pair.devicePath, baudRate: 9600 });
    await driver.open();
    open.push(driver);
    const atSim = collect(sim);
    await sim.close();
    await driver.write(Buffer.from('lost'));
    await new Promise((r) => setTimeout(r, 50));
    await sim.open();
    await driver.write(Buffer.from('kept'));
    await until(() => atSim.bytes().toString() === 'kept');
    const why = new Promise<Error | undefined>((resolve) => sim.onClose(resolve));
    await pair.unplug();
    expect((await why)?.message).toMatch(/unplugged/);
    expect(() => pair.simEnd()).toThrow(/unplugged/);
  });
});
