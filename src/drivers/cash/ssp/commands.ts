/**
 * SSP commands, generic replies, poll events and the SETUP REQUEST reply (GA138), pure. Payout commands
 * and events are in payout.ts.
 */
import { PAYOUT_EVENTS, readEventData, writeEventData, type PayoutEventData, type PayoutEventName } from './payout.js';

export const SspCommand = {
  RESET: 0x01,
  SET_INHIBITS: 0x02,
  SETUP_REQUEST: 0x05,
  HOST_PROTOCOL_VERSION: 0x06,
  POLL: 0x07,
  REJECT: 0x08,
  DISABLE: 0x09,
  ENABLE: 0x0a,
  GET_SERIAL_NUMBER: 0x0c,
  SYNC: 0x11,
  LAST_REJECT_CODE: 0x17,
  HOLD: 0x18,
  SET_GENERATOR: 0x4a,
  SET_MODULUS: 0x4b,
  REQUEST_KEY_EXCHANGE: 0x4c,
  GET_COUNTERS: 0x58,
} as const;

/** Generic reply codes: the first data byte of every device reply. */
export const SspReply = {
  OK: 0xf0,
  UNKNOWN_COMMAND: 0xf2,
  WRONG_PARAMETERS: 0xf3,
  PARAMETER_OUT_OF_RANGE: 0xf4,
  CANNOT_PROCESS: 0xf5,
  SOFTWARE_ERROR: 0xf6,
  FAIL: 0xf8,
  KEY_NOT_SET: 0xfa,
} as const;

export function replyName(code: number): string {
  for (const [name, value] of Object.entries(SspReply)) if (value === code) return name;
  return `0x${code.toString(16).padStart(2, '0')}`;
}

/** Poll event codes and whether a channel byte follows. */
export const SspEventCode = {
  SLAVE_RESET: 0xf1,
  READ_NOTE: 0xef,
  CREDIT: 0xee,
  REJECTING: 0xed,
  REJECTED: 0xec,
  STACKING: 0xcc,
  STACKED: 0xeb,
  SAFE_JAM: 0xea,
  UNSAFE_JAM: 0xe9,
  DISABLED: 0xe8,
  FRAUD_ATTEMPT: 0xe6,
  STACKER_FULL: 0xe7,
  NOTE_CLEARED_FROM_FRONT: 0xe1,
  NOTE_CLEARED_INTO_CASHBOX: 0xe2,
  CASHBOX_REMOVED: 0xe3,
  CASHBOX_REPLACED: 0xe4,
  CHANNEL_DISABLE: 0xb5,
  INITIALISING: 0xb6,
} as const;

export type SspEventName =
  | 'slaveReset' | 'readNote' | 'credit' | 'rejecting' | 'rejected' | 'stacking' | 'stacked' | 'safeJam'
  | 'unsafeJam' | 'disabled' | 'fraudAttempt' | 'stackerFull' | 'noteClearedFromFront'
  | 'noteClearedIntoCashbox' | 'cashboxRemoved' | 'cashboxReplaced' | 'channelDisable' | 'initialising';

const EVENTS: ReadonlyMap<number, { name: SspEventName; channel: boolean }> = new Map([
  [0xf1, { name: 'slaveReset', channel: false }],
  [0xef, { name: 'readNote', channel: true }],
  [0xee, { name: 'credit', channel: true }],
  [0xed, { name: 'rejecting', channel: false }],
  [0xec, { name: 'rejected', channel: false }],
  [0xcc, { name: 'stacking', channel: false }],
  [0xeb, { name: 'stacked', channel: false }],
  [0xea, { name: 'safeJam', channel: false }],
  [0xe9, { name: 'unsafeJam', channel: false }],
  [0xe8, { name: 'disabled', channel: false }],
  [0xe6, { name: 'fraudAttempt', channel: true }],
  [0xe7, { name: 'stackerFull', channel: false }],
  [0xe1, { name: 'noteClearedFromFront', channel: true }],
  [0xe2, { name: 'noteClearedIntoCashbox', channel: true }],
  [0xe3, { name: 'cashboxRemoved', channel: false }],
  [0xe4, { name: 'cashboxReplaced', channel: false }],
  [0xb5, { name: 'channelDisable', channel: false }],
  [0xb6, { name: 'initialising', channel: false }],
]);

const CODE_OF = new Map([...EVENTS].map(([code, e]) => [e.name, code]));

