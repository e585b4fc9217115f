/** SerialTransport over a real PTY pair: errno on open, and an unplug is always reported. */
import { describe, expect, it } from 'vitest';
import { PtyPair } from '../../../src/transports/pty-pair.js';
import { SerialTransport } from '../../../src/transports/serial.js';
import { tempDir } from '../../helpers/daemon.js';
import { hasPty } from '../../helpers/env.js';

describe.skipIf(!hasPty)('SerialTransport', () => {
  it('a missing device rejects with ENOENT', async () => {
    const t = new SerialTransport({ path: `${tempDir()}/ttyUSB9`, baudRate: 9600 });
    await expect(t.open()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports an unplug as a close with an error, and reopens after replug', async () => {
    const pair = await PtyPair.create(tempDir(), 'dev');
    const t = new SerialTransport({ path: pair.devicePath, baudRate: 9600, presenceCheckMs: 50 });
    await t.open();
    const closed = new Promise<Error | undefined>((resolve) => t.onClose(resolve));
    await pair.unplug();
    const err = await closed;
    expect(err).toBeInstanceOf(Error);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^(ENODEV|EIO|EBADF)$/);
    expect(t.isOpen).toBe(false);
    await pair.replug();
    await t.open();
    expect(t.isOpen).toBe(true);
    await t.close();
    await pair.close();
  });
});
