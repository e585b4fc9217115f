import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../src/drivers/scanner/document.js';
import { ReadGrouper } from '../../../src/drivers/scanner/grouping.js';
import { buildKeymap } from '../../../src/drivers/scanner/keymap.js';
import { LineSplitter } from '../../../src/drivers/scanner/lines.js';
import { specimenMrz } from '../../../src/drivers/scanner/mrz-builder.js';
import { InputEventReader, KeystrokeDecoder } from '../../../src/drivers/scanner/wedge.js';

const mrzLines = [...specimenMrz('TD1'), ...specimenMrz('TD2'), ...specimenMrz('TD3')];
const line = fc.oneof(fc.constantFrom(...mrzLines), fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() === s && s !== ''));

describe('scanner codecs under arbitrary input', () => {
  it('grouping never drops a line: every non-empty line fed comes out in exactly one read', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.integer({ min: 0, max: 1000 })), { maxLength: 40 }), (feed) => {
        const g = new ReadGrouper({ groupGapMs: 300 });
        let now = 0;
        const out: string[] = [];
        const take = (reads: ReturnType<ReadGrouper['flush']>): void => {
          for (const r of reads) out.push(...(r.kind === 'mrz' ? r.lines : [r.text]));
        };
        for (const [text, gap] of feed) {
          now += gap;
          take(g.line(text, now));
        }
        take(g.flush());
        expect(out).toEqual(feed.map(([t]) => t));
      }),
      { numRuns: 500 },
    );
  });

  it('any bytes through line splitting, grouping and MRZ parsing: no throw, and documents always say why they are invalid', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 10 }), (chunks) => {
        const s = new LineSplitter({ terminators: ['\r\n', '\r', '\n'], frame: undefined });
        const g = new ReadGrouper({ groupGapMs: 300 });
        for (const c of chunks) {
          for (const t of s.push(Buffer.from(c))) {
            if (t.kind !== 'line') continue;
            for (const r of g.line(t.bytes.toString('latin1'), 0)) {
              if (r.kind !== 'mrz') continue;
              const d = parseDocument(r.lines, r.complete, new Date(2026, 0, 1));
              expect(d.valid || d.problem !== null).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes as input events: no throw, whatever the event size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(16 as const, 24 as const), (bytes, size) => {
        const reader = new InputEventReader(size);
        const keys = new KeystrokeDecoder(buildKeymap('de'));
        for (const e of reader.push(Buffer.from(bytes))) keys.feed(e);
      }),
      { numRuns: 300 },
    );
  });

  it('a random single-character corruption of a specimen MRZ is never reported valid with the same fields', () => {
    const td3 = specimenMrz('TD3');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 43 }), fc.constantFrom(...'0123456789'), (pos, ch) => {
        const l2 = td3[1]!;
        fc.pre(l2[pos] !== ch && /[0-9]/.test(l2[pos]!) && pos < 43);
        const d = parseDocument([td3[0]!, l2.slice(0, pos) + ch + l2.slice(pos + 1)], true, new Date(2026, 0, 1));
        expect(d.valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
