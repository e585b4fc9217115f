/**
 * The audio driver: speech and clips through one playback queue. `say` answers when the utterance is
 * synthesised and queued; `started`/`ended` events report playback. Volume is a level index into
 * `volume.levelsDb` (sample gain, see wav.ts); `reset` (a session's end) stops everything, forgets the
 * last utterance and puts volume and rate back to their defaults. Spoken text is never logged.
 */
import { join } from 'node:path';
import type { CommandContext, Driver, DriverDeps } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import type { AudioPlayer, EspeakProgram } from '../../core/transport.js';
import { audioApi, type AudioApi, type SpeechPartInput, type SpeechRate } from './api.js';
import { loadClips } from './clips.js';
import type { AudioConfig } from './config.js';
import { PromptCache } from './prompt-cache.js';
import { PlaybackQueue, type Outcome, type Sound } from './queue.js';
import { receiptSpeech } from './receipt.js';
import { Synthesiser } from './synth.js';
import { durationMs, type Pcm } from './wav.js';
import { speechLang, SPEECH_LANGS, type SpeechLang } from './words/langs.js';
import { partsText, type SpeechPart } from './words/verbalise.js';

type Queued = Awaited<ReturnType<Driver<AudioApi>['commands']['say']>>;

export async function createAudioDriver(config: AudioConfig, deps: DriverDeps<AudioApi>): Promise<Driver<AudioApi>> {
  return new AudioDriver(config, deps);
}

export class AudioDriver implements Driver<AudioApi> {
  readonly api = audioApi;
  private readonly synth: Synthesiser;
  private readonly espeak: EspeakProgram;
  private readonly prompts: PromptCache;
  private queue: PlaybackQueue | undefined;
  private player: AudioPlayer | undefined;
  private clips = new Map<string, Pcm>();
  private level: number;
  private rate: SpeechRate = 'normal';
  private voices: Record<string, string> = {};
  private engine = 'espeak-ng';
  private seq = 0;
  private warmup = new AbortController();

  constructor(
    private readonly config: AudioConfig,
    private readonly deps: DriverDeps<AudioApi>,
  ) {
    const limits = { timeoutMs: config.synthesisTimeoutMs, maxOutputBytes: 16 * 1024 * 1024 };
    this.espeak = deps.transports.espeak({ bin: config.espeak.bin, ...limits });
    this.prompts = new PromptCache(join(deps.stateDir, 'prompts'), config.promptCacheMb * 1024 * 1024);
    const piper = deps.transports.piper({ workDir: deps.stateDir, ...limits });
    this.synth = new Synthesiser(config, { espeak: this.espeak, piper, prompts: this.prompts, log: deps.log, now: () => deps.clock.now() });
    this.level = config.volume.defaultLevel;
  }

