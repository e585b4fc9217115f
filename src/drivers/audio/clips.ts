/**
 * Clips: short sounds played by name. `beep` and `chime` are built in (generated tones, so a kiosk
 * has them without files); configured clips are 16-bit PCM WAV files, read once at start, at most 2 MB.
 */
import { readFile, stat } from 'node:fs/promises';
import { KioskError } from '../../core/errors.js';
import { decodeWav, normalise, tone, type Pcm } from './wav.js';

const MAX_CLIP_BYTES = 2 * 1024 * 1024;

export function builtInClips(): Map<string, Pcm> {
  return new Map([
    ['beep', normalise(tone([880], 150))],
    ['chime', normalise(tone([660, 880, 1320], 140))],
  ]);
}

export async function loadClips(files: Record<string, string>): Promise<Map<string, Pcm>> {
  const clips = builtInClips();
  for (const [name, path] of Object.entries(files)) {
    const size = (await stat(path).catch((err: unknown) => {
      throw new KioskError('CONFIG_INVALID', `clip ${name}: ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    })).size;
    if (size > MAX_CLIP_BYTES) throw new KioskError('CONFIG_INVALID', `clip ${name}: ${path} is larger than 2 MB`);
    try {
      clips.set(name, normalise(decodeWav(await readFile(path))));
    } catch (err) {
      throw new KioskError('CONFIG_INVALID', `clip ${name}: ${path}: ${(err as Error).message}`);
    }
  }
  return clips;
}
