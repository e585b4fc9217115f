/**
 * ccTalk payout (coin hopper) headers, pure: what a host sends a hopper and how to read its replies
 * (ccTalk generic specification, part 2, headers 160-172 and 217).
 *
 * DISPENSE HOPPER COINS (167) is guarded, and hoppers differ in how:
 * - `serial`: the 3 bytes of the hopper's serial number (LSB first) precede the coin count;
 * - `cipher-none`: a cipher hopper in its "no encryption" mode: PUMP RNG, REQUEST CIPHER KEY, then 8 zero
 *   bytes precede the count (what a hopper configured without encryption accepts);
 * - `plain`: the count alone (hoppers with no dispense security).
 * The encrypted mode of cipher hoppers uses the manufacturer's proprietary algorithm, which is not public:
 * such a hopper must be configured for its "no encryption" mode (docs/cash.md).
 */

export const CcPayoutHeader = {
  REQUEST_CIPHER_KEY: 160,
  PUMP_RNG: 161,
  TEST_HOPPER: 163,
  ENABLE_HOPPER: 164,
  REQUEST_HOPPER_STATUS: 166,
  DISPENSE_HOPPER_COINS: 167,
  REQUEST_HOPPER_DISPENSE_COUNT: 168,
  REQUEST_HOPPER_COIN: 171,
  EMERGENCY_STOP: 172,
  REQUEST_PAYOUT_HIGH_LOW_STATUS: 217,
  REQUEST_SERIAL_NUMBER: 242,
} as const;

export type HopperSecurity = 'serial' | 'cipher-none' | 'plain';

/** ENABLE HOPPER data: 165 (0xA5) enables the payout, anything else disables it. */
export const HOPPER_ENABLE_CODE = 0xa5;

export function encodeDispense(count: number, security: HopperSecurity, serial?: Uint8Array): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 255) throw new RangeError('a hopper dispenses 1..255 coins at a time');
  if (security === 'plain') return Uint8Array.of(count);
  if (security === 'cipher-none') return Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, count);
  if (!serial || serial.length !== 3) throw new RangeError('the serial-number guard needs the 3-byte serial number');
  return Uint8Array.of(serial[0] ?? 0, serial[1] ?? 0, serial[2] ?? 0, count);
}

/** What DISPENSE HOPPER COINS data says (the hopper's side): the count, and whether the guard matches. */
export function parseDispense(data: Uint8Array, security: HopperSecurity, serial: Uint8Array): { count: number; guarded: boolean } | undefined {
  const count = data[data.length - 1];
  if (count === undefined) return undefined;
  if (security === 'plain') return data.length === 1 ? { count, guarded: true } : undefined;
  if (security === 'cipher-none') return data.length === 9 ? { count, guarded: data.subarray(0, 8).every((b) => b === 0) } : undefined;
  if (data.length !== 4) return undefined;
  return { count, guarded: data[0] === serial[0] && data[1] === serial[1] && data[2] === serial[2] };
}

/** REQUEST HOPPER STATUS reply: event counter, coins remaining, paid and unpaid in the last dispense. */
export interface HopperStatus {
  /** Counts DISPENSE commands taken (1..255, wrapping to 1); 0 after a power-up or reset. */
  readonly eventCounter: number;
  readonly remaining: number;
  readonly paid: number;
  readonly unpaid: number;
}

export function parseHopperStatus(data: Uint8Array): HopperStatus {
  if (data.length !== 4) throw new RangeError('REQUEST HOPPER STATUS reply is 4 bytes');
  return { eventCounter: data[0] ?? 0, remaining: data[1] ?? 0, paid: data[2] ?? 0, unpaid: data[3] ?? 0 };
}

export function encodeHopperStatus(s: HopperStatus): Uint8Array {
  return Uint8Array.of(s.eventCounter & 0xff, s.remaining & 0xff, s.paid & 0xff, s.unpaid & 0xff);
}

/** REQUEST HOPPER DISPENSE COUNT: the lifetime count of coins paid out, 3 bytes LSB first (kept through power cuts). */
export function parseDispenseCount(data: Uint8Array): number {
  if (data.length !== 3) throw new RangeError('REQUEST HOPPER DISPENSE COUNT reply is 3 bytes');
  return (data[0] ?? 0) | ((data[1] ?? 0) << 8) | ((data[2] ?? 0) << 16);
}

export function encodeDispenseCount(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff);
}

/** TEST HOPPER flags (first byte; a second byte may follow on newer hoppers). */
export const HopperFlag = {
  MAX_CURRENT_EXCEEDED: 0x01,
  PAYOUT_TIMEOUT: 0x02,
  MOTOR_REVERSED: 0x04,
  OPTO_PATH_BLOCKED: 0x08,
  OPTO_SHORT_CIRCUIT: 0x10,
  OPTO_BLOCKED_PERMANENTLY: 0x20,
  POWER_UP_DETECTED: 0x40,
  PAYOUT_DISABLED: 0x80,
} as const;

export interface HopperTest {
  readonly jammed: boolean;
  /** A dispense ran out of time: in practice, the hopper is empty. */
  readonly timedOut: boolean;
  readonly powerUp: boolean;
  readonly disabled: boolean;
  readonly flags: number;
}

export function parseTestHopper(data: Uint8Array): HopperTest {
  const f = data[0];
  if (f === undefined) throw new RangeError('TEST HOPPER reply is empty');
  const jam = HopperFlag.OPTO_PATH_BLOCKED | HopperFlag.OPTO_BLOCKED_PERMANENTLY | HopperFlag.MAX_CURRENT_EXCEEDED | HopperFlag.MOTOR_REVERSED;
  return {
    jammed: (f & jam) !== 0,
    timedOut: (f & HopperFlag.PAYOUT_TIMEOUT) !== 0,
    powerUp: (f & HopperFlag.POWER_UP_DETECTED) !== 0,
    disabled: (f & HopperFlag.PAYOUT_DISABLED) !== 0,
    flags: f,
  };
}

/** REQUEST PAYOUT HIGH / LOW STATUS: level sensors, each with a "fitted" bit. */
export interface HopperLevelSensors {
  /** Low-level sensor fitted and showing coins under it: near empty. */
  readonly low: boolean;
  readonly high: boolean;
  readonly lowFitted: boolean;
  readonly highFitted: boolean;
}

export function parseHighLow(data: Uint8Array): HopperLevelSensors {
  const b = data[0];
  if (b === undefined) throw new RangeError('REQUEST PAYOUT HIGH / LOW STATUS reply is empty');
  const lowFitted = (b & 0x10) !== 0;
  const highFitted = (b & 0x20) !== 0;
  return { low: lowFitted && (b & 0x01) !== 0, high: highFitted && (b & 0x02) !== 0, lowFitted, highFitted };
}

export function encodeHighLow(s: { low: boolean; high: boolean }): Uint8Array {
  return Uint8Array.of((s.low ? 0x01 : 0) | (s.high ? 0x02 : 0) | 0x10 | 0x20);
}