  readonly commands: Driver<AudioApi>['commands'] = {
    say: async (input, ctx) => {
      const lang = speechLang(input.lang)!;
      const text = this.textOf(lang, input);
      this.voiceReady(lang);
      // a valid request cuts the old sound at once, not after synthesis: the person has moved on
      if (input.interrupt) this.ready().interrupt();
      const r = await this.synth.render(lang, text, this.rate, { prompt: input.prompt !== undefined, signal: ctx.signal });
      return this.enqueue({ kind: 'speech', lang, pcm: r.pcm, engine: r.engine }, input.interrupt, ctx, r.cached);
    },
    speakReceipt: async ({ document, lang, interrupt }, ctx) => {
      const runs = receiptSpeech(document, speechLang(lang)!);
      if (runs.length === 0) throw new KioskError('INVALID_PAYLOAD', 'the receipt has no text to speak');
      if (runs.reduce((n, r) => n + r.text.length, 0) > this.config.maxChars * 8) throw new KioskError('TEXT_TOO_LONG');
      for (const run of runs) this.voiceReady(run.lang);
      if (interrupt) this.ready().interrupt();
      const rendered = [];
      for (const run of runs) rendered.push({ run, r: await this.synth.render(run.lang, run.text, this.rate, { prompt: false, signal: ctx.signal }) });
      const answers = rendered.map(({ run, r }) => this.enqueue({ kind: 'speech', lang: run.lang, pcm: r.pcm, engine: r.engine }, false, ctx, r.cached));
      const first = answers[0]!;
      return { ...first, durationMs: answers.reduce((n, a) => n + a.durationMs, 0), cached: answers.every((a) => a.cached), blocks: runs.reduce((n, r) => n + r.blocks, 0) };
    },
    play: async ({ clip, interrupt }, ctx) => {
      const pcm = this.clips.get(clip);
      if (!pcm) throw new KioskError('CLIP_UNKNOWN', `no clip named ${clip}`);
      return this.enqueue({ kind: 'clip', pcm, engine: 'clip' }, interrupt, ctx, true);
    },
    stop: async () => ({ stopped: this.ready().stop() }),
    repeat: async (_input, ctx) => {
      const last = this.ready().lastSpeech;
      if (!last) throw new KioskError('NOTHING_TO_REPEAT');
      return this.enqueue({ kind: 'speech', lang: last.lang, pcm: last.pcm, engine: last.engine }, true, ctx, true);
    },
    volume: async ({ step, level }) => {
      const max = this.config.volume.levelsDb.length - 1;
      this.level = Math.max(0, Math.min(max, level ?? this.level + (step ?? 0)));
      this.publishDetail();
      return this.volumeInfo();
    },
    rate: async ({ rate }) => {
      this.rate = rate;
      this.publishDetail();
      return { rate };
    },
    reset: async () => {
      const stopped = this.ready().stop();
      this.ready().forget();
      this.synth.forget();
      this.level = this.config.volume.defaultLevel;
      this.rate = 'normal';
      this.publishDetail();
      this.deps.log.info({ stopped }, 'audio reset (session ended)');
      return { ...this.volumeInfo(), rate: this.rate, stopped };
    },
  };

  async start(signal: AbortSignal): Promise<void> {
    let version: string;
    try {
      version = await this.espeak.version();
    } catch (err) {
      throw new KioskError('TTS_UNAVAILABLE', `${this.config.espeak.bin} does not run (${(err as Error).message}): apt-get install espeak-ng`, { cause: err });
    }
    this.engine = `espeak-ng ${version}`;
    this.voices = await this.synth.probeVoices(await this.espeak.voices());
    const missing = SPEECH_LANGS.filter((l) => this.voices[l] === 'missing');
    if (missing.length === SPEECH_LANGS.length) throw new KioskError('VOICE_UNAVAILABLE', 'no configured voice works: apt-get install espeak-ng-data');
    if (missing.length) this.deps.log.warn({ missing }, 'no voice for some languages');
    this.player = await this.openPlayer();
    await this.prompts.load();
    this.clips = await loadClips(this.config.clips);
    this.queue = new PlaybackQueue(this.player, this.config.maxQueue, {
      gainDb: () => this.config.volume.levelsDb[this.level] ?? 0,
      monotonic: () => this.deps.clock.monotonic(),
      started: (s, ms) => this.onStarted(s, ms),
      ended: (s, outcome, playedMs, code, error) => this.onEnded(s, outcome, playedMs, code, error),
    });
    this.warmup = new AbortController();
    this.deps.host.setState('ready', this.detail());
    void this.renderPrompts(AbortSignal.any([signal, this.warmup.signal]));
  }

  async stop(): Promise<void> {
    this.warmup.abort();
    this.queue?.stop();
    this.queue = undefined;
  }