export interface SspEvent {
  readonly name: SspEventName | PayoutEventName;
  /** Channel (1-based; 0 = not yet known, for readNote while still reading). */
  readonly channel?: number;
  /** Payout events: values, incomplete payout figures, error byte. */
  readonly payout?: PayoutEventData;
}

const PAYOUT_CODE_OF = new Map([...PAYOUT_EVENTS].map(([code, e]) => [e.name as string, code]));

/**
 * Events of a POLL reply (data after the OK byte). An unknown code stops the walk, since its length is
 * unknown; it is returned in `unknown` so the caller can log it.
 */
export function parsePollEvents(payload: Uint8Array): { events: SspEvent[]; unknown?: number } {
  const events: SspEvent[] = [];
  for (let i = 0; i < payload.length; i++) {
    const code = payload[i] ?? 0;
    const pay = PAYOUT_EVENTS.get(code);
    if (pay) {
      const read = readEventData(pay.data, payload, i + 1);
      if (!read) return { events, unknown: code };
      events.push(pay.data === 'none' ? { name: pay.name } : { name: pay.name, payout: read.data });
      i += read.length;
      continue;
    }
    const def = EVENTS.get(code);
    if (!def) return { events, unknown: code };
    if (def.channel) {
      const channel = payload[i + 1];
      if (channel === undefined) return { events, unknown: code };
      events.push({ name: def.name, channel });
      i++;
    } else {
      events.push({ name: def.name });
    }
  }
  return { events };
}

export function encodePollEvents(events: readonly SspEvent[]): Uint8Array {
  const out: number[] = [];
  for (const e of events) {
    const payCode = PAYOUT_CODE_OF.get(e.name);
    if (payCode !== undefined) {
      out.push(payCode, ...writeEventData(PAYOUT_EVENTS.get(payCode)?.data ?? 'none', e.payout ?? {}));
      continue;
    }
    const code = CODE_OF.get(e.name as SspEventName);
    if (code === undefined) continue;
    out.push(code);
    if (EVENTS.get(code)?.channel) out.push(e.channel ?? 0);
  }
  return Uint8Array.from(out);
}

/** One note channel as the device reports it. */
export interface SspChannel {
  /** 1-based channel number, as used by events and SET INHIBITS. */
  readonly channel: number;
  /** Value in minor units of `currency` (device value x real value multiplier). */
  readonly value: number;
  readonly currency: string;
}

export interface SspSetup {
  readonly unitType: number;
  readonly firmware: string;
  readonly currency: string;
  readonly protocolVersion: number;
  readonly realValueMultiplier: number;
  readonly channels: readonly SspChannel[];
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
const be24 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0);

/**
 * SETUP REQUEST reply payload (after OK), validator layout: unit type, firmware (4 ASCII), country (3),
 * value multiplier (3, BE), n channels, n legacy values, n security bytes, real value multiplier (3, BE),
 * protocol version; from protocol 6 on: n x 3 ASCII channel currencies and n x 4 (LE) channel values.
 * Throws RangeError on a short or inconsistent payload.
 */
export function parseSetup(p: Uint8Array): SspSetup {
  const n = p[11];
  if (n === undefined || p.length < 12 + 2 * n + 4) throw new RangeError('SETUP REQUEST reply too short');
  const firmware = ascii(p.subarray(1, 5));
  const currency = ascii(p.subarray(5, 8));
  const multiplier = be24(p, 8);
  let at = 12 + 2 * n;
  const realValueMultiplier = be24(p, at);
  const protocolVersion = p[at + 3] ?? 0;
  at += 4;
  const channels: SspChannel[] = [];
  if (protocolVersion >= 6) {
    if (p.length < at + 7 * n) throw new RangeError('SETUP REQUEST reply too short for protocol 6 channel data');
    for (let i = 0; i < n; i++) {
      const cur = ascii(p.subarray(at + 3 * i, at + 3 * i + 3));
      const o = at + 3 * n + 4 * i;
      const value = ((p[o] ?? 0) | ((p[o + 1] ?? 0) << 8) | ((p[o + 2] ?? 0) << 16)) + (p[o + 3] ?? 0) * 0x1000000;
      channels.push({ channel: i + 1, value: value * realValueMultiplier, currency: cur });
    }
  } else {
    for (let i = 0; i < n; i++) {
      channels.push({ channel: i + 1, value: (p[12 + i] ?? 0) * multiplier * realValueMultiplier, currency });
    }
  }
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError('SETUP REQUEST reply has no valid currency');
  return { unitType: p[0] ?? 0, firmware, currency, protocolVersion, realValueMultiplier, channels };
}

