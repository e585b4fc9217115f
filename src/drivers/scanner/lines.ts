/**
 * Line assembly (pure): bytes from a serial reader -> lines. Semantics of @serialport/parser-readline
 * (split on the delimiter, delimiter not included, partial line kept across chunks) generalised to a
 * set of terminators, because readers differ (CR, LF, CRLF), plus the STX..ETX framing some document
 * readers use, where the frame end also ends the read.
 */

export type LineToken =
  | { readonly kind: 'line'; readonly bytes: Buffer }
  /** A frame ended: whatever lines were read belong to one read, complete or not. */
  | { readonly kind: 'end' };

export interface LineSplitterOptions {
  /** Byte sequences ending a line; at the same position the longest wins (CRLF before CR). */
  terminators: readonly (string | Uint8Array)[];
  frame?: { start: number; end: number } | undefined;
  /** A line longer than this is cut (noise without terminators must not grow memory). */
  maxLineBytes?: number;
}

export class LineSplitter {
  private readonly terms: Buffer[];
  private buf: Buffer = Buffer.alloc(0);
  private inFrame = false;
  /** The terminator that ended the last chunk, when a longer one starts with it (CR of a torn CRLF). */
  private torn: Buffer | undefined;
  /** Bytes dropped because they were outside a frame. */
  droppedBytes = 0;

  constructor(private readonly o: LineSplitterOptions) {
    if (o.terminators.length === 0) throw new TypeError('at least one terminator');
    this.terms = o.terminators.map((t) => Buffer.from(t)).sort((a, b) => b.length - a.length);
    if (this.terms.some((t) => t.length === 0)) throw new TypeError('empty terminator');
  }

  push(chunk: Buffer): LineToken[] {
    const out: LineToken[] = [];
    if (!this.o.frame) {
      this.append(chunk, out);
      return out;
    }
    const { start, end } = this.o.frame;
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== start && b !== end) continue;
      if (this.inFrame) this.append(chunk.subarray(from, i), out);
      else this.droppedBytes += i - from;
      if (b === start && this.inFrame) this.endFrame(out); // a new frame cuts the previous one
      this.inFrame = b === start;
      if (b === end) this.endFrame(out);
      from = i + 1;
    }
    if (this.inFrame) this.append(chunk.subarray(from), out);
    else this.droppedBytes += chunk.length - from;
    return out;
  }

  /** The bytes of an unfinished line. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  private endFrame(out: LineToken[]): void {
    if (this.buf.length > 0) out.push({ kind: 'line', bytes: this.buf });
    this.buf = Buffer.alloc(0);
    out.push({ kind: 'end' });
  }

  private append(chunk: Buffer, out: LineToken[]): void {
    let data: Buffer = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    if (this.torn && data.length > 0) data = this.skipTornRest(this.torn, data);
    this.torn = undefined;
    for (;;) {
      const hit = this.firstTerminator(data);
      if (!hit) break;
      out.push({ kind: 'line', bytes: data.subarray(0, hit.at) });
      const term = data.subarray(hit.at, hit.at + hit.len);
      data = data.subarray(hit.at + hit.len);
      if (data.length === 0 && this.terms.some((t) => t.length > term.length && t.subarray(0, term.length).equals(term))) {
        this.torn = Buffer.from(term);
      }
    }
    const max = this.o.maxLineBytes ?? 8192;
    while (data.length > max) {
      out.push({ kind: 'line', bytes: data.subarray(0, max) });
      data = data.subarray(max);
    }
    this.buf = data;
  }

  /** A CRLF torn between two chunks: the LF at the start of this chunk belongs to the CR already seen. */
  private skipTornRest(torn: Buffer, data: Buffer): Buffer {
    for (const t of this.terms) {
      if (t.length <= torn.length || !t.subarray(0, torn.length).equals(torn)) continue;
      const rest = t.subarray(torn.length);
      if (data.subarray(0, rest.length).equals(rest)) return data.subarray(rest.length);
    }
    return data;
  }

  private firstTerminator(data: Buffer): { at: number; len: number } | undefined {
    let best: { at: number; len: number } | undefined;
    for (const t of this.terms) {
      const at = data.indexOf(t);
      // terms are sorted longest first, so a tie keeps the longer one
      if (at >= 0 && (!best || at < best.at)) best = { at, len: t.length };
    }
    return best;
  }
}

/** Decode "\r", "\n", "\t", "\xNN" escapes as written in YAML/JSON config strings that arrive literally. */
export function terminatorBytes(t: string): Buffer {
  return Buffer.from(
    t.replace(/\\(r|n|t|x([0-9a-fA-F]{2}))/g, (_m, c: string, hex?: string) =>
      hex ? String.fromCharCode(parseInt(hex, 16)) : c === 'r' ? '\r' : c === 'n' ? '\n' : '\t',
    ),
    'latin1',
  );
}
