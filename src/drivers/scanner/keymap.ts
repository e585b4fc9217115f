/**
 * Keyboard layouts for keyboard-wedge scanners: Linux key codes (include/uapi/linux/input-event-codes.h)
 * to characters. A wedge scanner "types" its data on the layout it was configured for, so the kiosk must
 * decode with the same layout: a US-configured scanner on a German kiosk sends KEY_Z for "z" (y on QWERTZ).
 */

/** [unshifted, shifted, AltGr] characters of one key. */
export type KeyChars = readonly [string, string, string?];
export type Keymap = ReadonlyMap<number, KeyChars>;

export const KEY = {
  ENTER: 28,
  KPENTER: 96,
  LEFTSHIFT: 42,
  RIGHTSHIFT: 54,
  LEFTCTRL: 29,
  RIGHTCTRL: 97,
  RIGHTALT: 100,
  CAPSLOCK: 58,
} as const;

const LETTER_ROWS: ReadonlyArray<[number, string]> = [
  [16, 'qwertyuiop'],
  [30, 'asdfghjkl'],
  [44, 'zxcvbnm'],
];

function letters(): Map<number, KeyChars> {
  const m = new Map<number, KeyChars>();
  for (const [first, row] of LETTER_ROWS) {
    [...row].forEach((ch, i) => m.set(first + i, [ch, ch.toUpperCase()]));
  }
  return m;
}

/** Keys that print the same on every layout here: keypad, space, tab. */
function common(m: Map<number, KeyChars>): Map<number, KeyChars> {
  const keypad: Array<[number, string]> = [
    [71, '7'], [72, '8'], [73, '9'], [74, '-'], [75, '4'], [76, '5'], [77, '6'], [78, '+'],
    [79, '1'], [80, '2'], [81, '3'], [82, '0'], [83, '.'], [55, '*'], [98, '/'],
  ];
  for (const [code, ch] of keypad) m.set(code, [ch, ch]);
  m.set(57, [' ', ' ']);
  m.set(15, ['\t', '\t']);
  return m;
}

function withKeys(base: Map<number, KeyChars>, keys: ReadonlyArray<[number, string, string, string?]>): Map<number, KeyChars> {
  for (const [code, plain, shifted, altgr] of keys) base.set(code, altgr === undefined ? [plain, shifted] : [plain, shifted, altgr]);
  return base;
}

const US_SYMBOLS: ReadonlyArray<[number, string, string]> = [
  [2, '1', '!'], [3, '2', '@'], [4, '3', '#'], [5, '4', '$'], [6, '5', '%'], [7, '6', '^'], [8, '7', '&'],
  [9, '8', '*'], [10, '9', '('], [11, '0', ')'], [12, '-', '_'], [13, '=', '+'], [26, '[', '{'], [27, ']', '}'],
  [39, ';', ':'], [40, "'", '"'], [41, '`', '~'], [43, '\\', '|'], [51, ',', '<'], [52, '.', '>'], [53, '/', '?'],
];

function us(): Map<number, KeyChars> {
  return withKeys(common(letters()), US_SYMBOLS);
}

function uk(): Map<number, KeyChars> {
  return withKeys(us(), [
    [3, '2', '"'], [4, '3', '£'], [40, "'", '@'], [41, '`', '¬'], [43, '#', '~'], [86, '\\', '|'],
  ]);
}

function de(): Map<number, KeyChars> {
  const m = withKeys(common(letters()), [
    [2, '1', '!'], [3, '2', '"', '²'], [4, '3', '§', '³'], [5, '4', '$'], [6, '5', '%'], [7, '6', '&'],
    [8, '7', '/', '{'], [9, '8', '(', '['], [10, '9', ')', ']'], [11, '0', '=', '}'], [12, 'ß', '?', '\\'],
    [13, '´', '`'], [26, 'ü', 'Ü'], [27, '+', '*', '~'], [39, 'ö', 'Ö'], [40, 'ä', 'Ä'], [41, '^', '°'],
    [43, '#', "'"], [51, ',', ';'], [52, '.', ':'], [53, '-', '_'], [86, '<', '>', '|'],
    [21, 'z', 'Z'], [44, 'y', 'Y'], [16, 'q', 'Q', '@'], [18, 'e', 'E', '€'],
  ]);
  return m;
}

const KEYMAPS = { us, uk, de } as const;
export type KeymapName = keyof typeof KEYMAPS;
export const KEYMAP_NAMES = Object.keys(KEYMAPS) as [KeymapName, ...KeymapName[]];

/** A layout by name, with per-key overrides (`{ "86": ["<", ">"] }`) applied on top. */
export function buildKeymap(name: KeymapName, overrides: Readonly<Record<string, readonly [string, string]>> = {}): Keymap {
  const m = KEYMAPS[name]();
  for (const [code, chars] of Object.entries(overrides)) m.set(Number(code), [chars[0], chars[1]]);
  return m;
}
