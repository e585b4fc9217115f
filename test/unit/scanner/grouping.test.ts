import { describe, expect, it } from 'vitest';
import { expectedMrzLines, isMrzLine, isNoise, ReadGrouper } from '../../../src/drivers/scanner/grouping.js';
import { specimenMrz } from '../../../src/drivers/scanner/mrz-builder.js';

const td1 = specimenMrz('TD1');
const td3 = specimenMrz('TD3');

describe('read grouping', () => {
  it('groups the three TD1 lines into one read, emitted on the third line', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    expect(g.line(td1[0]!, 0)).toEqual([]);
    expect(g.line(td1[1]!, 40)).toEqual([]);
    expect(g.dueAt).toBe(340);
    expect(g.line(td1[2]!, 80)).toEqual([{ kind: 'mrz', lines: td1, complete: true }]);
    expect(g.dueAt).toBeUndefined();
  });

  it('groups the two TD3 lines', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    expect([...g.line(td3[0]!, 0), ...g.line(td3[1]!, 50)]).toEqual([{ kind: 'mrz', lines: td3, complete: true }]);
  });

  it('cuts a group after the gap: an incomplete read, then a fresh document', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    g.line(td1[0]!, 0);
    expect(g.tick(299)).toEqual([]);
    expect(g.tick(300)).toEqual([{ kind: 'mrz', lines: [td1[0]], complete: false }]);
    g.line(td3[0]!, 1000);
    // a line arriving after the gap first cuts the pending group
    expect(g.line(td3[1]!, 1400)).toEqual([
      { kind: 'mrz', lines: [td3[0]], complete: false },
    ]);
    expect(g.flush()).toEqual([{ kind: 'mrz', lines: [td3[1]], complete: false }]);
  });

  it('a barcode line between MRZ lines cuts the document and is a barcode', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    g.line(td1[0]!, 0);
    expect(g.line(']Q1HELLO', 10)).toEqual([
      { kind: 'mrz', lines: [td1[0]], complete: false },
      { kind: 'barcode', text: ']Q1HELLO' },
    ]);
  });

  it('ignores empty lines and passes barcodes straight through', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    expect(g.line('', 0)).toEqual([]);
    expect(g.line('4006381333931', 0)).toEqual([{ kind: 'barcode', text: '4006381333931' }]);
    expect(g.line('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123', 0)).toEqual([{ kind: 'barcode', text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123' }]);
  });

  it('with MRZ detection off (barcode-only scanner) an MRZ-looking code is a barcode at once', () => {
    const g = new ReadGrouper({ groupGapMs: 300, detectMrz: false });
    expect(g.line(td1[0]!, 0)).toEqual([{ kind: 'barcode', text: td1[0] }]);
    expect(g.dueAt).toBeUndefined();
  });

  it('flush (unplug, frame end) hands out what there is', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    g.line(td1[0]!, 0);
    g.line(td1[1]!, 10);
    expect(g.flush()).toEqual([{ kind: 'mrz', lines: [td1[0], td1[1]], complete: false }]);
    expect(g.flush()).toEqual([]);
  });

  it('classifies MRZ lines and expected counts', () => {
    expect(isMrzLine(td1[0]!)).toBe(true);
    expect(isMrzLine('HELLO<WORLD')).toBe(false);
    expect(isMrzLine(td3[1]!.toLowerCase())).toBe(false);
    expect(expectedMrzLines(30)).toBe(3);
    expect(expectedMrzLines(29)).toBe(3);
    expect(expectedMrzLines(36)).toBe(2);
    expect(expectedMrzLines(44)).toBe(2);
  });

  it('tells line noise from data', () => {
    expect(isNoise(Buffer.from('HELLO'), 'utf8')).toBe(false);
    expect(isNoise(Buffer.from('01\u001d23'), 'utf8')).toBe(false);
    expect(isNoise(Buffer.from('Ünïcödé'), 'utf8')).toBe(false);
    expect(isNoise(Buffer.from([0x41, 0x07, 0x42]), 'utf8')).toBe(true);
    expect(isNoise(Buffer.from([0x41, 0xff, 0x42]), 'utf8')).toBe(true);
    expect(isNoise(Buffer.from([0x41, 0xff, 0x42]), 'latin1')).toBe(false);
  });
});
