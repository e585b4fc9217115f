import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CcHeader, CcParser, checksum, encodeCcFrame, encodeCreditBuffer, newEvents, parseCoinId, parseCreditBuffer,
} from '../../../src/drivers/cash/cctalk/codec.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));

describe('ccTalk framing', () => {
  it('round-trips the published simple poll and its ACK', () => {
    const poll = { dest: 2, src: 1, header: CcHeader.SIMPLE_POLL, data: new Uint8Array() };
    const ack = { dest: 1, src: 2, header: CcHeader.ACK, data: new Uint8Array() };
    expect(encodeCcFrame(poll)).toEqual(hex('02 00 01 FE FF'));
    expect(encodeCcFrame(ack)).toEqual(hex('01 00 02 00 FD'));
    expect(new CcParser().push(hex('02 00 01 FE FF 01 00 02 00 FD'))).toEqual([poll, ack]);
  });

  it('checksums make every frame sum to 0 mod 256', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.uint8Array({ maxLength: 252 }), (dest, src, header, data) => {
        const bytes = encodeCcFrame({ dest, src, header, data });
        expect([...bytes].reduce((a, b) => a + b, 0) % 256).toBe(0);
        expect(checksum(bytes.subarray(0, -1))).toBe(bytes[bytes.length - 1]);
        expect(new CcParser().push(bytes)).toEqual([{ dest, src, header, data }]);
      }),
    );
  });

  it('recovers after noise and a torn frame', () => {
    // (the simple checksum is weak: some noise does form a valid frame, which is why the host resets
    // the parser before each request and checks source and destination of the reply)
    const parser = new CcParser((dest, src) => dest === 1 && src === 2);
    const frames = [...parser.push(hex('33 44 01 07')), ...parser.push(hex('01 00 02 00 FD'))];
    expect(frames).toEqual([{ dest: 1, src: 2, header: 0, data: new Uint8Array() }]);
  });

  it('waits for a frame still arriving instead of cutting it at a false frame inside it', () => {
    const parser = new CcParser((dest, src) => dest === 1 && src === 2);
    const reply = encodeCcFrame({ dest: 1, src: 2, header: 0, data: hex('02 00 01 FE FF 07 07') });
    expect(parser.push(reply.subarray(0, 9))).toEqual([]);
    expect(parser.push(reply.subarray(9))).toHaveLength(1);
  });

  it('survives 10,000 random byte streams without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const parser = new CcParser((dest, src) => dest === 1 && src === 2);
        for (const chunk of chunks) for (const f of parser.push(chunk)) expect(f.data.length).toBeLessThanOrEqual(255);
        parser.reset();
        expect(parser.push(hex('01 00 02 00 FD'))).toHaveLength(1);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('ccTalk coin acceptor data', () => {
  it('reads coin values from coin ids, never from a table', () => {
    const id = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'ascii'));
    expect(parseCoinId(id('EU200A'))).toEqual({ country: 'EU', value: 200, issue: 'A' });
    expect(parseCoinId(id('GB010B'))?.value).toBe(10);
    expect(parseCoinId(id('JP2K5A'))?.value).toBe(2500);
    expect(parseCoinId(id('......'))).toBeUndefined();
    expect(parseCoinId(id('EU000A'))).toBeUndefined();
  });

  it('round-trips the credit buffer', () => {
    const buffer = { counter: 7, events: [{ kind: 'coin', position: 3, sorter: 1 }, { kind: 'error', code: 1 }, { kind: 'coin', position: 1, sorter: 1 }, { kind: 'error', code: 0 }, { kind: 'error', code: 0 }] } as const;
    expect(parseCreditBuffer(encodeCreditBuffer(buffer))).toEqual(buffer);
  });

  it('finds new events by the counter, oldest first, across the 255 -> 1 wrap, and counts lost ones', () => {
    const buf = (counter: number): ReturnType<typeof parseCreditBuffer> => ({
      counter,
      events: [1, 2, 3, 4, 5].map((p) => ({ kind: 'coin' as const, position: p, sorter: 0 })),
    });
    expect(newEvents(null, buf(9)).events).toEqual([]);
    expect(newEvents(9, buf(9)).events).toEqual([]);
    expect(newEvents(7, buf(9)).events.map((e) => (e.kind === 'coin' ? e.position : 0))).toEqual([2, 1]);
    expect(newEvents(254, buf(2)).events).toHaveLength(3);
    expect(newEvents(1, buf(9))).toMatchObject({ lost: 3 });
    expect(newEvents(0, buf(3)).events).toHaveLength(3);
    expect(newEvents(40, buf(0))).toEqual({ events: [], lost: 0, reset: true });
    const afterReset = { counter: 2, events: [{ kind: 'coin' as const, position: 4, sorter: 1 }, { kind: 'coin' as const, position: 2, sorter: 1 }, ...[0, 0, 0].map(() => ({ kind: 'error' as const, code: 0 }))] };
    expect(newEvents(40, afterReset)).toEqual({ events: [afterReset.events[1], afterReset.events[0]], lost: 0, reset: true });
  });
});
