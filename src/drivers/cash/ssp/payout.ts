/**
 * SSP payout commands and events (SMART Payout, NV11, NV200 + payout module; GA138 protocol 6+ layout),
 * pure. Payout commands (PAYOUT AMOUNT, FLOAT AMOUNT, HALT, EMPTY ALL, SMART EMPTY...) are only taken
 * encrypted: a device answers KEY NOT SET (FA) to them in clear.
 *
 * Values are 4-byte little-endian minor units, each followed by a 3-letter ASCII currency. Payout
 * events carry "value data": a count byte, then count x (value 4 | currency 3). INCOMPLETE PAYOUT and
 * INCOMPLETE FLOAT carry count x (dispensed 4 | requested 4 | currency 3).
 */

export const SspPayoutCommand = {
  GET_ALL_LEVELS: 0x22,
  PAYOUT_AMOUNT: 0x33,
  GET_DENOMINATION_LEVEL: 0x35,
  HALT_PAYOUT: 0x38,
  SET_DENOMINATION_ROUTE: 0x3b,
  GET_DENOMINATION_ROUTE: 0x3c,
  FLOAT_AMOUNT: 0x3d,
  EMPTY_ALL: 0x3f,
  PAYOUT_BY_DENOMINATION: 0x46,
  SMART_EMPTY: 0x52,
  CASHBOX_PAYOUT_OPERATION_DATA: 0x53,
  DISABLE_PAYOUT_DEVICE: 0x5b,
  ENABLE_PAYOUT_DEVICE: 0x5c,
} as const;

/** Option byte of PAYOUT AMOUNT / FLOAT AMOUNT / PAYOUT BY DENOMINATION: do it, or only check it could. */
export const PAYOUT_REAL = 0x58;
export const PAYOUT_TEST = 0x19;

/** The error byte after CANNOT PROCESS (F5) to a payout command. */
export const PAYOUT_ERRORS: Readonly<Record<number, string>> = {
  1: 'not enough value in the payout', 2: 'cannot pay the exact amount', 3: 'payout busy', 4: 'payout disabled',
};

export interface SspValue {
  readonly value: number;
  readonly currency: string;
}

export interface SspLevel extends SspValue {
  readonly count: number;
}

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const rd32 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16)) + (b[at + 3] ?? 0) * 0x1000000;
const rd16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const cur = (c: string): number[] => {
  if (!/^[A-Z]{3}$/.test(c)) throw new RangeError('currency is 3 capital letters');
  return [...Buffer.from(c, 'ascii')];
};
const text = (b: Uint8Array, at: number): string => String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0);

function checkValue(v: number, max = 0xffffffff): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`value ${v} out of range`);
}

export function encodePayoutAmount(amount: number, currency: string, test = false): Uint8Array {
  checkValue(amount);
  return Uint8Array.from([SspPayoutCommand.PAYOUT_AMOUNT, ...le32(amount), ...cur(currency), test ? PAYOUT_TEST : PAYOUT_REAL]);
}

export function encodeFloatAmount(minPayout: number, amount: number, currency: string, test = false): Uint8Array {
  checkValue(minPayout, 0xffff);
  checkValue(amount);
  return Uint8Array.from([SspPayoutCommand.FLOAT_AMOUNT, ...le16(minPayout), ...le32(amount), ...cur(currency), test ? PAYOUT_TEST : PAYOUT_REAL]);
}

export function encodePayoutByDenomination(lines: readonly SspLevel[], test = false): Uint8Array {
  if (lines.length > 20) throw new RangeError('at most 20 denominations');
  const out: number[] = [SspPayoutCommand.PAYOUT_BY_DENOMINATION, lines.length];
  for (const l of lines) {
    checkValue(l.count, 0xffff);
    checkValue(l.value);
    out.push(...le16(l.count), ...le32(l.value), ...cur(l.currency));
  }
  out.push(test ? PAYOUT_TEST : PAYOUT_REAL);
  return Uint8Array.from(out);
}

/** SET DENOMINATION ROUTE: 0 = stored for payouts, 1 = to the cashbox. */
export function encodeSetRoute(route: 'payout' | 'cashbox', value: number, currency: string): Uint8Array {
  checkValue(value);
  return Uint8Array.from([SspPayoutCommand.SET_DENOMINATION_ROUTE, route === 'payout' ? 0 : 1, ...le32(value), ...cur(currency)]);
}

export function encodeValueQuery(command: number, value: number, currency: string): Uint8Array {
  checkValue(value);
  return Uint8Array.from([command, ...le32(value), ...cur(currency)]);
}

/** Parse the command data of a value-carrying command back (the simulator's side). */
export function parseValueAt(data: Uint8Array, at: number): SspValue | undefined {
  if (data.length < at + 7) return undefined;
  return { value: rd32(data, at), currency: text(data, at + 4) };
}

/** GET ALL LEVELS reply (after OK): n, then n x (level 2 | value 4 | currency 3). */
export function parseAllLevels(p: Uint8Array): SspLevel[] {
  const n = p[0];
  if (n === undefined || p.length < 1 + 9 * n) throw new RangeError('GET ALL LEVELS reply too short');
  const out: SspLevel[] = [];
  for (let i = 0; i < n; i++) {
    const at = 1 + 9 * i;
    out.push({ count: rd16(p, at), value: rd32(p, at + 2), currency: text(p, at + 6) });
  }
  return out;
}

