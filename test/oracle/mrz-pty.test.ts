/**
 * The MRZ oracle corpus through the whole scanner driver, as a reader sends it: line assembly, MRZ/barcode
 * grouping, parsing, events. First every document in-process with every way a reader splits its bytes
 * (CR, CRLF, LF, one write, byte by byte, random chunks, pauses between lines); then a stratified subset
 * over a real PTY at a reader's pacing. Each document must come out as exactly one `document`
 * event, agreeing with the oracle, and no document may come out as a `barcode` event.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import type { DocumentFields } from '../../src/drivers/scanner/document.js';
import { PtyPair } from '../../src/transports/pty-pair.js';
import { Listeners, type ByteStream } from '../../src/transports/byte-stream.js';
import { hasPty } from '../helpers/env.js';
import { recordOracle } from '../faults/report.js';
import { disagreements, loadCorpus, type CorpusCase } from './mrz-oracle.js';
import { scannerUnderTest, type Captured } from './scanner-harness.js';
import { realTransports, streamsFrom } from '../helpers/transports.js';

const { header, cases } = loadCorpus();
const START = new Date(`${header.today}T12:00:00`).getTime();

class FakeStream implements ByteStream {
  isOpen = false;
  readonly label = '/dev/fake-reader';
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
  emit(b: Buffer): void {
    this.data.emit(b);
  }
}

const SPLITS = ['CR one write', 'CRLF one write', 'LF one write', 'byte by byte', 'random chunks', 'lines with pauses'] as const;
type Split = (typeof SPLITS)[number];

/** Deterministic PRNG (mulberry32) so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), s | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

function eol(split: Split): string {
  return split === 'CRLF one write' ? '\r\n' : split === 'LF one write' ? '\n' : '\r';
}

/** The event's document fields (what parseDocument gave the driver). */
function fieldsOf(e: Captured): DocumentFields {
  const { input: _i, scanId: _s, at: _a, ...rest } = e.payload;
  return rest as unknown as DocumentFields;
}

/** What the reader's line assembly makes of a line: trailing spaces are not data. */
const asRead = (lines: readonly string[]): string[] => lines.map((l) => l.trimEnd());

function check(c: CorpusCase, events: readonly Captured[], how: string): string[] {
  const docs = events.filter((e) => e.name === 'document');
  const barcodes = events.filter((e) => e.name === 'barcode');
  const out: string[] = [];
  if (barcodes.length > 0) out.push(`${barcodes.length} barcode event(s)`);
  if (docs.length !== 1) out.push(`${docs.length} document events`);
  const doc = docs[0];
  if (doc) {
    if (JSON.stringify(doc.payload.lines) !== JSON.stringify(asRead(c.lines))) out.push(`lines ${JSON.stringify(doc.payload.lines)}`);
    else if (c.lines.every((l) => l === l.trimEnd())) out.push(...disagreements(c, fieldsOf(doc)));
  }
  return out.map((d) => `#${c.id} ${c.format}/${c.kind} (${how}): ${d}`);
}

describe(`MRZ corpus through the scanner driver: ${cases.length} documents`, () => {
  it('every document, split every way a reader splits it: one document event, agreeing with the oracle, never a barcode', async () => {
    const clock = new ManualClock(START);
    const stream = new FakeStream();
    const t = scannerUnderTest({ reader: { type: 'serial', path: '/dev/fake-reader', groupGapMs: 300 } }, clock, streamsFrom(() => stream, clock));
    await t.driver.start(new AbortController().signal);
    const rnd = prng(13);
    const failures: string[] = [];
    const tally = new Map<Split, number>();
    for (const [i, c] of cases.entries()) {
      const split = SPLITS[i % SPLITS.length] as Split;
      tally.set(split, (tally.get(split) ?? 0) + 1);
      t.events.length = 0;
      const bytes = Buffer.from(c.lines.map((l) => l + eol(split)).join(''), 'latin1');
      if (split === 'byte by byte') for (const b of bytes) stream.emit(Buffer.of(b));
      else if (split === 'random chunks') {
        for (let at = 0; at < bytes.length; ) {
          const n = 1 + Math.floor(rnd() * 40);
          stream.emit(bytes.subarray(at, at + n));
          at += n;
          clock.advance(Math.floor(rnd() * 5));
        }
      } else if (split === 'lines with pauses') {
        for (const l of c.lines) {
          stream.emit(Buffer.from(`${l}\r\n`, 'latin1'));
          clock.advance(20 + Math.floor(rnd() * 230)); // under the 300 ms gap, as a slow reader
        }
      } else stream.emit(bytes);
      clock.advance(1000); // whatever is pending is cut by the gap timer
      failures.push(...check(c, t.events, split));
    }
    await t.driver.stop();
    expect(failures.slice(0, 20), `${failures.length} of ${cases.length} failed`).toEqual([]);
    expect([...tally.values()].every((n) => n > 1500)).toBe(true);
    recordOracle('mrz-driver', {
      codec: 'Scanner line assembly and MRZ/barcode grouping (the whole driver, in process)',
      oracle: 'the Python mrz corpus, every document split as readers split it',
      cases: `${cases.length} documents x one of: ${[...tally].map(([s, n]) => `${s} ${n}`).join(', ')}`,
      result: `${cases.length - failures.length} of ${cases.length}: one document event agreeing with the oracle, no barcode event`,
      test: 'test/oracle/mrz-pty.test.ts',
    });
    // personal data never reaches a log line: spot-check the names and numbers of the first 200
    const logs = t.logs.join('\n');
    for (const c of cases.slice(0, 200)) if (c.oracle.fields?.document_number && c.oracle.fields.document_number.length >= 6) expect(logs).not.toContain(c.oracle.fields.document_number);
  }, 120_000);
});

