import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/core/clock.js';
import { createLogger } from '../../../src/core/logger.js';
import { Listeners, type ByteStream } from '../../../src/transports/byte-stream.js';
import { ZvtLink } from '../../../src/drivers/card/zvt/link.js';
import { encodeFrame, SerialFrameReader } from '../../../src/drivers/card/zvt/serial-frame.js';
import type { Apdu } from '../../../src/drivers/card/zvt/apdu.js';
import { settle } from '../../helpers/clock.js';

/** A byte stream whose peer answers each frame with the next scripted byte (or nothing). */
class ScriptedPeer implements ByteStream {
  readonly written: Uint8Array[] = [];
  readonly label = 'fake';
  readonly isOpen = true;
  private readonly data = new Listeners<[Buffer]>();
  constructor(private readonly answers: Array<number | undefined>) {}
  async open(): Promise<void> {}
  async close(): Promise<void> {}
  async write(bytes: Uint8Array): Promise<void> {
    this.written.push(bytes);
    if (bytes.length > 1) {
      const answer = this.answers.shift();
      if (answer !== undefined) setImmediate(() => this.data.emit(Buffer.of(answer)));
    }
  }
  push(bytes: Uint8Array): void {
    this.data.emit(Buffer.from(bytes));
  }
  onData(l: (chunk: Buffer) => void): () => void {
    return this.data.add(l);
  }
  onClose(): () => void {
    return () => undefined;
  }
}

const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const APDU = Uint8Array.of(0x06, 0x01, 0x00);

describe('ZVT serial link', () => {
  it('repeats a frame the terminal NAKs, until it is ACKed', async () => {
    const peer = new ScriptedPeer([0x15, 0x15, 0x06]);
    const link = new ZvtLink(peer, 'serial', log, 200, systemClock);
    link.attach();
    await link.send(APDU);
    expect(peer.written).toHaveLength(3);
    for (const w of peer.written) expect(Buffer.from(w)).toEqual(Buffer.from(encodeFrame(APDU)));
  });

  it('gives up with TIMEOUT after three unanswered attempts', async () => {
    const peer = new ScriptedPeer([undefined, undefined, undefined]);
    const clock = new ManualClock();
    const link = new ZvtLink(peer, 'serial', log, 50, clock);
    link.attach();
    await expect(settle(clock, link.send(APDU))).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(clock.monotonic()).toBeGreaterThanOrEqual(150); // three acknowledgement timeouts of the link's clock
    expect(peer.written).toHaveLength(3);
  });

  it('ACKs a good frame and delivers its APDU; NAKs a corrupted one', async () => {
    const peer = new ScriptedPeer([]);
    const link = new ZvtLink(peer, 'serial', log, 50, systemClock);
    const got: Apdu[] = [];
    link.onApdu((a) => got.push(a));
    link.attach();
    const frame = encodeFrame(Uint8Array.of(0x80, 0x00, 0x00));
    peer.push(frame);
    const bad = Uint8Array.from(frame);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    peer.push(bad);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([{ cls: 0x80, ins: 0x00, data: new Uint8Array() }]);
    expect(peer.written.map((w) => Buffer.from(w).toString('hex'))).toEqual(['06', '15']);
    expect(new SerialFrameReader().push(frame)[0]?.type).toBe('frame');
  });
});
