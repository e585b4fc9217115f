/**
 * espeak-ng (Debian's package) as its own process: text on stdin (UTF-8, `-b 1`), a WAV on stdout.
 * SSML and espeak's markup are never enabled (no `-m`); the caller strips `[[...]]` phoneme input.
 * espeak-ng writes a streaming header (sizes 0x7ffff000): read it with a tolerant WAV reader.
 */
import type { EspeakProgram } from '../../core/transport.js';
import { runTool, type ToolRun } from './tool.js';

export interface EspeakOptions {
  /** Binary name or path (default espeak-ng). */
  bin: string;
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface SynthesisRequest {
  text: string;
  voice: string;
  /** Words per minute (espeak-ng -s; its default is 175). */
  wpm: number;
  signal?: AbortSignal;
}

export class EspeakEngine implements EspeakProgram {
  readonly kind = 'espeak-ng' as const;
  constructor(private readonly o: EspeakOptions) {}

  private run(args: string[], extra: Partial<ToolRun> = {}): ReturnType<typeof runTool> {
    return runTool({ bin: this.o.bin, args, timeoutMs: this.o.timeoutMs, maxOutputBytes: this.o.maxOutputBytes, ...extra });
  }

  /** "1.51" from `espeak-ng --version`. */
  async version(): Promise<string> {
    const { stdout } = await this.run(['--version']);
    return /text-to-speech:\s*([\d.]+\S*)/.exec(stdout.toString())?.[1] ?? stdout.toString().trim().slice(0, 40);
  }

  /** Every voice name espeak-ng accepts with -v: languages (ar, en-gb) and voice files (cmn-latn-pinyin). */
  async voices(): Promise<Set<string>> {
    const { stdout } = await this.run(['--voices']);
    const names = new Set<string>();
    for (const line of stdout.toString().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5) continue;
      names.add(cols[1]!.toLowerCase());
      names.add(cols[4]!.split('/').pop()!.toLowerCase());
    }
    return names;
  }

  /** A WAV (16-bit mono, 22050 Hz) of `text` spoken by `voice`. */
  async synthesize(req: SynthesisRequest): Promise<Buffer> {
    const args = ['-b', '1', '-v', req.voice, '-s', String(Math.round(req.wpm)), '--stdout'];
    const { stdout } = await this.run(args, { stdin: req.text, ...(req.signal ? { signal: req.signal } : {}) });
    return stdout;
  }
}