/** A stratified subset: every specimen, every format x fault kind, and filler-free Emirates IDs. */
function subset(): CorpusCase[] {
  const picked = new Map<string, CorpusCase[]>();
  for (const c of cases) {
    const key = c.kind.startsWith('specimen') ? `${c.id}` : `${c.format}/${c.style ?? ''}/${c.kind.split(':')[0]}`;
    const list = picked.get(key) ?? [];
    const want = c.kind === 'valid' ? 3 : 1;
    if (list.length < want) list.push(c);
    picked.set(key, list);
  }
  return [...picked.values()].flat();
}

describe.skipIf(!hasPty)('MRZ corpus subset over a real PTY at a reader\'s pacing', () => {
  let pair: PtyPair;
  let reader: ByteStream;
  let t: ReturnType<typeof scannerUnderTest>;

  beforeAll(async () => {
    pair = await PtyPair.create(`/tmp/kioskd-oracle-${process.pid}`, 'mrz-reader');
    reader = pair.simEnd();
    await reader.open();
    t = scannerUnderTest({ reader: { type: 'serial', path: pair.devicePath, baudRate: 115200, groupGapMs: 300 } }, systemClock, realTransports());
    await t.driver.start(new AbortController().signal);
  });
  afterAll(async () => {
    await t?.driver.stop();
    await reader?.close();
    await pair?.close();
  });

  it('every document of the subset arrives as one document event agreeing with the oracle, no barcode', async () => {
    const docs = subset();
    expect(docs.length).toBeGreaterThan(100);
    const rnd = prng(21);
    const failures: string[] = [];
    for (const [i, c] of docs.entries()) {
      const how = ['CR, 40 ms between lines', 'CRLF, byte by byte (1 ms)', 'LF, one write', 'CR, each line in two writes 15 ms apart'][i % 4] as string;
      t.events.length = 0;
      if (how.startsWith('LF')) await reader.write(Buffer.from(c.lines.map((l) => `${l}\n`).join(''), 'latin1'));
      else {
        for (const [n, l] of c.lines.entries()) {
          if (n > 0) await wait(20 + Math.floor(rnd() * 40));
          const bytes = Buffer.from(l + (how.startsWith('CRLF') ? '\r\n' : '\r'), 'latin1');
          if (how.includes('byte by byte')) {
            for (const b of bytes) {
              await reader.write(Buffer.of(b));
              await wait(1);
            }
          } else if (how.includes('two writes')) {
            await reader.write(bytes.subarray(0, 17));
            await wait(15);
            await reader.write(bytes.subarray(17));
          } else await reader.write(bytes);
        }
      }
      // a complete document is published on its last line; wait for it (bounded), or for the gap
      for (let n = 0; n < 200 && !t.events.some((e) => e.name === 'document'); n++) await wait(5);
      await wait(c.lines.length < 3 && c.format === 'TD1' ? 350 : 0);
      failures.push(...check(c, t.events, how));
    }
    expect(failures, `${failures.length} of ${docs.length} failed`).toEqual([]);
    recordOracle('mrz-pty', {
      codec: 'Scanner driver over a real PTY, real serial transport',
      oracle: 'the Python mrz corpus: every specimen, every format x fault kind, Emirates IDs',
      cases: `${docs.length} documents at a reader's pacing (CR with 20-60 ms between lines, CRLF byte by byte, LF one write, lines in two writes)`,
      result: `${docs.length - failures.length} of ${docs.length}: one document event agreeing with the oracle, no barcode event`,
      test: 'test/oracle/mrz-pty.test.ts',
    });
  }, 120_000);
});
