import { constants } from 'node:fs';
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputEventTransport, makeFifo } from '../../../src/transports/input-events.js';

const fixture = join(import.meta.dirname, '../../fixtures/scanner/wedge-us-qr-64bit.bin');

function collect(t: InputEventTransport, until: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  return new Promise((resolve) => {
    const off = t.onData((c) => {
      parts.push(Buffer.from(c));
      n += c.length;
      if (n >= until) {
        off();
        resolve(Buffer.concat(parts));
      }
    });
  });
}

describe('input event transport (non-blocking reads of an event device)', () => {
  it('streams what a writer puts into a FIFO standing in for /dev/input/eventN, and closes while idle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kioskd-ev-'));
    const path = join(dir, 'event-kbd');
    await makeFifo(path);
    const writer = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
    const t = new InputEventTransport({ path, pollMs: 5 });
    await t.open();
    expect(t.isOpen).toBe(true);
    const bytes = await readFile(fixture);
    const got = collect(t, bytes.length);
    await writer.write(bytes.subarray(0, 1000));
    await writer.write(bytes.subarray(1000));
    expect((await got).equals(bytes)).toBe(true);
    // nothing pending: a blocking read would hang here; close must return
    await t.close();
    expect(t.isOpen).toBe(false);
    await writer.close();
  });

  it('an idle device costs no read: it waits for readiness, it does not poll (issue 18)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kioskd-ev-'));
    const path = join(dir, 'event-kbd');
    await makeFifo(path);
    const writer = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
    // pollMs 5: a polling transport would read ~60 times in the 300 ms below
    const t = new InputEventTransport({ path, pollMs: 5 });
    await t.open();
    const reads = async (): Promise<number> => Number(/^syscr:\s+(\d+)/m.exec(await readFile('/proc/self/io', 'utf8'))?.[1]);
    const before = await reads();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idleReads = (await reads()) - before - 1; // the second /proc read itself
    expect(idleReads).toBeLessThan(10);
    const got = collect(t, 24);
    await writer.write(Buffer.alloc(24, 7));
    expect((await got).equals(Buffer.alloc(24, 7))).toBe(true);
    await t.close();
    await writer.close();
  });

  it('reads a recorded file to its end and keeps polling (EOF is "nothing now", not a close)', async () => {
    const bytes = await readFile(fixture);
    const t = new InputEventTransport({ path: fixture, pollMs: 5, readBytes: 24 * 16 });
    let closed = false;
    t.onClose(() => (closed = true));
    const got = collect(t, bytes.length);
    await t.open();
    expect((await got).equals(bytes)).toBe(true);
    expect(closed).toBe(false);
    await t.close();
  });

  it('rejects open of a missing device with ENOENT and refuses writes', async () => {
    const t = new InputEventTransport({ path: '/nonexistent/event-kbd' });
    await expect(t.open()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(t.write(Buffer.from([1]))).rejects.toMatchObject({ code: 'ENOTSUP' });
  });
});