/**
 * Build a SETUP REQUEST reply payload (protocol >= 6), for the simulator. `units` are whole-currency
 * channel values; minor units = unit value x realValueMultiplier.
 */
export function encodeSetup(setup: { firmware: string; currency: string; realValueMultiplier: number; protocolVersion: number; units: readonly number[] }): Uint8Array {
  const n = setup.units.length;
  const out: number[] = [0x00, ...Buffer.from(setup.firmware.padEnd(4, '0').slice(0, 4), 'ascii')];
  out.push(...Buffer.from(setup.currency, 'ascii'));
  out.push(0, 0, 1, n);
  for (const u of setup.units) out.push(Math.min(u, 255));
  for (let i = 0; i < n; i++) out.push(2);
  const m = setup.realValueMultiplier;
  out.push((m >> 16) & 0xff, (m >> 8) & 0xff, m & 0xff, setup.protocolVersion);
  for (let i = 0; i < n; i++) out.push(...Buffer.from(setup.currency, 'ascii'));
  for (const u of setup.units) out.push(u & 0xff, (u >> 8) & 0xff, (u >> 16) & 0xff, (u >>> 24) & 0xff);
  return Uint8Array.from(out);
}

/** SET INHIBITS data: a bit per channel, 1 = accepted (channels 1-8 in the first byte, 9-16 in the second). */
export function inhibitMask(channels: Iterable<number>): Uint8Array {
  const mask = new Uint8Array(2);
  for (const ch of channels) {
    if (ch < 1 || ch > 16) continue;
    const i = ch <= 8 ? 0 : 1;
    mask[i] = (mask[i] ?? 0) | (1 << ((ch - 1) % 8));
  }
  return mask;
}

export function channelsFromMask(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let ch = 1; ch <= 8 * mask.length; ch++) {
    if (((mask[Math.floor((ch - 1) / 8)] ?? 0) >> ((ch - 1) % 8)) & 1) out.push(ch);
  }
  return out;
}

/** GET COUNTERS reply: count byte, then that many 32-bit LE counters (stacked, stored, dispensed, ...). */
export function parseCounters(p: Uint8Array): { stacked: number; stored: number; dispensed: number; transferred: number; rejected: number } {
  const read = (i: number): number => {
    const o = 1 + 4 * i;
    if (p.length < o + 4) throw new RangeError('GET COUNTERS reply too short');
    return ((p[o] ?? 0) | ((p[o + 1] ?? 0) << 8) | ((p[o + 2] ?? 0) << 16)) + (p[o + 3] ?? 0) * 0x1000000;
  };
  return { stacked: read(0), stored: read(1), dispensed: read(2), transferred: read(3), rejected: read(4) };
}

export function encodeCounters(c: { stacked: number; rejected: number; stored?: number; dispensed?: number; transferred?: number }): Uint8Array {
  const out: number[] = [5];
  for (const v of [c.stacked, c.stored ?? 0, c.dispensed ?? 0, c.transferred ?? 0, c.rejected]) out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  return Uint8Array.from(out);
}

/** LAST REJECT CODE reasons (GA138 table), for `rejected {reason}`. */
export const REJECT_REASONS: Readonly<Record<number, string>> = {
  0x00: 'note accepted', 0x01: 'note length incorrect', 0x02: 'invalid note', 0x03: 'invalid note',
  0x04: 'invalid note', 0x05: 'invalid note', 0x06: 'channel inhibited', 0x07: 'second note inserted',
  0x08: 'host rejected note', 0x09: 'invalid note', 0x0a: 'invalid note read', 0x0b: 'note too long',
  0x0c: 'validator disabled', 0x0d: 'mechanism slow/stalled', 0x0e: 'strimming attempt',
  0x0f: 'fraud channel reject', 0x10: 'no notes inserted', 0x11: 'peak detect fail',
  0x12: 'twisted note detected', 0x13: 'escrow time-out', 0x14: 'bar code scan fail',
  0x15: 'rear sensor 2 fail', 0x16: 'slot fail 1', 0x17: 'slot fail 2', 0x18: 'lens over-sample',
  0x19: 'width detect fail', 0x1a: 'short note detected', 0x1b: 'note payout', 0x1c: 'unable to stack note',
};

export function rejectReason(code: number): string {
  return REJECT_REASONS[code] ?? `reject code ${code}`;
}
