/**
 * Keyboard-wedge decoding (pure): the bytes of /dev/input/eventN -> Linux `struct input_event` records
 * -> key presses -> characters on a layout -> one line per Enter.
 *
 * `struct input_event` (linux/input.h) is `struct timeval time; __u16 type; __u16 code; __s32 value;`,
 * little-endian on every board we run on: 24 bytes with a 64-bit timeval, 16 bytes on 32-bit userspace.
 * A USB HID keyboard writes per key: EV_MSC/MSC_SCAN, EV_KEY (value 1 press, 0 release, 2 autorepeat),
 * EV_SYN/SYN_REPORT.
 */
import { KEY, type Keymap } from './keymap.js';

export const EV_SYN = 0;
export const EV_KEY = 1;
export const EV_MSC = 4;

export interface InputEvent {
  /** Kernel timestamp, microseconds. */
  readonly timeUs: number;
  readonly type: number;
  readonly code: number;
  readonly value: number;
}

export type EventSize = 16 | 24;

/** The event size of this process's ABI: 16 bytes on 32-bit ARM/x86, 24 elsewhere. */
export function nativeEventSize(arch: string = process.arch): EventSize {
  return arch === 'arm' || arch === 'ia32' ? 16 : 24;
}

/** Split a byte stream into input events; keeps a torn tail for the next chunk. */
export class InputEventReader {
  private tail: Buffer = Buffer.alloc(0);
  constructor(private readonly size: EventSize) {}

  push(chunk: Buffer): InputEvent[] {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const out: InputEvent[] = [];
    let off = 0;
    for (; off + this.size <= buf.length; off += this.size) out.push(this.decode(buf, off));
    this.tail = Buffer.from(buf.subarray(off));
    return out;
  }

  private decode(buf: Buffer, off: number): InputEvent {
    const wide = this.size === 24;
    const sec = wide ? Number(buf.readBigInt64LE(off)) : buf.readUInt32LE(off);
    const usec = wide ? Number(buf.readBigInt64LE(off + 8)) : buf.readUInt32LE(off + 4);
    const at = wide ? 16 : 8;
    return { timeUs: sec * 1e6 + usec, type: buf.readUInt16LE(off + at), code: buf.readUInt16LE(off + at + 2), value: buf.readInt32LE(off + at + 4) };
  }
}

/** Encode events as the kernel writes them (fixtures, simulator). */
export function encodeInputEvents(events: readonly InputEvent[], size: EventSize): Buffer {
  const buf = Buffer.alloc(events.length * size);
  events.forEach((e, i) => {
    const off = i * size;
    const sec = Math.floor(e.timeUs / 1e6);
    const usec = e.timeUs - sec * 1e6;
    if (size === 24) {
      buf.writeBigInt64LE(BigInt(sec), off);
      buf.writeBigInt64LE(BigInt(usec), off + 8);
    } else {
      buf.writeUInt32LE(sec >>> 0, off);
      buf.writeUInt32LE(usec, off + 4);
    }
    const at = size === 24 ? 16 : 8;
    buf.writeUInt16LE(e.type, off + at);
    buf.writeUInt16LE(e.code, off + at + 2);
    buf.writeInt32LE(e.value, off + at + 4);
  });
  return buf;
}

/** Turns key events into text lines; Enter (main or keypad) ends a line. */
/** Longest line kept from a keyboard-wedge scanner (the serial line splitter is capped at 8 KiB too). */
export const MAX_WEDGE_LINE = 8192;

export class KeystrokeDecoder {
  private shift = new Set<number>();
  private ctrl = new Set<number>();
  private altgr = false;
  private caps = false;
  private line = '';
  /** Keys pressed that the layout does not know (counted, never guessed). */
  unknownKeys = 0;
  /** Key presses dropped because the line reached MAX_WEDGE_LINE without an Enter. */
  overflowedKeys = 0;

  constructor(private readonly keymap: Keymap) {}

