/**
 * The WAV reader against files SoX wrote (an independent writer): rates, channels, an extra chunk;
 * espeak-ng's streaming header; refusals; and arbitrary bytes never escape as anything but WavError.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWav, durationMs, encodeWav, levels, normalise, tone, trimSilence, WavError, withGain } from '../../../src/drivers/audio/wav.js';
import { tempDir } from '../../helpers/daemon.js';
import { hasEspeak, hasSox } from '../../helpers/env.js';

describe.skipIf(!hasSox || !hasEspeak)('WAV files written by others', () => {
  it.each([
    [8000, 1], [16000, 1], [22050, 2], [44100, 2], [48000, 1],
  ])('reads SoX\'s %i Hz x %i channel sine: length and level as SoX states them', (rate, channels) => {
    const file = join(tempDir('kioskd-wav-'), 'sine.wav');
    spawnSync('sox', ['-n', '-r', String(rate), '-c', String(channels), '-b', '16', file, 'synth', '1.5', 'sine', '440', 'vol', '0.5']);
    const pcm = decodeWav(readFileSync(file));
    expect([pcm.sampleRate, pcm.channels]).toEqual([rate, channels]);
    expect(durationMs(pcm)).toBe(1500);
    expect(levels(pcm).peakDb).toBeCloseTo(-6.02, 1);
    expect(levels(pcm).rmsDb).toBeCloseTo(-9.03, 1);
  });

  it('reads a file with a LIST chunk before the data (SoX with a comment)', () => {
    const file = join(tempDir('kioskd-wav-'), 'c.wav');
    spawnSync('sox', ['-n', '--comment', 'kiosk', '-r', '16000', '-b', '16', file, 'synth', '0.5', 'sine', '300']);
    expect(durationMs(decodeWav(readFileSync(file)))).toBe(500);
  });

  it("reads espeak-ng's stdout WAV, whose sizes say 0x7ffff000", () => {
    const wav = spawnSync('espeak-ng', ['--stdout', '-v', 'en', 'hello'], { maxBuffer: 1 << 24 }).stdout;
    expect(wav.readUInt32LE(40)).toBeGreaterThan(wav.length);
    const pcm = decodeWav(wav);
    expect(pcm.sampleRate).toBe(22050);
    expect(pcm.samples.length).toBe((wav.length - 44) / 2);
  });

  it('what we write, SoX reads with the same length', () => {
    const file = join(tempDir('kioskd-wav-'), 'ours.wav');
    const pcm = tone([500, 700], 250);
    writeFileSync(file, encodeWav(pcm));
    expect(Number(spawnSync('sox', ['--i', '-D', file], { encoding: 'utf8' }).stdout)).toBeCloseTo(pcm.samples.length / 22050, 6);
    expect(Number(spawnSync('sox', ['--i', '-r', file], { encoding: 'utf8' }).stdout)).toBe(22050);
  });
});

describe('WAV codec and gain', () => {
  it('refuses what it cannot play: not RIFF, 8-bit, float, no data', () => {
    const ok = encodeWav(tone([440], 50));
    expect(() => decodeWav(Buffer.from('hello world!'))).toThrow(WavError);
    const eight = Buffer.from(ok);
    eight.writeUInt16LE(8, 34);
    expect(() => decodeWav(eight)).toThrow(/16-bit PCM/);
    const float = Buffer.from(ok);
    float.writeUInt16LE(3, 20);
    expect(() => decodeWav(float)).toThrow(/16-bit PCM/);
    expect(() => decodeWav(ok.subarray(0, 36))).toThrow(/no data/);
  });

  it('arbitrary bytes give a Pcm or a WavError, never another error', () => {
    const head = encodeWav(tone([440], 10)).subarray(0, 44);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withHead) => {
        const buf = Buffer.concat([withHead ? head : Buffer.alloc(0), Buffer.from(bytes)]);
        try {
          decodeWav(buf);
        } catch (err) {
          expect(err).toBeInstanceOf(WavError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises to -1 dBFS, scales by whole dB steps, trims silence, keeps silence silent', () => {
    const quiet = withGain(tone([440], 300), -30);
    const n = normalise(quiet);
    expect(levels(n).peakDb).toBeCloseTo(-1, 1);
    expect(levels(withGain(n, -12)).peakDb).toBeCloseTo(-13, 1);
    const padded = { ...n, samples: Int16Array.from([...new Int16Array(22050), ...n.samples, ...new Int16Array(22050)]) };
    expect(durationMs(trimSilence(padded))).toBe(300 + 120);
    const silence = { sampleRate: 22050, channels: 1, samples: new Int16Array(100) };
    expect(normalise(silence)).toBe(silence);
    expect(levels(silence).peakDb).toBe(-Infinity);
  });
});