export function encodeAllLevels(levels: readonly SspLevel[]): Uint8Array {
  const out: number[] = [levels.length];
  for (const l of levels) out.push(...le16(l.count), ...le32(l.value), ...cur(l.currency));
  return Uint8Array.from(out);
}

/** CASHBOX PAYOUT OPERATION DATA reply: n x (count 2 | value 4 | currency 3), then 4 bytes of unknown notes. */
export function parseOperationData(p: Uint8Array): SspLevel[] {
  return parseAllLevels(p);
}

/** How the data of a poll event is laid out. */
export type EventData = 'none' | 'channel' | 'values' | 'incomplete' | 'valuesAndError';

export type PayoutEventName =
  | 'dispensing' | 'dispensed' | 'payoutJammed' | 'halted' | 'floating' | 'floated' | 'payoutTimeout'
  | 'incompletePayout' | 'incompleteFloat' | 'cashboxPaid' | 'noteStoredInPayout' | 'noteTransferredToStacker'
  | 'emptying' | 'emptied' | 'smartEmptying' | 'smartEmptied' | 'errorDuringPayout' | 'payoutOutOfService'
  | 'jamRecovery' | 'notePaidIntoStoreAtPowerUp' | 'notePaidIntoStackerAtPowerUp' | 'noteDispensedAtPowerUp';

/** GA138 payout event codes (protocol 6+). */
export const PAYOUT_EVENTS: ReadonlyMap<number, { name: PayoutEventName; data: EventData }> = new Map([
  [0xda, { name: 'dispensing', data: 'values' }],
  [0xd2, { name: 'dispensed', data: 'values' }],
  [0xd5, { name: 'payoutJammed', data: 'values' }],
  [0xd6, { name: 'halted', data: 'values' }],
  [0xd7, { name: 'floating', data: 'values' }],
  [0xd8, { name: 'floated', data: 'values' }],
  [0xd9, { name: 'payoutTimeout', data: 'values' }],
  [0xdc, { name: 'incompletePayout', data: 'incomplete' }],
  [0xdd, { name: 'incompleteFloat', data: 'incomplete' }],
  [0xde, { name: 'cashboxPaid', data: 'values' }],
  [0xdb, { name: 'noteStoredInPayout', data: 'none' }],
  [0xc9, { name: 'noteTransferredToStacker', data: 'values' }],
  [0xc2, { name: 'emptying', data: 'none' }],
  [0xc3, { name: 'emptied', data: 'none' }],
  [0xb3, { name: 'smartEmptying', data: 'values' }],
  [0xb4, { name: 'smartEmptied', data: 'values' }],
  [0xb1, { name: 'errorDuringPayout', data: 'valuesAndError' }],
  [0xc6, { name: 'payoutOutOfService', data: 'none' }],
  [0xb0, { name: 'jamRecovery', data: 'none' }],
  [0xcb, { name: 'notePaidIntoStoreAtPowerUp', data: 'values' }],
  [0xca, { name: 'notePaidIntoStackerAtPowerUp', data: 'values' }],
  [0xcd, { name: 'noteDispensedAtPowerUp', data: 'values' }],
]);

/** Event data decoded: values, or for INCOMPLETE PAYOUT/FLOAT both figures per currency. */
export interface PayoutEventData {
  values?: SspValue[];
  incomplete?: { dispensed: number; requested: number; currency: string }[];
  error?: number;
}

/** Decode the data of a payout event at `at` (after its code). Undefined when the payload is short. */
export function readEventData(kind: EventData, p: Uint8Array, at: number): { data: PayoutEventData; length: number } | undefined {
  if (kind === 'none') return { data: {}, length: 0 };
  const n = p[at];
  if (n === undefined || kind === 'channel') return undefined;
  const size = kind === 'incomplete' ? 11 : 7;
  const length = 1 + n * size + (kind === 'valuesAndError' ? 1 : 0);
  if (p.length < at + length) return undefined;
  if (kind === 'incomplete') {
    const incomplete = [];
    for (let i = 0; i < n; i++) {
      const o = at + 1 + 11 * i;
      incomplete.push({ dispensed: rd32(p, o), requested: rd32(p, o + 4), currency: text(p, o + 8) });
    }
    return { data: { incomplete }, length };
  }
  const values = [];
  for (let i = 0; i < n; i++) values.push({ value: rd32(p, at + 1 + 7 * i), currency: text(p, at + 5 + 7 * i) });
  return { data: { values, ...(kind === 'valuesAndError' ? { error: p[at + length - 1] ?? 0 } : {}) }, length };
}

export function writeEventData(kind: EventData, d: PayoutEventData): number[] {
  if (kind === 'none' || kind === 'channel') return [];
  if (kind === 'incomplete') {
    const list = d.incomplete ?? [];
    return [list.length, ...list.flatMap((x) => [...le32(x.dispensed), ...le32(x.requested), ...cur(x.currency)])];
  }
  const list = d.values ?? [];
  const out = [list.length, ...list.flatMap((x) => [...le32(x.value), ...cur(x.currency)])];
  if (kind === 'valuesAndError') out.push(d.error ?? 0);
  return out;
}

/** Sum of an event's values in one currency. */
export function valueIn(d: PayoutEventData, currency: string): number {
  return (d.values ?? []).filter((v) => v.currency === currency).reduce((a, v) => a + v.value, 0);
}