  /** Feed one event; returns a finished line when it was an Enter press. */
  feed(e: InputEvent): string | undefined {
    if (e.type !== EV_KEY) return undefined;
    const pressed = e.value !== 0;
    switch (e.code) {
      case KEY.LEFTSHIFT:
      case KEY.RIGHTSHIFT:
        return this.hold(this.shift, e.code, pressed);
      case KEY.LEFTCTRL:
      case KEY.RIGHTCTRL:
        return this.hold(this.ctrl, e.code, pressed);
      case KEY.RIGHTALT:
        this.altgr = pressed;
        return undefined;
      case KEY.CAPSLOCK:
        if (e.value === 1) this.caps = !this.caps;
        return undefined;
      default:
    }
    if (e.value !== 1) return undefined; // release or autorepeat: a scanner never holds a key
    if (e.code === KEY.ENTER || e.code === KEY.KPENTER) {
      const line = this.line;
      this.line = '';
      return line;
    }
    const ch = this.charOf(e.code);
    if (ch === undefined) this.unknownKeys++;
    else if (this.line.length < MAX_WEDGE_LINE) this.line += ch;
    else this.overflowedKeys++; // no Enter ever came: keep memory bounded, as the serial splitter does
    return undefined;
  }

  /** Characters typed since the last Enter (for a scanner configured without an Enter suffix). */
  get pending(): string {
    return this.line;
  }

  private hold(set: Set<number>, code: number, pressed: boolean): undefined {
    if (pressed) set.add(code);
    else set.delete(code);
    return undefined;
  }

  private charOf(code: number): string | undefined {
    const chars = this.keymap.get(code);
    if (!chars) return undefined;
    if (this.altgr) return chars[2] || undefined;
    const base = chars[0];
    const isLetter = base.toLowerCase() !== base.toUpperCase();
    const shifted = this.shift.size > 0 !== (this.caps && isLetter);
    const ch = shifted ? chars[1] : base;
    // Wedge scanners send GS1's FNC1 (GS, 0x1d) as Ctrl+] and other control codes as Ctrl+letter.
    if (this.ctrl.size > 0) {
      const up = ch.toUpperCase().charCodeAt(0);
      return up >= 0x40 && up <= 0x5f ? String.fromCharCode(up - 0x40) : undefined;
    }
    return ch;
  }
}

const MSC_SCAN = 4;
const LETTER_CODES = [30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44];
const OTHER_USAGES = new Map<number, number>([
  [28, 0x28], [1, 0x29], [14, 0x2a], [15, 0x2b], [57, 0x2c], [12, 0x2d], [13, 0x2e], [26, 0x2f], [27, 0x30],
  [43, 0x31], [39, 0x33], [40, 0x34], [41, 0x35], [51, 0x36], [52, 0x37], [53, 0x38], [11, 0x27],
  [29, 0xe0], [42, 0xe1], [56, 0xe2], [97, 0xe4], [54, 0xe5], [100, 0xe6],
]);

/** The USB HID usage (page 7) the kernel reports as MSC_SCAN before a key event. */
function hidUsage(code: number): number | undefined {
  const letter = LETTER_CODES.indexOf(code);
  if (letter >= 0) return 0x70004 + letter;
  if (code >= 2 && code <= 10) return 0x7001e + code - 2;
  const other = OTHER_USAGES.get(code);
  return other === undefined ? undefined : 0x70000 + other;
}

/** Events a keyboard on `keymap` writes to type `text` then Enter (fixtures and the simulator). */
export function typeText(text: string, keymap: Keymap, startUs: number, keyGapUs = 2000): InputEvent[] {
  const reverse = new Map<string, { code: number; mod?: number }>();
  for (const [code, [plain, shifted, altgr]] of keymap) {
    if (!reverse.has(plain)) reverse.set(plain, { code });
    if (!reverse.has(shifted)) reverse.set(shifted, { code, mod: KEY.LEFTSHIFT });
    if (altgr && !reverse.has(altgr)) reverse.set(altgr, { code, mod: KEY.RIGHTALT });
  }
  const out: InputEvent[] = [];
  let t = startUs;
  const key = (code: number, value: number): void => {
    const usage = hidUsage(code);
    if (usage !== undefined) out.push({ timeUs: t, type: EV_MSC, code: MSC_SCAN, value: usage });
    out.push({ timeUs: t, type: EV_KEY, code, value }, { timeUs: t, type: EV_SYN, code: 0, value: 0 });
    t += keyGapUs / 2;
  };
  for (const ch of [...text, '\n']) {
    const k = ch === '\n' ? { code: KEY.ENTER } : reverse.get(ch);
    if (!k) throw new Error(`the keymap cannot type ${JSON.stringify(ch)}`);
    if (k.mod !== undefined) key(k.mod, 1);
    key(k.code, 1);
    key(k.code, 0);
    if (k.mod !== undefined) key(k.mod, 0);
  }
  return out;
}
