/**
 * Issue 13: a reader that stops mid-document (card pulled out after one line) must be reported as an
 * incomplete document, always. The old timer compared against performance.now() once; Node fired it a
 * little early, nothing was due, and it was never armed again (17 of 20 trials lost the read). Here the
 * input runs on clocks whose timers fire early and late, 100 times each, and on real Node timers.
 */
import { describe, expect, it } from 'vitest';
import { ErraticClock, systemClock, type Clock } from '../../../src/core/clock.js';
import { scannerInputSchema } from '../../../src/drivers/scanner/config.js';
import type { Read } from '../../../src/drivers/scanner/grouping.js';
import { ScannerInput } from '../../../src/drivers/scanner/input.js';
import { specimenMrz } from '../../../src/drivers/scanner/mrz-builder.js';
import { Listeners, type ByteStream } from '../../../src/transports/byte-stream.js';
import { streamsFrom } from '../../helpers/transports.js';

class FakeStream implements ByteStream {
  isOpen = false;
  readonly label = '/dev/fake';
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();
  async open(): Promise<void> {
    this.isOpen = true;
  }
  async write(): Promise<void> {}
  async close(): Promise<void> {
    this.isOpen = false;
  }
  onData(l: (c: Buffer) => void): () => void {
    return this.data.add(l);
  }
  onClose(l: (e?: Error) => void): () => void {
    return this.closed.add(l);
  }
  emit(s: string): void {
    this.data.emit(Buffer.from(s));
  }
}

async function openInput(clock: Clock, groupGapMs: number): Promise<{ stream: FakeStream; reads: Read[]; input: ScannerInput }> {
  const stream = new FakeStream();
  const reads: Read[] = [];
  const cfg = scannerInputSchema.parse({ type: 'serial', path: '/dev/fake', groupGapMs });
  const input = new ScannerInput('reader', cfg, clock, { read: (r) => reads.push(r), discarded: () => undefined, lost: () => undefined }, streamsFrom(() => stream, clock), 0);
  await input.open();
  return { stream, reads, input };
}

const td1 = specimenMrz('TD1', { expiry: '300101' });
const td3 = specimenMrz('TD3', { expiry: '300101' });

describe('incomplete reads are never lost, whatever the timers do', () => {
  it('100 of 100 runs on a clock whose timers fire up to 250 ms early and 150 ms late: incomplete within 2 s, never merged', async () => {
    let early = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const clock = new ErraticClock({ earlyMs: 250, lateMs: 150, seed });
      const { stream, reads, input } = await openInput(clock, 300);
      stream.emit(`${td1[0]}\r`);
      clock.advance(20);
      stream.emit(`${td1[1]}\r`); // then the card is pulled out
      for (let t = 0; t < 2000 && reads.length === 0; t += 10) clock.advance(10);
      expect(reads, `seed ${seed}`).toEqual([{ kind: 'mrz', lines: [td1[0], td1[1]], complete: false }]);
      // the next document is read on its own
      stream.emit(`${td3[0]}\r${td3[1]}\r`);
      expect(reads[1], `seed ${seed}`).toEqual({ kind: 'mrz', lines: td3, complete: true });
      early += clock.firedEarly;
      await input.close();
    }
    expect(early).toBeGreaterThan(50); // the clock really fired early, often
  });

  it('100 of 100 runs on real Node timers (gap 10 ms): the incomplete read always arrives', async () => {
    for (let run = 0; run < 100; run++) {
      const { stream, reads, input } = await openInput(systemClock, 10);
      const arrived = new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => {
          if (reads.length > 0) {
            clearInterval(poll);
            clearTimeout(giveUp);
            resolve();
          }
        }, 2);
        const giveUp = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`run ${run}: no read within 2 s`));
        }, 2000);
      });
      stream.emit(`${td1[0]}\r`);
      await arrived;
      expect(reads).toEqual([{ kind: 'mrz', lines: [td1[0]], complete: false }]);
      await input.close();
    }
  });
});
