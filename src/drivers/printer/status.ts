/**
 * Decoding what an ESC/POS printer sends back (pure). Replies to DLE EOT have bits 1 and 4 set and
 * bit 7 clear (0b0xx1xx10); GS r 1 replies have bit 4 clear; the clear-buffer acknowledgement is
 * 37 25 00. That is enough to tell them apart in one stream.
 */

export type PaperState = 'ok' | 'near_end' | 'out';

/** Everything DLE EOT 1..4 tell us, merged. */
export interface PrinterStatus {
  readonly online: boolean;
  readonly cover: 'open' | 'closed';
  readonly paper: PaperState;
  /** Feeding by the feed button. */
  readonly feeding: boolean;
  readonly cutterError: boolean;
  readonly unrecoverableError: boolean;
  readonly recoverableError: boolean;
  /** Printing stopped because paper ran out (DLE EOT 2 bit 5). */
  readonly stoppedForPaper: boolean;
}

const bit = (b: number, n: number): boolean => ((b >> n) & 1) === 1;

/** Is this byte shaped like a DLE EOT reply? */
export function isRealtimeReply(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** Merge the four DLE EOT replies (n = 1..4) into one status. */
export function decodeStatus(r1: number, r2: number, r3: number, r4: number): PrinterStatus {
  const out = bit(r4, 5) || bit(r4, 6);
  const near = bit(r4, 2) || bit(r4, 3);
  return {
    online: !bit(r1, 3),
    cover: bit(r2, 2) ? 'open' : 'closed',
    feeding: bit(r2, 3),
    stoppedForPaper: bit(r2, 5),
    cutterError: bit(r3, 3),
    unrecoverableError: bit(r3, 5),
    recoverableError: bit(r3, 6),
    paper: out ? 'out' : near ? 'near_end' : 'ok',
  };
}

/** The DLE EOT reply bytes a printer in `status` would send (used by the virtual printer). */
export function encodeStatus(s: PrinterStatus): [number, number, number, number] {
  const set = (cond: boolean, n: number): number => (cond ? 1 << n : 0);
  const offline = !s.online || s.cover === 'open' || s.paper === 'out' || s.unrecoverableError || s.recoverableError;
  return [
    0x12 | set(offline, 3),
    0x12 | set(s.cover === 'open', 2) | set(s.feeding, 3) | set(s.stoppedForPaper, 5) | set(s.cutterError || s.unrecoverableError || s.recoverableError, 6),
    0x12 | set(s.cutterError, 3) | set(s.unrecoverableError, 5) | set(s.recoverableError, 6),
    0x12 | (s.paper === 'near_end' ? 0x0c : 0) | (s.paper === 'out' ? 0x60 : 0),
  ];
}

/** GS r 1 reply: bits 0-1 paper near end, bits 2-3 paper end. */
export function encodePaperReply(paper: PaperState): number {
  return (paper === 'near_end' ? 0x03 : 0) | (paper === 'out' ? 0x0f : 0);
}

export type Reply =
  | { readonly kind: 'realtime'; readonly byte: number }
  | { readonly kind: 'paper'; readonly paper: PaperState }
  | { readonly kind: 'cleared' };

/** Splits the printer's reply stream into replies. Holds back a partial 37 25 00. */
export class ReplyDecoder {
  private pending: number[] = [];

  push(chunk: Uint8Array): Reply[] {
    const out: Reply[] = [];
    const bytes = [...this.pending, ...chunk];
    this.pending = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (b === 0x37) {
        if (i + 2 >= bytes.length) {
          this.pending = bytes.slice(i);
          break;
        }
        if (bytes[i + 1] === 0x25) {
          out.push({ kind: 'cleared' });
          i += 2;
          continue;
        }
      }
      if (isRealtimeReply(b)) out.push({ kind: 'realtime', byte: b });
      else if ((b & 0xf0) === 0) out.push({ kind: 'paper', paper: (b & 0x0c) !== 0 ? 'out' : (b & 0x03) !== 0 ? 'near_end' : 'ok' });
      // anything else (line noise, an ASB frame from a printer configured for it) is ignored
    }
    return out;
  }
}
