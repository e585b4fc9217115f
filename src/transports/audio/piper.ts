/**
 * Piper (a neural voice, VITS models in ONNX) as its own process, for languages configured with one:
 * `piper --model M [--config C] [--speaker N] [--length_scale S] --output_file F` with the text on
 * stdin, as both the C++ release and the Python piper-tts accept. The WAV goes to a file of ours (both
 * write a complete header there), which is read and removed.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PiperProgram } from '../../core/transport.js';
import { runTool, toolError } from './tool.js';

export interface PiperVoice {
  /** Binary name or path (default piper). */
  bin: string;
  model: string;
  config?: string | undefined;
  speaker?: number | undefined;
}

export interface PiperOptions {
  /** Directory for the WAV files piper writes (removed after reading). */
  workDir: string;
  timeoutMs: number;
  maxOutputBytes: number;
}

export class PiperEngine implements PiperProgram {
  readonly kind = 'piper' as const;
  constructor(private readonly o: PiperOptions) {}

  /** The model (and its .json config) exist and are readable. */
  async check(voice: PiperVoice): Promise<void> {
    for (const f of [voice.model, voice.config ?? `${voice.model}.json`]) {
      await stat(f).catch(() => {
        throw toolError('ENOENT', `piper voice file ${f} is missing`);
      });
    }
  }

  /** `lengthScale` > 1 speaks slower (piper's --length_scale). */
  async synthesize(voice: PiperVoice, text: string, lengthScale: number, signal?: AbortSignal): Promise<Buffer> {
    const out = join(this.o.workDir, `piper-${randomBytes(6).toString('hex')}.wav`);
    const args = ['--model', voice.model, '--output_file', out, '--length_scale', lengthScale.toFixed(2)];
    if (voice.config) args.push('--config', voice.config);
    if (voice.speaker !== undefined) args.push('--speaker', String(voice.speaker));
    try {
      await runTool({ bin: voice.bin, args, stdin: `${text}\n`, timeoutMs: this.o.timeoutMs, maxOutputBytes: 64 * 1024, ...(signal ? { signal } : {}) });
      const size = (await stat(out)).size;
      if (size > this.o.maxOutputBytes) throw toolError('E2BIG', `piper wrote ${size} bytes`);
      return await readFile(out);
    } finally {
      await rm(out, { force: true });
    }
  }
}
