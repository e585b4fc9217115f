/**
 * WAV codec and the sample arithmetic of the audio pipeline; pure (no I/O, no timers).
 * - Reads RIFF/WAVE with 16-bit PCM, any rate, mono or stereo; tolerates the streaming header espeak-ng
 *   writes on a pipe (sizes 0x7ffff000) by taking the data that is there.
 * - Volume is realised as sample gain: `normalise` brings every utterance to one peak (so espeak-ng,
 *   Piper and clips sound equally loud), then `withGain` scales by 10^(dB/20) for the volume step.
 *   Steps are attenuation only, so nothing clips; the card's mixer sets the loudest level.
 */
export interface Pcm {
  sampleRate: number;
  channels: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

export class WavError extends Error {
  readonly code = 'WAV_INVALID';
}

export function decodeWav(buf: Buffer): Pcm {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new WavError('not a RIFF/WAVE file');
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavError('short fmt chunk');
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new WavError('data before fmt');
      // WAVE_FORMAT_EXTENSIBLE (0xfffe) with 16 bits is PCM too
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) throw new WavError(`only 16-bit PCM is supported (format ${fmt.format}, ${fmt.bits} bits)`);
      if (fmt.channels < 1 || fmt.channels > 2 || fmt.rate < 8000 || fmt.rate > 96000) throw new WavError(`unsupported ${fmt.channels} channels at ${fmt.rate} Hz`);
      const end = Math.min(buf.length, body + size);
      const frame = 2 * fmt.channels;
      const usable = end - body - ((end - body) % frame);
      const samples = new Int16Array(usable / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + 2 * i);
      return { sampleRate: fmt.rate, channels: fmt.channels, samples };
    }
    off = body + size + (size % 2);
  }
  throw new WavError('no data chunk');
}

export function encodeWav(pcm: Pcm): Buffer {
  const data = pcm.samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(pcm.channels, 22);
  buf.writeUInt32LE(pcm.sampleRate, 24);
  buf.writeUInt32LE(pcm.sampleRate * pcm.channels * 2, 28);
  buf.writeUInt16LE(pcm.channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < pcm.samples.length; i++) buf.writeInt16LE(pcm.samples[i]!, 44 + 2 * i);
  return buf;
}

export function durationMs(pcm: Pcm): number {
  return Math.round((pcm.samples.length / pcm.channels / pcm.sampleRate) * 1000);
}

const FULL_SCALE = 32768;
const db = (ratio: number): number => (ratio > 0 ? Math.round(2000 * Math.log10(ratio)) / 100 : -Infinity);

/** Peak and RMS level in dBFS (-Infinity for digital silence). */
export function levels(pcm: Pcm): { peakDb: number; rmsDb: number } {
  let peak = 0;
  let sum = 0;
  for (const s of pcm.samples) {
    const a = Math.abs(s);
    if (a > peak) peak = a;
    sum += s * s;
  }
  const n = pcm.samples.length || 1;
  return { peakDb: db(peak / FULL_SCALE), rmsDb: db(Math.sqrt(sum / n) / FULL_SCALE) };
}

/** Scales every sample by `gainDb` (rounded, clamped to 16 bits). */
export function withGain(pcm: Pcm, gainDb: number): Pcm {
  const k = 10 ** (gainDb / 20);
  const out = new Int16Array(pcm.samples.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(pcm.samples[i]! * k)));
  return { ...pcm, samples: out };
}

/** Brings the peak to `targetDb` dBFS (silence stays silence). */
export function normalise(pcm: Pcm, targetDb = -1): Pcm {
  const { peakDb } = levels(pcm);
  return peakDb === -Infinity ? pcm : withGain(pcm, targetDb - peakDb);
}

/** Drops leading and trailing near-silence (below -60 dBFS), keeping `padMs` either side. */
export function trimSilence(pcm: Pcm, padMs = 60): Pcm {
  const threshold = 33; // ~ -60 dBFS
  const frame = pcm.channels;
  let first = 0;
  let last = pcm.samples.length - 1;
  while (first <= last && Math.abs(pcm.samples[first]!) < threshold) first++;
  while (last >= first && Math.abs(pcm.samples[last]!) < threshold) last--;
  if (first > last) return pcm;
  const pad = Math.round((padMs / 1000) * pcm.sampleRate) * frame;
  const start = Math.max(0, first - pad - (first % frame));
  const end = Math.min(pcm.samples.length, last + 1 + pad);
  return { ...pcm, samples: pcm.samples.slice(start, end - ((end - start) % frame)) };
}

/** A sine tone (built-in clips: beep, chime), with 10 ms fades so it does not click. */
export function tone(freqs: number[], msEach: number, sampleRate = 22050, levelDb = -6): Pcm {
  const amp = FULL_SCALE * 10 ** (levelDb / 20);
  const per = Math.round((msEach / 1000) * sampleRate);
  const fade = Math.round(0.01 * sampleRate);
  const samples = new Int16Array(per * freqs.length);
  freqs.forEach((f, j) => {
    for (let i = 0; i < per; i++) {
      const env = Math.min(1, i / fade, (per - 1 - i) / fade);
      samples[j * per + i] = Math.round(amp * env * Math.sin((2 * Math.PI * f * i) / sampleRate));
    }
  });
  return { sampleRate, channels: 1, samples };
}
