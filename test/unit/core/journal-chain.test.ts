/**
 * The record format and its verification, line by line: each kind of damage is named by its own
 * reason (what a technician reads next to the file and line), and only the start of the record that
 * was being appended counts as a torn write.
 */
import { describe, expect, it } from 'vitest';
import { checkLine, encodeRecord, GENESIS, isTornWrite, MAX_RECORD_BYTES, recordHash, verifyChain, type JournalEntry } from '../../../src/core/journal-chain.js';

const entry = (seq: number, over: Partial<JournalEntry> = {}): JournalEntry => ({ seq, at: '2026-01-01T00:00:00.000Z', stream: 'card', type: 'sale.intent', key: `k${seq}`, data: { amount: 100 * seq }, ...over });

function chain(n: number, over: Partial<JournalEntry> = {}): { text: string; lines: string[]; hashes: string[] } {
  const lines: string[] = [];
  const hashes: string[] = [];
  let prev = GENESIS;
  for (let i = 1; i <= n; i++) {
    const r = encodeRecord(entry(i, over), prev);
    lines.push(r.line);
    hashes.push(r.hash);
    prev = r.hash;
  }
  return { text: lines.join(''), lines, hashes };
}

/** A line whose own hash is right but whose body says what we want. */
function signed(body: string): string {
  return `${body.slice(0, -1)},"h":"${recordHash(body)}"}`;
}

