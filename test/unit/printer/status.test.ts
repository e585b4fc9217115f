import { describe, expect, it } from 'vitest';
import { decodeStatus, encodePaperReply, encodeStatus, isRealtimeReply, ReplyDecoder, type PrinterStatus } from '../../../src/drivers/printer/status.js';

// Vectors from /work/shared/vectors/escpos-status.md
describe('DLE EOT status decoding', () => {
  it('0x12 on all four queries is all clear', () => {
    expect(decodeStatus(0x12, 0x12, 0x12, 0x12)).toEqual({
      online: true, cover: 'closed', paper: 'ok', feeding: false, cutterError: false,
      unrecoverableError: false, recoverableError: false, stoppedForPaper: false,
    });
  });
  it('0x16 for n=2 is cover open', () => {
    expect(decodeStatus(0x12, 0x16, 0x12, 0x12).cover).toBe('open');
  });
  it('0x72 for n=4 is paper out, 0x1E is near end', () => {
    expect(decodeStatus(0x12, 0x12, 0x12, 0x72).paper).toBe('out');
    expect(decodeStatus(0x12, 0x12, 0x12, 0x1e).paper).toBe('near_end');
  });
  it('n=1 bit 3 is offline; n=3 bit 3 cutter error, bit 5 unrecoverable, bit 6 recoverable', () => {
    expect(decodeStatus(0x1a, 0x12, 0x12, 0x12).online).toBe(false);
    const s = decodeStatus(0x12, 0x12, 0x12 | 0x08 | 0x20 | 0x40, 0x12);
    expect([s.cutterError, s.unrecoverableError, s.recoverableError]).toEqual([true, true, true]);
    expect(decodeStatus(0x12, 0x32, 0x12, 0x12).stoppedForPaper).toBe(true);
  });
  it('every reply byte has the fixed bits (0b0xx1xx10)', () => {
    const s: PrinterStatus = { online: false, cover: 'open', paper: 'out', feeding: true, cutterError: true, unrecoverableError: false, recoverableError: true, stoppedForPaper: true };
    for (const b of encodeStatus(s)) expect(isRealtimeReply(b)).toBe(true);
    const [r1, r2, r3, r4] = encodeStatus(s);
    expect(decodeStatus(r1, r2, r3, r4)).toEqual(s);
    expect(r4).toBe(0x72);
  });
  it('encodes the documented example replies', () => {
    const clear: PrinterStatus = decodeStatus(0x12, 0x12, 0x12, 0x12);
    expect(encodeStatus(clear)).toEqual([0x12, 0x12, 0x12, 0x12]);
    expect(encodeStatus({ ...clear, paper: 'out' })[3]).toBe(0x72);
    expect(encodeStatus({ ...clear, paper: 'near_end' })[3]).toBe(0x1e);
    expect(encodeStatus({ ...clear, cover: 'open' })[1]).toBe(0x16);
  });
});

describe('ReplyDecoder', () => {
  it('tells DLE EOT replies, GS r replies and the clear-buffer ack apart in one stream', () => {
    const d = new ReplyDecoder();
    const out = d.push(Uint8Array.of(0x12, 0x00, 0x72, encodePaperReply('out'), 0x37));
    expect(out).toEqual([
      { kind: 'realtime', byte: 0x12 },
      { kind: 'paper', paper: 'ok' },
      { kind: 'realtime', byte: 0x72 },
      { kind: 'paper', paper: 'out' },
    ]);
    expect(d.push(Uint8Array.of(0x25, 0x00, 0x03))).toEqual([{ kind: 'cleared' }, { kind: 'paper', paper: 'near_end' }]);
  });
  it('ignores bytes that are neither', () => {
    expect(new ReplyDecoder().push(Uint8Array.of(0xff, 0x80, 0x41))).toEqual([]);
  });
});
