import { describe, expect, it } from 'vitest';
import { isMrzLine, isNoise, ReadGrouper } from '../../../src/drivers/scanner/grouping.js';
import { classifyLine, formatOfLines } from '../../../src/drivers/scanner/mrz/shape.js';
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
    for (const code of ['4006381333931', 'https://pay.example.ae/?ref=PAY-REF-93817', '0123456789012345678901234567890123456789', 'DXB-2026-000123', '(01)04006381333931(17)271231']) {
      expect(g.line(code, 0)).toEqual([{ kind: 'barcode', text: code }]);
    }
    expect(g.dueAt).toBeUndefined();
  });

  it('a filler-free TD1 (Emirates ID) is grouped by shape: one document, no barcode', () => {
    const eid = ['ILARE1234567891784198012345671', '8001014F3001012ARE<<<<<<<<<<<4', 'AL<MANSOORI<<FATIMA<<<<<<<<<<<'];
    const g = new ReadGrouper({ groupGapMs: 300 });
    expect([...g.line(eid[0]!, 0), ...g.line(eid[1]!, 40), ...g.line(eid[2]!, 80)]).toEqual([{ kind: 'mrz', lines: eid, complete: true }]);
  });

  it('a line that could be MRZ is never a barcode: on its own it is an incomplete document', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    // the ICAO TD1 first line with the check digit misread as O, and with one character dropped
    for (const line of ['I<UTOD23145890O<<<<<<<<<<<<<<<', 'I<UTOD23145890<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<']) {
      g.line(line, 0);
      expect(g.flush()).toEqual([{ kind: 'mrz', lines: [line], complete: false }]);
    }
  });

  it('a line of the expected width with an unreadable character stays in its document', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    const bad = td3[1]!.replace('UTO', 'U?O');
    expect([...g.line(td3[0]!, 0), ...g.line(bad, 40)]).toEqual([{ kind: 'mrz', lines: [td3[0], bad], complete: true }]);
  });

  it('with MRZ detection off (barcode-only scanner) nothing waits, and an MRZ line is still no barcode', () => {
    const g = new ReadGrouper({ groupGapMs: 300, detectMrz: false });
    expect(g.line(td1[0]!, 0)).toEqual([{ kind: 'mrz', lines: [td1[0]], complete: false }]);
    expect(g.dueAt).toBeUndefined();
    expect(g.line('4006381333931', 1)).toEqual([{ kind: 'barcode', text: '4006381333931' }]);
  });

  it('national formats: a one-line French driving licence is complete at once; the Swiss licence has 9+30+30', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    expect(g.line('D1FRA13AA000026181231MARTIN<<9', 0)).toEqual([{ kind: 'mrz', lines: ['D1FRA13AA000026181231MARTIN<<9'], complete: true }]);
    const ch = ['AAA001D<<', 'FACHEC00000000000000<<0101<<<<', 'MUSTER<<ADRIAN<<<<<<<<<<<<<<<<'];
    expect([...g.line(ch[0]!, 0), ...g.line(ch[1]!, 30), ...g.line(ch[2]!, 60)]).toEqual([{ kind: 'mrz', lines: ch, complete: true }]);
  });

  it('flush (unplug, frame end) hands out what there is', () => {
    const g = new ReadGrouper({ groupGapMs: 300 });
    g.line(td1[0]!, 0);
    g.line(td1[1]!, 10);
    expect(g.flush()).toEqual([{ kind: 'mrz', lines: [td1[0], td1[1]], complete: false }]);
    expect(g.flush()).toEqual([]);
  });

  it('classifies MRZ lines by shape and formats by geometry', () => {
    expect(isMrzLine(td1[0]!)).toBe(true);
    expect(isMrzLine('ILARE1234567891784198012345671')).toBe(true);
    expect(isMrzLine('HELLO<WORLD')).toBe(false);
    expect(isMrzLine(td3[1]!.toLowerCase())).toBe(false);
    expect(classifyLine(td1[0]!)).toMatchObject({ kind: 'first', format: 'TD1', lines: 3 });
    expect(classifyLine(td3[0]!)).toMatchObject({ kind: 'first', format: 'TD3', lines: 2 });
    expect(classifyLine(`V<UTO${'ERIKSSON<<ANNA'.padEnd(39, '<')}`)).toMatchObject({ kind: 'first', format: 'MRV-A' });
    expect(classifyLine(`VBD<<${'DEDIC<<SIDNAN'.padEnd(31, '<')}`)).toMatchObject({ kind: 'first', format: 'MRV-B' });
    expect(classifyLine('IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<')).toMatchObject({ kind: 'first', format: 'FR-ID' });
    // 29 characters: a misread TD1 line, wait for three
    expect(classifyLine(td1[0]!.slice(1))).toMatchObject({ kind: 'mrz', lines: 3 });
    expect(classifyLine('ABCDEFGHIJKLMNOPQRSTUVW')).toEqual({ kind: 'barcode' });
    expect(formatOfLines(['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '8806923102858CORINNE<<<<<<<6512068F6'])).toBe('FR-ID');
    expect(formatOfLines(specimenMrz('TD2'))).toBe('TD2');
    expect(formatOfLines([td1[0]!, td1[1]!])).toBeNull();
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
