/** Detaching the link while a status query's write is pending leaves no unhandled rejection. */
import { ManualClock } from '../../../src/core/test-clocks.js';
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../../src/core/errors.js';
import { PrinterLink } from '../../../src/drivers/printer/link.js';
import type { ByteStream } from '../../../src/transports/byte-stream.js';

function stalledStream(): ByteStream & { release(): void } {
  let release = (): void => undefined;
  return {
    isOpen: true,
    label: 'stalled',
    open: async () => undefined,
    close: async () => undefined,
    write: () => new Promise<void>((resolve) => (release = resolve)),
    onData: () => () => undefined,
    onClose: () => () => undefined,
    release: () => release(),
  };
}

describe('PrinterLink detach', () => {
  it('rejects a status query and a buffer clear caught mid-write, with nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const op of ['status', 'clear'] as const) {
        const stream = stalledStream();
        const link = new PrinterLink(stream, 1000, new ManualClock());
        const pending = op === 'status' ? link.queryStatus() : link.clearBuffers();
        await new Promise((r) => setImmediate(r)); // the query's write is now pending
        link.detach(new KioskError('PRINT_INTERRUPTED'));
        await new Promise((r) => setTimeout(r, 10)); // the write is still on the wire when the link goes
        stream.release();
        await expect(pending).rejects.toMatchObject({ code: 'PRINT_INTERRUPTED' });
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
