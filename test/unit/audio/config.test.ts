/**
 * The volume levels the config accepts: EN 301 549 8.2.1.1 (a range of at least 18 dB) and 8.2.1.2 (an
 * incremental control has an intermediate step 12 dB above the lowest), and ADA-style steps of at most 12 dB.
 */
import { describe, expect, it } from 'vitest';
import { audioConfigSchema } from '../../../src/drivers/audio/config.js';

const volume = (levelsDb: number[], defaultLevel = 0) => audioConfigSchema.safeParse({ volume: { levelsDb, defaultLevel } });
const problems = (levelsDb: number[], defaultLevel = 0): string[] => {
  const r = volume(levelsDb, defaultLevel);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('audio volume levels', () => {
  it('the defaults pass: 24 dB in 6 dB steps, -12 dB is 12 dB above the lowest', () => {
    expect(audioConfigSchema.parse({}).volume.levelsDb).toEqual([-24, -18, -12, -6, 0]);
    expect(problems([-24, -18, -12, -6, 0], 2)).toEqual([]);
    expect(problems([-18, -6, 0])).toEqual([]);
  });

  it('refuses a range under 18 dB, a step over 12 dB, no level 12 dB above the lowest, levels that do not rise', () => {
    expect(problems([-12, 0])).toEqual(['the levels must span at least 18 dB']);
    expect(problems([-30, -15, 0]).sort()).toEqual(['levels must rise in steps of more than 0 and at most 12 dB', 'levels must rise in steps of more than 0 and at most 12 dB', 'one level must be 12 dB above the lowest (-18 dB; EN 301 549 8.2.1.2)']);
    expect(problems([-30, -20, -10, 0])).toEqual(['one level must be 12 dB above the lowest (-18 dB; EN 301 549 8.2.1.2)']);
    expect(problems([-24, -12, -12, 0])).toEqual(['levels must rise in steps of more than 0 and at most 12 dB']);
    expect(problems([-24, -12, 0], 3)).toEqual(['at most 2']);
  });
});
