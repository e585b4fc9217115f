/**
 * Fuzzing the printer's and the scanner's wire decoders with what a device (or line noise) can send:
 * no crash, no hang, bounded buffers and heap. 10,000 cases per decoder (FUZZ_RUNS to change).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as escpos from '../../src/drivers/printer/codec.js';
import { EscPosDecoder } from '../../src/drivers/printer/decoder.js';
import { decodeStatus, ReplyDecoder } from '../../src/drivers/printer/status.js';
import { splitAim } from '../../src/drivers/scanner/aim.js';
import { parseDocument } from '../../src/drivers/scanner/document.js';
import { isNoise, ReadGrouper } from '../../src/drivers/scanner/grouping.js';
import { buildKeymap, KEYMAP_NAMES } from '../../src/drivers/scanner/keymap.js';
import { LineSplitter } from '../../src/drivers/scanner/lines.js';
import { encodeInputEvents, EV_KEY, InputEventReader, KeystrokeDecoder, type EventSize } from '../../src/drivers/scanner/wedge.js';
import { fuzz, fuzzReport, randomChunks, stream } from './harness.js';

const { check, row } = fuzzReport(
  'test/fuzz/printer-scanner.test.ts',
  'no crash, no hang; partial-frame buffers stay bounded',
  'valid frames between junk all decoded',
);

const escposCommand = fc.oneof(
  fc.constant(escpos.init()),
  fc.integer({ min: 0, max: 255 }).map(escpos.codePage),
  fc.boolean().map(escpos.bold),
  fc.integer({ min: 0, max: 300 }).map(escpos.feedLines),
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 255 })).map(([p, d]) => escpos.cut(p, d)),
  fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })).map(([w, h]) => escpos.size(w, h)),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => escpos.textLine(b.map((x) => (x < 0x20 ? x + 0x20 : x)))),
  fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })).chain(([w, h]) => fc.uint8Array({ minLength: w * h, maxLength: w * h }).map((d) => escpos.rasterBand(w, h, d))),
  fc.integer({ min: 1, max: 4 }).map((n) => escpos.realtimeStatus(n as 1 | 2 | 3 | 4)),
  fc.constant(escpos.transmitPaperStatus()),
  fc.constant(escpos.clearBuffers()),
);

describe('printer: ESC/POS', () => {
  afterAll(() => row('input.fuzz.printer', 'ESC/POS status replies and command stream', ['printer.reply', 'printer.status', 'printer.escpos']));

  it('the status reply decoder (bytes from the printer) never throws and holds back at most 2 bytes', () => {
    check('printer.reply', fuzz(randomChunks, (chunks) => {
      const d = new ReplyDecoder();
      for (const c of chunks) for (const r of d.push(c)) expect(['realtime', 'paper', 'cleared']).toContain(r.kind);
      expect((d as unknown as { pending: number[] }).pending.length).toBeLessThanOrEqual(2);
    }));
  });

  it('every combination of the 4 DLE EOT status bytes decodes', () => {
    check('printer.status', fuzz(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), ([a, b, c, d]) => {
      const s = decodeStatus(a, b, c, d);
      expect(['ok', 'near_end', 'out']).toContain(s.paper);
    }));
  });

  it('the virtual printer decodes any command stream, cut anywhere, with junk and flipped bytes', () => {
    check('printer.escpos', fuzz(stream(escposCommand, 12), ({ chunks }) => {
      const d = new EscPosDecoder();
      let consumed = 0;
      let total = 0;
      for (const c of chunks) {
        total += c.length;
        for (const x of d.push(c)) consumed += x.size;
      }
      expect(consumed + d.pendingBytes).toBe(total); // every byte is decoded or waiting, none invented
    }));
  });
});

const mrzChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<'.split(''));
const mrzLine = (n: number): fc.Arbitrary<string> => fc.array(mrzChar, { minLength: n, maxLength: n }).map((a) => a.join(''));
const mrzDoc = fc.oneof(
  fc.array(mrzLine(30), { minLength: 3, maxLength: 3 }),
  fc.array(mrzLine(36), { minLength: 2, maxLength: 2 }),
  fc.array(mrzLine(44), { minLength: 2, maxLength: 2 }),
  fc.array(fc.string({ maxLength: 50 }), { maxLength: 4 }),
);

describe('scanner: lines, MRZ, AIM, keyboard wedge', () => {
  afterAll(() =>
    row('input.fuzz.scanner', 'scanner lines, framing, MRZ, AIM ids, input events', ['scanner.lines', 'scanner.framed', 'scanner.wedge', 'scanner.aim', 'scanner.mrz', 'scanner.grouping']),
  );

  it('the line splitter (CR/LF/CRLF, any cut) never holds more than maxLineBytes', () => {
    check('scanner.lines', fuzz(stream(fc.string({ maxLength: 60 }).map((s) => Buffer.from(`${s}\r\n`)), 10), ({ chunks }) => {
      const s = new LineSplitter({ terminators: ['\r\n', '\r', '\n'], maxLineBytes: 64 });
      for (const c of chunks) for (const t of s.push(Buffer.from(c))) if (t.kind === 'line') expect(t.bytes.length).toBeLessThanOrEqual(64);
      expect(s.pendingBytes).toBeLessThanOrEqual(64);
    }));
  });

  it('the framed splitter (STX/ETX) drops what is outside frames and never throws', () => {
    check('scanner.framed', fuzz(randomChunks, (chunks) => {
      const s = new LineSplitter({ terminators: ['\r'], frame: { start: 0x02, end: 0x03 }, maxLineBytes: 128 });
      for (const c of chunks) s.push(Buffer.from(c));
      expect(s.pendingBytes).toBeLessThanOrEqual(128);
    }));
  });

  it('input events (16- and 24-byte layouts, any key, any value) decode with every keymap', () => {
    const event = fc.record({ timeUs: fc.nat(2 ** 31), type: fc.oneof(fc.constant(EV_KEY), fc.nat(0xffff)), code: fc.nat(0x2ff), value: fc.integer({ min: -2, max: 2 }) });
    const arb = fc.tuple(fc.constantFrom<EventSize>(16, 24), fc.constantFrom(...KEYMAP_NAMES), fc.array(event, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 4 }));
    check('scanner.wedge', fuzz(arb, ([size, keymap, events, cuts]) => {
      const bytes = encodeInputEvents(events, size);
      const reader = new InputEventReader(size);
      const keys = new KeystrokeDecoder(buildKeymap(keymap));
      let from = 0;
      let decoded = 0;
      for (const p of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
        for (const e of reader.push(bytes.subarray(from, Math.max(from, p)))) {
          decoded++;
          keys.feed(e);
        }
        from = Math.max(from, p);
      }
      expect(decoded).toBe(events.length);
    }));
  });

  it('AIM identifiers and noise detection take any text', () => {
    check('scanner.aim', fuzz(fc.tuple(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })), ([text, bytes]) => {
      const a = splitAim(text);
      expect(a.data.length).toBeLessThanOrEqual(text.length);
      isNoise(bytes, 'utf8');
      isNoise(bytes, 'latin1');
    }));
  });

  it('MRZ parsing (valid-looking and arbitrary lines, complete or cut) never throws', () => {
    const today = new Date(Date.UTC(2026, 0, 1));
    check('scanner.mrz', fuzz(fc.tuple(mrzDoc, fc.boolean()), ([lines, complete]) => {
      const d = parseDocument(lines, complete, today);
      expect(typeof d.valid).toBe('boolean');
    }));
  });

  it('read grouping of any sequence of lines and gaps', () => {
    const arb = fc.array(fc.tuple(fc.oneof(mrzLine(30), mrzLine(44), fc.string({ maxLength: 30 })), fc.nat(500)), { maxLength: 12 });
    check('scanner.grouping', fuzz(arb, (lines) => {
      const g = new ReadGrouper({ groupGapMs: 150 });
      let at = 0;
      let reads = 0;
      for (const [text, gap] of lines) reads += g.line(text, (at += gap)).length;
      reads += g.flush().length;
      expect(reads).toBeLessThanOrEqual(lines.length);
    }));
  });
});