describe('record format', () => {
  it('a record is one line: seq, prev, at, stream, type, key, data, then its 32-hex hash', () => {
    const { line, hash } = encodeRecord(entry(1), GENESIS);
    expect(line).toBe(`{"seq":1,"prev":"${GENESIS}","at":"2026-01-01T00:00:00.000Z","stream":"card","type":"sale.intent","key":"k1","data":{"amount":100},"h":"${hash}"}\n`);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(hash).toBe(recordHash(line.slice(0, line.lastIndexOf(',"h":"')) + '}'));
    expect(checkLine(line.trimEnd(), 1, GENESIS)).toEqual({ entry: entry(1), hash });
  });

  it('each damage has its own reason', () => {
    const { lines, hashes } = chain(3);
    const l2 = (lines[1] ?? '').trimEnd();
    expect(checkLine('\u0000'.repeat(80), 2, hashes[0] ?? '')).toEqual({ reason: 'zero bytes where a record should be' });
    expect(checkLine(`${l2.slice(0, 20)}\u0000${l2.slice(21)}`, 2, hashes[0] ?? '')).toEqual({ reason: 'zero bytes where a record should be' });
    expect(checkLine('garbage', 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(l2.slice(0, -2), 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(`${l2.slice(0, -3)}"}`, 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(`x${l2}`, 2, '')).toEqual({ reason: 'hash mismatch (the line was altered or damaged)' });
    // each of the three shape checks on its own: no hash member; not ending in "}; a hash that is not 32 digits
    expect(checkLine(`{"x":"${'y'.repeat(31)}"}`, 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(`${l2.slice(0, -1)}]`, 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(`${l2.slice(0, -2)}0"}`, 2, '')).toEqual({ reason: 'not a journal record (no hash)' });
    expect(checkLine(l2.replace('"amount":200', '"amount":900'), 2, hashes[0] ?? '')).toEqual({ reason: 'hash mismatch (the line was altered or damaged)' });
    expect(checkLine(signed('{"seq":2,"prev":"x",nope}'), 2, '')).toEqual({ reason: 'not JSON' });
    expect(checkLine(l2, 1, hashes[0] ?? '')).toEqual({ reason: 'sequence gap: record 2 where 1 was expected' });
    expect(checkLine(l2, 3, hashes[0] ?? '')).toEqual({ reason: 'sequence repeats: record 2 again where 3 was expected' });
    expect(checkLine(signed('{"seq":"2","prev":"p","at":"a","stream":"s","type":"t","key":"k","data":{}}'), 2, 'p')).toEqual({ reason: 'sequence gap: record NaN where 2 was expected' });
    expect(checkLine(l2, 2, hashes[1] ?? '')).toEqual({ reason: 'chain broken: prev does not match the line before (a record was removed, moved or inserted)' });
    for (const missing of ['stream', 'type', 'key', 'at']) {
      const body = JSON.stringify({ seq: 2, prev: 'p', at: 'a', stream: 's', type: 't', key: 'k', data: {}, [missing]: 7 });
      expect(checkLine(signed(body), 2, 'p'), missing).toEqual({ reason: 'record without stream, type, key or time' });
    }
  });

  it('data that is not an object reads as empty', () => {
    for (const data of [null, 7, 'x', undefined]) {
      const body = JSON.stringify({ seq: 1, prev: GENESIS, at: 'a', stream: 's', type: 't', key: 'k', data });
      const checked = checkLine(signed(body), 1, GENESIS);
      expect('entry' in checked && checked.entry.data, String(data)).toStrictEqual({});
    }
    const body = JSON.stringify({ seq: 1, prev: GENESIS, at: 'a', stream: 's', type: 't', key: 'k', data: { a: 1 } });
    expect(checkLine(signed(body), 1, GENESIS)).toMatchObject({ entry: { data: { a: 1 } } });
  });
});

describe('torn writes', () => {
  const head = `{"seq":4,"prev":"${'a'.repeat(32)}",`;
  it('only the start of the record being appended, shorter than any record, without zeros', () => {
    expect(isTornWrite('{', 4, 'a'.repeat(32))).toBe(true);
    expect(isTornWrite(head.slice(0, 12), 4, 'a'.repeat(32))).toBe(true);
    expect(isTornWrite(head, 4, 'a'.repeat(32))).toBe(true);
    expect(isTornWrite(`${head}"at":"2026`, 4, 'a'.repeat(32))).toBe(true);
    expect(isTornWrite('', 4, 'a'.repeat(32))).toBe(false);
    expect(isTornWrite('{"seq":5', 4, 'a'.repeat(32))).toBe(false);
    expect(isTornWrite(`{"seq":4,"prev":"${'b'.repeat(32)}",`, 4, 'a'.repeat(32))).toBe(false);
    expect(isTornWrite(`${head}\u0000`, 4, 'a'.repeat(32))).toBe(false);
    expect(isTornWrite(`${head}${'x'.repeat(MAX_RECORD_BYTES - head.length - 1)}`, 4, 'a'.repeat(32))).toBe(true);
    expect(isTornWrite(`${head}${'x'.repeat(MAX_RECORD_BYTES - head.length)}`, 4, 'a'.repeat(32))).toBe(false);
    expect(isTornWrite(`${head}${'é'.repeat(Math.ceil((MAX_RECORD_BYTES - head.length) / 2))}`, 4, 'a'.repeat(32))).toBe(false);
  });
});

describe('verifyChain', () => {
  it('a whole chain: every entry, every hash, byte-exact lines and length (multi-byte text included)', () => {
    const { text, lines, hashes } = chain(3, { data: { text: 'إيصال ١٥٠ درهم' } });
    const scan = verifyChain(text);
    expect(scan).toMatchObject({ hashes, lines, goodBytes: Buffer.byteLength(text), tornBytes: 0, damage: undefined });
    expect(scan.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(verifyChain('')).toEqual({ entries: [], hashes: [], lines: [], goodBytes: 0, tornBytes: 0, damage: undefined });
  });

  it('a torn write after the records: counted in bytes, not damage', () => {
    const { text, hashes } = chain(2, { data: { text: 'é' } });
    const torn = `{"seq":3,"prev":"${hashes[1] ?? ''}","at":"é`;
    const scan = verifyChain(text + torn);
    expect(scan).toMatchObject({ goodBytes: Buffer.byteLength(text), tornBytes: Buffer.byteLength(torn), damage: undefined });
    expect(scan.entries).toHaveLength(2);
  });

  it('damage stops verification at its line, with a reason for the end of the file too', () => {
    const { text, lines } = chain(3);
    expect(verifyChain(`${lines[0]}garbage\n${lines[1]}`).damage).toEqual({ line: 2, reason: 'not a journal record (no hash)' });
    expect(verifyChain(`${text}\u0000\u0000`).damage).toEqual({ line: 4, reason: 'zero bytes at the end of the file (no newline)' });
    expect(verifyChain(`${text}${'x'.repeat(MAX_RECORD_BYTES)}`).damage).toEqual({ line: 4, reason: 'more bytes than any record at the end of the file (no newline)' });
    expect(verifyChain(`${text}garbage`).damage).toEqual({ line: 4, reason: 'bytes that are not the start of record 4 at the end of the file (no newline)' });
    const damaged = verifyChain(`${text}garbage`);
    expect([damaged.entries.length, damaged.goodBytes, damaged.tornBytes]).toEqual([3, Buffer.byteLength(text), 0]);
    expect(verifyChain('\n').damage).toEqual({ line: 1, reason: 'not a journal record (no hash)' });
  });
});
