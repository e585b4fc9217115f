/**
 * ZVT result codes (BMP 27, and the byte after 06 1E) mapped to stable, protocol-neutral reasons. The
 * reasons are part of the MQTT contract (a UI switches on them); never rename one.
 */
import type { ProgressCode } from '../progress.js';

export type ResultClass = 'declined' | 'cancelled' | 'failed';

export interface ResultMeaning {
  readonly outcome: ResultClass;
  readonly reason: string;
}

const TABLE: ReadonlyArray<readonly [ResultClass, string, readonly number[]]> = [
  ['cancelled', 'CUSTOMER_CANCELLED', [0x6c]],
  ['declined', 'CARD_UNREADABLE', [0x64, 0x65, 0x72, 0x73, 0xdd, 0xde]],
  ['declined', 'CARD_EXPIRED', [0x78]],
  ['declined', 'CARD_NOT_YET_VALID', [0x79]],
  ['declined', 'CARD_BLOCKED', [0x6e]],
  ['declined', 'CARD_UNKNOWN', [0x7a]],
  ['declined', 'INSUFFICIENT_FUNDS', [0x71]],
  ['declined', 'AMOUNT_NOT_ALLOWED', [0xc3, 0xc8, 0xc9]],
  ['declined', 'CURRENCY_NOT_SUPPORTED', [0x6f, 0xc6, 0xcb]],
  ['declined', 'CARD_NOT_ACCEPTED', [0x67, 0x68, 0x6b, 0xc4, 0xc5, 0xd2, 0xe9, 0xea]],
  ['declined', 'PIN_FAILED', [0xeb, 0xec]],
  ['declined', 'ALREADY_REVERSED', [0xb4]],
  ['declined', 'REVERSAL_NOT_POSSIBLE', [0xb5]],
  ['failed', 'HOST_UNREACHABLE', [0x7d, 0x9b, 0xa0, 0xa1, 0xa3]],
  ['failed', 'TERMINAL_BUSY', [0x9c, 0xdc]],
  ['failed', 'NOT_POSSIBLE', [0x83, 0x77, 0xf0]],
];

const BY_CODE = new Map<number, ResultMeaning>();
for (const [outcome, reason, codes] of TABLE) for (const code of codes) BY_CODE.set(code, { outcome, reason });

/** Stable reasons this plugin may report, for the API document. */
export const ZVT_REASONS = [...new Set(TABLE.map(([, reason]) => reason)), 'DECLINED', 'TERMINAL_ERROR'];

/**
 * A result code's meaning. Unknown codes below 0x64 are issuer/host answers (declines); 0x64 and above
 * are terminal errors, where the card was not charged.
 */
export function resultMeaning(code: number): ResultMeaning {
  const known = BY_CODE.get(code);
  if (known) return known;
  return code < 0x64 ? { outcome: 'declined', reason: 'DECLINED' } : { outcome: 'failed', reason: 'TERMINAL_ERROR' };
}

/** ZVT intermediate status (04 FF) codes onto progress codes. */
export function progressFor(status: number): ProgressCode {
  switch (status) {
    case 0x01: case 0x02: case 0x41: case 0x15: return 'ENTER_PIN';
    case 0x04: case 0xd2: case 0xd3: case 0xf2: return 'AUTHORISING';
    case 0x0a: case 0x2a: case 0x4a: return 'PRESENT_CARD';
    case 0x0b: case 0x4b: return 'REMOVE_CARD';
    case 0x03: case 0x07: case 0x08: case 0x09: case 0x10: case 0x13: return 'CARD_NOT_ACCEPTED';
    case 0x0c: case 0x19: return 'CARD_NOT_READABLE';
    case 0x1b: case 0x1c: return 'APPROVED';
    case 0x1d: case 0x14: case 0x16: case 0x18: return 'DECLINED';
    case 0x2c: case 0xe0: return 'SELECT_APPLICATION';
    case 0x0e: case 0x17: case 0x28: case 0x29: return 'PLEASE_WAIT';
    default: return 'PROCESSING';
  }
}
