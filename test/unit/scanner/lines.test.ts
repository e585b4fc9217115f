import { ReadlineParser } from '@serialport/parser-readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, terminatorBytes, type LineToken } from '../../../src/drivers/scanner/lines.js';

const texts = (tokens: LineToken[]): string[] => tokens.map((t) => (t.kind === 'line' ? t.bytes.toString('latin1') : '<END>'));

function feed(splitter: LineSplitter, chunks: string[]): string[] {
  return chunks.flatMap((c) => texts(splitter.push(Buffer.from(c, 'latin1'))));
}

/** What @serialport/parser-readline emits for the same chunks (it never emits empty lines). */
async function readline(delimiter: string, chunks: string[]): Promise<string[]> {
  const parser = new ReadlineParser({ delimiter, encoding: 'latin1' });
  const out: string[] = [];
  parser.on('data', (d: string) => out.push(d));
  for (const c of chunks) parser.write(Buffer.from(c, 'latin1'));
  await new Promise((r) => setImmediate(r));
  return out;
}

describe('line splitting', () => {
  it('splits on CR, LF and CRLF, keeping a partial line across chunks', () => {
    const s = new LineSplitter({ terminators: ['\r\n', '\r', '\n'] });
    expect(feed(s, ['ABC\r\nDE', 'F\rGHI\n', 'JK'])).toEqual(['ABC', 'DEF', 'GHI']);
    expect(s.pendingBytes).toBe(2);
    expect(feed(s, ['\r'])).toEqual(['JK']);
  });

  it('a CRLF torn between chunks is still one terminator', () => {
    const s = new LineSplitter({ terminators: ['\r\n', '\r', '\n'] });
    expect(feed(s, ['ABC\r', '\nDEF\r', 'GHI\r\n'])).toEqual(['ABC', 'DEF', 'GHI']);
    expect(feed(s, ['\r', '\r\n'])).toEqual(['', '']);
  });

  it('behaves as @serialport/parser-readline for a single delimiter, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('A', '<', '1', '\r', '\n', 'é') , maxLength: 40 }), { maxLength: 8 }),
        fc.constantFrom('\r', '\n', '\r\n'),
        async (chunks, delimiter) => {
          const ours = feed(new LineSplitter({ terminators: [delimiter] }), chunks).filter((l) => l !== '');
          expect(ours).toEqual(await readline(delimiter, chunks));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes the frame of STX..ETX readers: drops bytes outside, ends the read at ETX', () => {
    const s = new LineSplitter({ terminators: ['\r'], frame: { start: 0x02, end: 0x03 } });
    expect(feed(s, ['\x1cO\x02LINE1\rLI', 'NE2\r\x03\x1d', 'junk\x02X\r\x03'])).toEqual(['LINE1', 'LINE2', '<END>', 'X', '<END>']);
    expect(s.droppedBytes).toBe(2 + 1 + 4);
  });

  it('a new STX cuts a frame that never ended', () => {
    const s = new LineSplitter({ terminators: ['\r'], frame: { start: 0x02, end: 0x03 } });
    expect(feed(s, ['\x02A\rHALF', '\x02B\r\x03'])).toEqual(['A', 'HALF', '<END>', 'B', '<END>']);
  });

  it('cuts endless noise at maxLineBytes instead of growing', () => {
    const s = new LineSplitter({ terminators: ['\r'], maxLineBytes: 10 });
    expect(feed(s, ['x'.repeat(25)])).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    expect(s.pendingBytes).toBe(5);
  });

  it('decodes escaped terminators from config strings', () => {
    expect(terminatorBytes('\\r\\n')).toEqual(Buffer.from('\r\n'));
    expect(terminatorBytes('\\x03')).toEqual(Buffer.from([3]));
    expect(terminatorBytes('\r')).toEqual(Buffer.from('\r'));
  });
});
