/**
 * Text to speech for the audio driver: picks the engine configured for the language (espeak-ng by
 * default, Piper where configured), cleans the text, runs one synthesis at a time (a bounded number
 * wait), and returns the sound trimmed and normalised. Prompts are cached on disk, the last few free
 * texts in memory only (forgotten on reset). Logs carry lengths and languages, never the text.
 */
import { createHash } from 'node:crypto';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { EspeakProgram as EspeakEngine, PiperProgram as PiperEngine } from '../../core/transport.js';
import type { SpeechRate } from './api.js';
import { voiceFor, type AudioConfig, type VoiceConfig } from './config.js';
import type { PromptCache } from './prompt-cache.js';
import { decodeWav, durationMs, encodeWav, normalise, trimSilence, type Pcm } from './wav.js';
import type { SpeechLang } from './words/langs.js';

export const RATE_FACTOR: Record<SpeechRate, number> = { slower: 0.7, slow: 0.85, normal: 1, fast: 1.2 };
const MEMORY_ENTRIES = 16;

export interface Rendered {
  pcm: Pcm;
  durationMs: number;
  engine: 'espeak-ng' | 'piper';
  cached: boolean;
}

/** What an engine must never see: espeak-ng's [[phoneme]] input, markup brackets, runs of space. */
export function cleanText(text: string): string {
  return text.replace(/\[\[|\]\]|[<>{}\\]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Hanzi as tone-numbered pinyin for espeak-ng's cmn-latn-pinyin voice (pinyin-pro's dictionary). */
export async function toPinyin(text: string): Promise<string> {
  const { pinyin } = await import('pinyin-pro');
  // espeak-ng's cmn-latn-pinyin voice takes tone numbers 1-5; pinyin-pro writes the neutral tone as 0
  return pinyin(text, { toneType: 'num', type: 'string', nonZh: 'consecutive' }).replace(/([a-zü]+)0\b/g, '$15').replace(/ü/g, 'v');
}

export class Synthesiser {
  private slot: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private readonly memory = new Map<string, Pcm>();

  constructor(
    private readonly config: AudioConfig,
    private readonly deps: { espeak: EspeakEngine; piper: PiperEngine; prompts: PromptCache; log: Logger; now: () => number },
  ) {}

  /** Which engine speaks each language, or "missing" (espeak-ng voice absent, Piper files absent). */
  async probeVoices(espeakVoices: Set<string>): Promise<Record<SpeechLang, string>> {
    const out = {} as Record<SpeechLang, string>;
    for (const lang of ['ar', 'en', 'es', 'fr', 'de', 'ru', 'zh'] as const) {
      const v = voiceFor(this.config, lang);
      if (v.engine === 'espeak-ng') out[lang] = espeakVoices.has(v.voice.toLowerCase()) ? `espeak-ng:${v.voice}` : 'missing';
      else out[lang] = await this.deps.piper.check({ bin: v.bin, model: v.model, config: v.config }).then(() => `piper:${v.model.split('/').pop()}`, () => 'missing');
    }
    return out;
  }

  /** Forget recent free texts (a session ended). */
  forget(): void {
    this.memory.clear();
  }

  async render(lang: SpeechLang, text: string, rate: SpeechRate, opts: { prompt: boolean; signal?: AbortSignal }): Promise<Rendered> {
    const voice = voiceFor(this.config, lang);
    const clean = cleanText(text);
    if (!clean) throw new KioskError('INVALID_PAYLOAD', 'nothing to say after removing markup');
    const key = createHash('sha256').update(JSON.stringify([voice, this.config.espeak.wpm, RATE_FACTOR[rate], clean])).digest('hex');
    const engine = voice.engine;
    const hit = this.memory.get(key) ?? (opts.prompt ? await this.deps.prompts.get(key, this.deps.now()) : undefined);
    if (hit) {
      this.remember(key, hit);
      return { pcm: hit, durationMs: durationMs(hit), engine, cached: true };
    }
    const pcm = await this.exclusive(() => this.synthesise(voice, lang, clean, rate, opts.signal));
    if (opts.prompt) await this.deps.prompts.put(key, encodeWav(pcm), this.deps.now()).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'could not cache a prompt'));
    this.remember(key, pcm);
    return { pcm, durationMs: durationMs(pcm), engine, cached: false };
  }

  private remember(key: string, pcm: Pcm): void {
    this.memory.delete(key);
    this.memory.set(key, pcm);
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value!);
  }

  /** One engine process at a time; at most maxPendingSynthesis wait, the rest are refused. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.config.maxPendingSynthesis) throw new KioskError('TTS_BUSY');
    this.waiting++;
    const run = this.slot.then(job).finally(() => this.waiting--);
    this.slot = run.catch(() => undefined);
    return run;
  }

  private async synthesise(voice: VoiceConfig, lang: SpeechLang, text: string, rate: SpeechRate, signal: AbortSignal | undefined): Promise<Pcm> {
    const t0 = performance.now();
    let wav: Buffer;
    try {
      if (voice.engine === 'espeak-ng') {
        const input = voice.pinyin ? await toPinyin(text) : text;
        wav = await this.deps.espeak.synthesize({ text: input, voice: voice.voice, wpm: Math.max(80, this.config.espeak.wpm * RATE_FACTOR[rate]), ...(signal ? { signal } : {}) });
      } else {
        wav = await this.deps.piper.synthesize({ bin: voice.bin, model: voice.model, config: voice.config, speaker: voice.speaker }, text, 1 / RATE_FACTOR[rate], signal);
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      this.deps.log.warn({ lang, chars: text.length, engine: voice.engine, code }, 'speech synthesis failed');
      if (code === 'ENOENT') throw new KioskError(voice.engine === 'espeak-ng' ? 'TTS_UNAVAILABLE' : 'VOICE_UNAVAILABLE', (err as Error).message, { cause: err });
      if (code === 'ABORT_ERR') throw new KioskError('CANCELLED', 'synthesis stopped', { cause: err });
      throw new KioskError('SYNTHESIS_FAILED', undefined, { cause: err });
    }
    let pcm: Pcm;
    try {
      pcm = normalise(trimSilence(decodeWav(wav)));
    } catch (err) {
      throw new KioskError('SYNTHESIS_FAILED', `the engine's output is not usable audio: ${(err as Error).message}`, { cause: err });
    }
    this.deps.log.debug({ lang, chars: text.length, engine: voice.engine, ms: Math.round(performance.now() - t0), audioMs: durationMs(pcm) }, 'synthesised');
    return pcm;
  }
}
