/**
 * Read grouping (pure, fed times; the timer lives in the driver): lines -> reads. The 2 or 3 MRZ lines of
 * one document arrive as separate lines, tens of milliseconds apart; they become one `mrz` read as soon as
 * the last expected line arrives (TD1: 3x30, TD2: 2x36, TD3: 2x44). A group that stops short (the
 * document was pulled out, the cable yanked, the frame ended) is cut after `groupGapMs` of silence, by a
 * frame end or by an unplug, and comes out as an incomplete read, never dropped. Any other line is a barcode.
 */

export type Read =
  | { readonly kind: 'mrz'; readonly lines: readonly string[]; readonly complete: boolean }
  | { readonly kind: 'barcode'; readonly text: string };

/** Lines of ICAO 9303 MRZ characters (A-Z, 0-9, filler `<`), with a filler somewhere; readers may misread a length. */
const MRZ_LINE = /^[A-Z0-9<]{20,50}$/;

export function isMrzLine(text: string): boolean {
  return MRZ_LINE.test(text) && text.includes('<');
}

/** How many lines a document whose first line has this length has. */
export function expectedMrzLines(firstLineLength: number): 2 | 3 {
  return Math.abs(firstLineLength - 30) < Math.abs(firstLineLength - 36) ? 3 : 2;
}

export class ReadGrouper {
  private pending: { lines: string[]; expected: number; lastAt: number } | undefined;

  /** `detectMrz: false`: every line is a barcode (barcode-only scanners). */
  constructor(private readonly o: { groupGapMs: number; detectMrz?: boolean }) {}

  /** A line arrived at monotonic time `at` (ms). Empty lines (CR then LF, blank separators) are ignored. */
  line(text: string, at: number): Read[] {
    const out = this.tick(at);
    if (text.length === 0) return out;
    if (this.o.detectMrz === false || !isMrzLine(text)) {
      out.push(...this.flush());
      out.push({ kind: 'barcode', text });
      return out;
    }
    const p = this.pending;
    if (p) {
      p.lines.push(text);
      p.lastAt = at;
    } else {
      this.pending = { lines: [text], expected: expectedMrzLines(text.length), lastAt: at };
    }
    const now = this.pending;
    if (now && now.lines.length >= now.expected) {
      this.pending = undefined;
      out.push({ kind: 'mrz', lines: now.lines, complete: true });
    }
    return out;
  }

  /** The read ended (frame end, unplug): a pending group comes out as it is. */
  flush(): Read[] {
    const p = this.pending;
    this.pending = undefined;
    return p ? [{ kind: 'mrz', lines: p.lines, complete: false }] : [];
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
