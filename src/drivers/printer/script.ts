/** Script and direction of a piece of text (pure), per UAX #9 rule P2: the first strong character wins. */

const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const STRONG_LTR = /\p{L}/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
const ARABIC = /\p{Script=Arabic}/u;

export type Direction = 'ltr' | 'rtl';

export function detectDirection(text: string): Direction {
  for (const ch of text) {
    if (RTL.test(ch)) return 'rtl';
    if (STRONG_LTR.test(ch)) return 'ltr';
  }
  return 'ltr';
}

/** The direction to lay a block out in: given, or detected from its text. */
export function resolveDirection(dir: 'ltr' | 'rtl' | 'auto', ...texts: string[]): Direction {
  return dir === 'auto' ? detectDirection(texts.join(' ')) : dir;
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

export function hasArabic(text: string): boolean {
  return ARABIC.test(text);
}

/** Start/end alignment resolved against a direction. */
export function physicalAlign(align: 'start' | 'center' | 'end' | 'left' | 'right', dir: Direction): 'left' | 'center' | 'right' {
  if (align === 'start') return dir === 'rtl' ? 'right' : 'left';
  if (align === 'end') return dir === 'rtl' ? 'left' : 'right';
  return align;
}
