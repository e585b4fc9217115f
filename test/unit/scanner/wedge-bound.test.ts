/** A keyboard-wedge scanner that never sends Enter must not grow memory without bound. */
import { describe, expect, it } from 'vitest';
import { buildKeymap } from '../../../src/drivers/scanner/keymap.js';
import { KeystrokeDecoder, MAX_WEDGE_LINE } from '../../../src/drivers/scanner/wedge.js';

describe('KeystrokeDecoder bound', () => {
  it('keeps at most MAX_WEDGE_LINE characters and counts the rest', () => {
    const keys = new KeystrokeDecoder(buildKeymap('us'));
    const KEY_A = 30;
    for (let i = 0; i < MAX_WEDGE_LINE + 5000; i++) {
      keys.feed({ timeUs: 0, type: 1, code: KEY_A, value: 1 });
      keys.feed({ timeUs: 0, type: 1, code: KEY_A, value: 0 });
    }
    expect(keys.pending.length).toBe(MAX_WEDGE_LINE);
    expect(keys.overflowedKeys).toBe(5000);
    expect(keys.feed({ timeUs: 0, type: 1, code: 28, value: 1 })).toHaveLength(MAX_WEDGE_LINE); // Enter
    expect(keys.pending).toBe('');
  });
});
