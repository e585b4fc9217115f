/**
 * ccTalk (coin acceptors), pure: frame codec, parser, and the few headers a coin acceptor host needs.
 *
 * Frame: destination | data length | source | header | data... | checksum, where all bytes sum to 0
 * modulo 256 ("simple checksum"). The bus is a single wire: every byte the host sends comes back to
 * it, so the host's own frames appear in the receive stream before each reply. They are told apart by
 * their destination (the host's replies are addressed to the host).
 */

export const CCTALK_HOST = 1;
/** Longest possible frame is 257 bytes; keep a little more than one. */
const MAX_BUFFER = 512;
export const CCTALK_COIN_ACCEPTOR = 2;

export const CcHeader = {
  ACK: 0,
  NAK: 5,
  BUSY: 6,
  SIMPLE_POLL: 254,
  REQUEST_EQUIPMENT_CATEGORY: 245,
  READ_BUFFERED_CREDIT: 229,
  MODIFY_MASTER_INHIBIT: 228,
  REQUEST_MASTER_INHIBIT: 227,
  MODIFY_INHIBIT_STATUS: 231,
  REQUEST_INHIBIT_STATUS: 230,
  REQUEST_COIN_ID: 184,
  RESET_DEVICE: 1,
} as const;

export interface CcFrame {
  readonly dest: number;
  readonly src: number;
  readonly header: number;
  readonly data: Uint8Array;
}

export function checksum(bytes: Iterable<number>): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return (256 - sum) & 0xff;
}

export function encodeCcFrame(frame: CcFrame): Uint8Array {
  if (frame.data.length > 252) throw new RangeError('ccTalk data is at most 252 bytes');
  const bytes = [frame.dest, frame.data.length, frame.src, frame.header, ...frame.data];
  bytes.push(checksum(bytes));
  return Uint8Array.from(bytes);
}

/**
 * Incremental parser. A frame is accepted when its checksum holds; otherwise one byte is dropped and
 * parsing resumes from the next, so noise and torn frames cost at most the frame they hit. Never throws.
 */
export class CcParser {
  private buf: number[] = [];
  checksumErrors = 0;

  /**
   * `expect` names the frames this side waits for (e.g. dest = host, src = coin acceptor). Only such
   * frames are looked for behind a stalled partial frame, which keeps the weak checksum from making a
   * frame out of the data of a real one that is still arriving.
   */
  constructor(private readonly expect?: (dest: number, src: number) => boolean) {}

  push(chunk: Uint8Array): CcFrame[] {
    this.buf.push(...chunk);
    const frames: CcFrame[] = [];
    for (;;) {
      const at = this.buf.length > 0 && this.validAt(0) === 'incomplete' ? this.laterFrame() : 0;
      if (at > 0) {
        // a garbage length byte must not stall the parser while a whole frame sits behind it
        this.checksumErrors++;
        this.buf.splice(0, at);
      }
      const state = this.validAt(0);
      if (state === 'incomplete') break;
      if (state === 'bad') {
        this.checksumErrors++;
        this.buf.shift();
        continue;
      }
      const length = this.buf[1] ?? 0;
      const bytes = this.buf.splice(0, length + 5);
      frames.push({ dest: bytes[0] ?? 0, src: bytes[2] ?? 0, header: bytes[3] ?? 0, data: Uint8Array.from(bytes.slice(4, 4 + length)) });
    }
    if (this.buf.length > MAX_BUFFER) this.buf.splice(0, this.buf.length - MAX_BUFFER);
    return frames;
  }

  private validAt(i: number): 'ok' | 'bad' | 'incomplete' {
    const length = this.buf[i + 1];
    if (length === undefined || this.buf.length < i + length + 5) return 'incomplete';
    let sum = 0;
    for (let k = i; k < i + length + 5; k++) sum = (sum + (this.buf[k] ?? 0)) & 0xff;
    return sum === 0 ? 'ok' : 'bad';
  }

  /** Offset of the first complete, valid frame after position 0, or 0 when there is none. */
  private laterFrame(): number {
    if (!this.expect) return 0;
    for (let i = 1; i < this.buf.length - 4; i++) {
      if (this.expect(this.buf[i] ?? 0, this.buf[i + 2] ?? 0) && this.validAt(i) === 'ok') return i;
    }
    return 0;
  }

  reset(): void {
    this.buf = [];
  }
}

/** One credit or error in the READ BUFFERED CREDIT reply. */
export type CcBufferedEvent = { kind: 'coin'; position: number; sorter: number } | { kind: 'error'; code: number };

/** READ BUFFERED CREDIT reply: event counter, then 5 (A, B) pairs, newest first. */
export interface CcCreditBuffer {
  readonly counter: number;
  readonly events: readonly CcBufferedEvent[];
}