  private async openPlayer(): Promise<AudioPlayer> {
    const t = this.deps.transports;
    if (this.config.player === 'sim') return t.player({ kind: 'sim', link: this.deps.simulatorLink });
    const bin = this.config.player;
    return t.player({ kind: bin, device: this.config.device }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new KioskError('DEVICE_NOT_FOUND', `${bin} is not installed: apt-get install ${bin === 'aplay' ? 'alsa-utils' : 'pipewire-bin'}`);
    });
  }

  /** Every configured prompt rendered once into the disk cache, one at a time, after start. */
  private async renderPrompts(signal: AbortSignal): Promise<void> {
    for (const [name, byLang] of Object.entries(this.config.prompts)) {
      for (const [lang, text] of Object.entries(byLang) as Array<[SpeechLang, string]>) {
        if (signal.aborted) return;
        await this.synth.render(lang, text, 'normal', { prompt: true, signal }).catch((err: unknown) => {
          if (!signal.aborted) this.deps.log.warn({ prompt: name, lang, code: (err as KioskError).code }, 'prompt could not be rendered');
        });
      }
    }
  }

  private voiceReady(lang: SpeechLang): void {
    if (this.voices[lang] === 'missing') throw new KioskError('VOICE_UNAVAILABLE', `no working voice for ${lang}: kioskd doctor shows why`);
  }

  private ready(): PlaybackQueue {
    if (!this.queue) throw new KioskError('DEVICE_UNAVAILABLE');
    return this.queue;
  }

  private promptText(lang: SpeechLang, name: string): string {
    const text = Object.hasOwn(this.config.prompts, name) ? this.config.prompts[name]?.[lang] : undefined;
    if (text === undefined) throw new KioskError('PROMPT_UNKNOWN', `no prompt ${name} in ${lang}`);
    return text;
  }

  private textOf(lang: SpeechLang, input: { text?: string | undefined; parts?: SpeechPartInput[] | undefined; prompt?: string | undefined }): string {
    if (input.prompt !== undefined) return this.promptText(lang, input.prompt);
    const parts: SpeechPart[] = input.text !== undefined ? [{ text: input.text }] : (input.parts ?? []).map((p) => ('prompt' in p ? { text: this.promptText(lang, p.prompt) } : p));
    const chars = parts.reduce((n, p) => n + ('text' in p ? p.text.length : 12), 0);
    if (chars > this.config.maxChars) throw new KioskError('TEXT_TOO_LONG', `${chars} characters; at most ${this.config.maxChars}`);
    let text: string;
    try {
      text = partsText(lang, parts);
    } catch (err) {
      throw new KioskError('INVALID_PAYLOAD', (err as Error).message);
    }
    // numbers grow into words ("999999999999" is 100 characters in French): bound what the engine gets too
    if (text.length > this.config.maxChars * 6) throw new KioskError('TEXT_TOO_LONG', `${text.length} characters once numbers are words`);
    return text;
  }

  private enqueue(sound: Omit<Sound, 'id' | 'transaction'>, interrupt: boolean, ctx: CommandContext, cached: boolean): Queued {
    const id = `${sound.kind === 'clip' ? 'c' : 's'}-${this.deps.clock.now().toString(36)}-${++this.seq}`;
    const position = this.ready().add({ ...sound, id, transaction: ctx.transaction }, interrupt);
    this.deps.log.debug({ id, kind: sound.kind, lang: sound.lang, position, requester: ctx.requester }, 'sound queued');
    this.publishDetail();
    return { id, position, durationMs: durationMs(sound.pcm), cached, engine: sound.engine };
  }

  private onStarted(s: Sound, ms: number): void {
    this.deps.host.emit('started', { id: s.id, kind: s.kind, ...(s.lang ? { lang: s.lang } : {}), durationMs: ms, ...(s.transaction ? { transaction: s.transaction } : {}), at: this.deps.clock.iso() });
    this.publishDetail();
  }

  private onEnded(s: Sound, outcome: Outcome, playedMs: number, code: string | undefined, error: Error | undefined): void {
    this.deps.host.count(`${s.kind}_${outcome}`);
    if (code) {
      this.deps.host.noteError(code);
      this.deps.log.warn({ id: s.id, code, err: error?.message }, 'sound could not be played');
    }
    this.deps.host.emit('ended', { id: s.id, kind: s.kind, outcome, playedMs, ...(code ? { code } : {}), ...(s.transaction ? { transaction: s.transaction } : {}), at: this.deps.clock.iso() });
    this.publishDetail();
  }

  private volumeInfo(): { level: number; levels: number; gainDb: number } {
    return { level: this.level, levels: this.config.volume.levelsDb.length, gainDb: this.config.volume.levelsDb[this.level] ?? 0 };
  }

  private detail(): Record<string, unknown> {
    return { player: this.player?.label ?? 'closed', engine: this.engine, speaking: this.queue?.speaking ?? false, queued: this.queue?.length ?? 0, volume: this.volumeInfo(), rate: this.rate, voices: { ...this.voices } };
  }

  private publishDetail(): void {
    if (this.queue) this.deps.host.patchDetail(this.detail());
  }
}
