/**
 * Read grouping (pure, fed times; the timer lives in the input): lines -> reads. The lines of one document
 * arrive as separate lines, tens of milliseconds apart; they become one `mrz` read as soon as the last
 * line its format has arrives (TD1 3x30, TD2 2x36, TD3 2x44, visas, national formats: mrz/shape.ts). A
 * group that stops short (the document was pulled out, the cable yanked, the frame ended) is cut after
 * `groupGapMs` of silence from the reader, by a frame end or by an unplug, and comes out as an incomplete read, never
 * dropped.
 *
 * What is an MRZ line is decided by shape, never by filler (the rule is in mrz/shape.ts and
 * docs/scanner.md). A line that could be an MRZ line is never a barcode: personal numbers must not leave
 * as a barcode payload.
 */
import { classifyLine, fitsNextLine } from './mrz/shape.js';

export type Read =
  | { readonly kind: 'mrz'; readonly lines: readonly string[]; readonly complete: boolean }
  | { readonly kind: 'barcode'; readonly text: string };

/** Whether a line, arriving on its own, would be taken as (the start of) an MRZ. */
export function isMrzLine(text: string): boolean {
  return classifyLine(text).kind !== 'barcode';
}

interface Pending {
  readonly lines: string[];
  /** Expected width of each line of the document. */
  readonly widths: readonly number[];
  lastAt: number;
}

export class ReadGrouper {
  private pending: Pending | undefined;

  /**
   * `detectMrz: false` (a barcode-only scanner): lines are never held waiting for more; a line that could
   * be an MRZ line still comes out as an (incomplete) document read, not as a barcode.
   */
  constructor(private readonly o: { groupGapMs: number; detectMrz?: boolean }) {}

  /** A line arrived at monotonic time `at` (ms). Empty lines (CR then LF, blank separators) are ignored. */
  line(text: string, at: number): Read[] {
    const out = this.tick(at);
    if (text.length === 0) return out;
    const p = this.pending;
    const width = p?.widths[p.lines.length];
    if (p && width !== undefined && fitsNextLine(text, width)) {
      p.lines.push(text);
      p.lastAt = at;
      if (p.lines.length >= p.widths.length) out.push(...this.take(true));
      return out;
    }
    out.push(...this.flush());
    const cls = classifyLine(text);
    if (cls.kind === 'barcode') {
      out.push({ kind: 'barcode', text });
      return out;
    }
    this.pending = { lines: [text], widths: cls.widths, lastAt: at };
    if (cls.widths.length === 1) out.push(...this.take(true));
    else if (this.o.detectMrz === false) out.push(...this.take(false));
    return out;
  }

  /**
   * Bytes arrived at `at` (part of a line, perhaps): the reader is still talking, so the gap of a pending
   * group counts from here. The gap is silence, not time between lines (a slow reader, a long line).
   */
  activity(at: number): void {
    if (this.pending) this.pending.lastAt = Math.max(this.pending.lastAt, at);
  }

  /** The read ended (frame end, unplug): a pending group comes out as it is. */
  flush(): Read[] {
    return this.take(false);
  }

  private take(complete: boolean): Read[] {
    const p = this.pending;
    this.pending = undefined;
    return p ? [{ kind: 'mrz', lines: p.lines, complete }] : [];
  }

  /** Monotonic time at which the pending group is cut, if any. */
  get dueAt(): number | undefined {
    return this.pending ? this.pending.lastAt + this.o.groupGapMs : undefined;
  }

  /** Cut the pending group if its gap has passed at `now`. */
  tick(now: number): Read[] {
    const due = this.dueAt;
    return due !== undefined && now >= due ? this.flush() : [];
  }
}

/**
 * A line that is not data: control characters other than the ones barcodes carry (GS1/ISO 15434 use
 * EOT, GS, RS; tab), or bytes that are not valid UTF-8 when decoding as UTF-8. Typically a baud-rate
 * mismatch or a glitch on an RS-232 line.
 */
export function isNoise(bytes: Uint8Array, encoding: 'utf8' | 'latin1'): boolean {
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x04 && b !== 0x09 && b !== 0x1d && b !== 0x1e) || b === 0x7f) return true;
  }
  return encoding === 'utf8' && Buffer.from(bytes).toString('utf8').includes('\uFFFD');
}
