/**
 * Rendered fixed prompts on disk: {stateDir}/devices/audio/prompts/<sha256>.wav, at most `maxBytes`,
 * least recently used first out. Only configured prompts go here, never free text: what a kiosk says
 * to a person (a name, an amount) is not written to the SD card. Writes are atomic (temp + rename);
 * a file that no longer decodes (a bad sector) is removed and rendered again.
 */
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWav, type Pcm } from './wav.js';

export class PromptCache {
  private readonly entries = new Map<string, { bytes: number; used: number }>();

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      const file = join(this.dir, name);
      if (!/^[0-9a-f]{64}\.wav$/.test(name)) {
        if (name.endsWith('.tmp')) await rm(file, { force: true });
        continue;
      }
      const st = await stat(file);
      this.entries.set(name.slice(0, 64), { bytes: st.size, used: st.mtimeMs });
    }
  }

  get size(): { files: number; bytes: number } {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.bytes;
    return { files: this.entries.size, bytes };
  }

  async get(key: string, now: number): Promise<Pcm | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const file = join(this.dir, `${key}.wav`);
    try {
      const pcm = decodeWav(await readFile(file));
      e.used = now;
      await utimes(file, new Date(now), new Date(now)).catch(() => undefined);
      return pcm;
    } catch {
      this.entries.delete(key);
      await rm(file, { force: true });
      return undefined;
    }
  }

  async put(key: string, wav: Buffer, now: number): Promise<void> {
    if (wav.length > this.maxBytes) return;
    const file = join(this.dir, `${key}.wav`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, wav);
    await rename(tmp, file);
    this.entries.set(key, { bytes: wav.length, used: now });
    await this.evict();
  }

  private async evict(): Promise<void> {
    let total = this.size.bytes;
    const oldest = [...this.entries.entries()].sort((a, b) => a[1].used - b[1].used);
    for (const [key, e] of oldest) {
      if (total <= this.maxBytes) break;
      this.entries.delete(key);
      total -= e.bytes;
      await rm(join(this.dir, `${key}.wav`), { force: true });
    }
  }
}