export function parseCreditBuffer(data: Uint8Array): CcCreditBuffer {
  if (data.length !== 11) throw new RangeError('READ BUFFERED CREDIT reply is 11 bytes');
  const events: CcBufferedEvent[] = [];
  for (let i = 0; i < 5; i++) {
    const a = data[1 + 2 * i] ?? 0;
    const b = data[2 + 2 * i] ?? 0;
    events.push(a === 0 ? { kind: 'error', code: b } : { kind: 'coin', position: a, sorter: b });
  }
  return { counter: data[0] ?? 0, events };
}

export function encodeCreditBuffer(buffer: CcCreditBuffer): Uint8Array {
  const out = [buffer.counter];
  for (let i = 0; i < 5; i++) {
    const e = buffer.events[i];
    if (!e) out.push(0, 0);
    else if (e.kind === 'coin') out.push(e.position, e.sorter);
    else out.push(0, e.code);
  }
  return Uint8Array.from(out);
}

/**
 * New events since `lastCounter` (null: first read since the device started, nothing is new).
 * The counter runs 1..255 and wraps to 1; 0 only after a device reset, which empties the buffer.
 * More than 5 events since the last read means some were lost (only 5 are buffered).
 */
export function newEvents(lastCounter: number | null, buffer: CcCreditBuffer): { events: CcBufferedEvent[]; lost: number; reset: boolean } {
  if (buffer.counter === 0) return { events: [], lost: 0, reset: lastCounter !== null && lastCounter !== 0 };
  if (lastCounter === null) return { events: [], lost: 0, reset: false };
  const last = lastCounter === 0 ? 0 : lastCounter;
  let count = buffer.counter - last;
  if (last !== 0 && count < 0) count += 255;
  if (count <= 0) return { events: [], lost: 0, reset: count < 0 };
  const isNull = (e: CcBufferedEvent): boolean => e.kind === 'error' && e.code === 0;
  if (count > buffer.counter && buffer.counter < 5 && buffer.events.slice(buffer.counter).every(isNull)) {
    // the device reset and took new events before this read: only its `counter` events are real
    return { events: buffer.events.slice(0, buffer.counter).reverse(), lost: 0, reset: true };
  }
  const kept = Math.min(count, 5);
  // the buffer is newest first: the oldest new event is at index kept-1
  return { events: buffer.events.slice(0, kept).reverse(), lost: count - kept, reset: false };
}

/**
 * A coin id (REQUEST COIN ID reply), 6 ASCII chars: country (2), value (3), issue (1), e.g. `EU200A`.
 * The value is in the currency's minor unit; `.` is a decimal point and K/M multiply ("2K5" = 2500).
 * Returns undefined for an empty position ("......") or an unreadable code.
 */
export function parseCoinId(data: Uint8Array): { country: string; value: number; issue: string } | undefined {
  const text = String.fromCharCode(...data);
  if (text.length !== 6 || !/^[A-Z]{2}$/.test(text.slice(0, 2))) return undefined;
  const value = parseValueCode(text.slice(2, 5));
  if (value === undefined || value <= 0) return undefined;
  return { country: text.slice(0, 2), value, issue: text.slice(5) };
}

function parseValueCode(code: string): number | undefined {
  const m = /^(\d*)([.KM]?)(\d*)$/.exec(code);
  if (!m || `${m[1] ?? ''}${m[3] ?? ''}` === '') return undefined;
  const whole = Number(m[1] || '0');
  const frac = m[3] ?? '';
  const scale = m[2] === 'K' ? 1000 : m[2] === 'M' ? 1_000_000 : 1;
  const value = (whole + (frac ? Number(frac) / 10 ** frac.length : 0)) * scale;
  return m[2] === '.' || (frac && scale === 1) ? undefined : Math.round(value);
}

/** Coin acceptor error codes in the credit buffer (ccTalk generic spec, table 3), for `rejected`. */
export function coinErrorReason(code: number): string {
  const reasons: Record<number, string> = {
    1: 'reject coin', 2: 'inhibited coin', 3: 'multiple window', 5: 'validation timeout', 6: 'credit sensor timeout',
    8: 'second close coin', 13: 'coin too fast', 14: 'coin too slow', 17: 'coin going backwards', 20: 'string fraud',
    254: 'coin return mechanism activated', 255: 'unspecified alarm',
  };
  return reasons[code] ?? `coin error ${code}`;
}

/** Error codes that mean fraud or a stuck mechanism rather than an ordinary reject. */
export function isCoinFraud(code: number): boolean {
  return code === 17 || code === 20 || code === 255;
}
