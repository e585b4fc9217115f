/** Config of `devices.audio`. */
import { z } from 'zod';
import { deviceCommon } from '../../core/device-config.js';
import { clipNameSchema, promptNameSchema } from './api.js';
import { SPEECH_LANGS, type SpeechLang } from './words/langs.js';

const binSchema = z.string().regex(/^[A-Za-z0-9_./+-]{1,200}$/, 'a program name or absolute path');
const pathSchema = z.string().regex(/^\/[^\0\n]{1,400}$/, 'an absolute path');

const espeakVoice = z.strictObject({
  engine: z.literal('espeak-ng'),
  /** espeak-ng voice (`espeak-ng --voices`): ar, en-gb, fr-fr, cmn-latn-pinyin... */
  voice: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/i, 'an espeak-ng voice name'),
  /** Write hanzi as tone-numbered pinyin first (espeak-ng 1.51 reads many hanzi as English letters and digits). */
  pinyin: z.boolean().default(false),
});

const piperVoice = z.strictObject({
  engine: z.literal('piper'),
  /** The voice model (e.g. /usr/share/piper-voices/en_GB-alan-medium.onnx); its .onnx.json beside it. */
  model: pathSchema,
  config: pathSchema.optional(),
  speaker: z.number().int().min(0).max(10_000).optional(),
  bin: binSchema.default('piper'),
});

export const voiceSchema = z.discriminatedUnion('engine', [espeakVoice, piperVoice]);
export type VoiceConfig = z.output<typeof voiceSchema>;

export const DEFAULT_VOICES: Record<SpeechLang, VoiceConfig> = {
  ar: { engine: 'espeak-ng', voice: 'ar', pinyin: false },
  en: { engine: 'espeak-ng', voice: 'en-gb', pinyin: false },
  es: { engine: 'espeak-ng', voice: 'es', pinyin: false },
  fr: { engine: 'espeak-ng', voice: 'fr-fr', pinyin: false },
  de: { engine: 'espeak-ng', voice: 'de', pinyin: false },
  ru: { engine: 'espeak-ng', voice: 'ru', pinyin: false },
  zh: { engine: 'espeak-ng', voice: 'cmn-latn-pinyin', pinyin: true },
};

const langKey = z.enum(SPEECH_LANGS);

export const audioConfigSchema = z
  .strictObject({
    ...deviceCommon,
    /** aplay (ALSA, alsa-utils) or pw-play (PipeWire). The simulator replaces both with WAV files. */
    player: z.enum(['aplay', 'pw-play', 'sim']).default('aplay'),
    /** ALSA PCM for aplay (e.g. default, plughw:CARD=Headphones,DEV=0); PipeWire target for pw-play. */
    device: z.string().regex(/^[A-Za-z0-9_.,:=-]{0,120}$/, 'an ALSA PCM or PipeWire target name').default('default'),
    espeak: z.strictObject({ bin: binSchema.default('espeak-ng'), wpm: z.number().int().min(80).max(400).default(160) }).prefault({}),
    /** Per language, overriding the espeak-ng defaults (ar, en-gb, es, fr-fr, de, ru, cmn-latn-pinyin). */
    voices: z.partialRecord(langKey, voiceSchema).default({}),
    volume: z
      .strictObject({
        /** Attenuation of each level in dB, quietest first, the loudest 0 (set the card's mixer for it). */
        levelsDb: z.array(z.number().min(-60).max(0)).min(2).max(20).default([-24, -18, -12, -6, 0]),
        /** Index into levelsDb after start and every reset. */
        defaultLevel: z.number().int().min(0).max(19).default(2),
      })
      .prefault({}),
    /** Longest text of one utterance, in characters, before numbers become words. */
    maxChars: z.number().int().min(50).max(4000).default(600),
    /** Sounds waiting behind the one playing. */
    maxQueue: z.number().int().min(1).max(64).default(8),
    /** Requests in synthesis at once: one runs, the others wait for it; beyond this TTS_BUSY. */
    maxPendingSynthesis: z.number().int().min(1).max(64).default(4),
    synthesisTimeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
    /** Fixed prompts by name and language, rendered once and cached on disk. */
    prompts: z.record(promptNameSchema, z.partialRecord(langKey, z.string().min(1).max(4000))).default({}),
    /** Rendered prompts kept under {stateDir}/devices/audio/prompts: at most this many MB. */
    promptCacheMb: z.number().int().min(1).max(1024).default(32),
    /** Named WAV clips (16-bit PCM) beside the built-in beep and chime. */
    clips: z.record(clipNameSchema, pathSchema).default({}),
    sim: z
      .strictObject({
        pace: z.enum(['realtime', 'instant', 'manual']).default('realtime'),
        /** WAV files kept by the simulated card. */
        keep: z.number().int().min(1).max(1000).default(50),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const lv = cfg.volume.levelsDb;
    for (let i = 1; i < lv.length; i++) {
      const step = lv[i]! - lv[i - 1]!;
      if (step <= 0 || step > 12) ctx.addIssue({ code: 'custom', path: ['volume', 'levelsDb', i], message: 'levels must rise in steps of more than 0 and at most 12 dB' });
    }
    if (lv.length >= 2 && lv[lv.length - 1]! - lv[0]! < 18) ctx.addIssue({ code: 'custom', path: ['volume', 'levelsDb'], message: 'the levels must span at least 18 dB' });
    // EN 301 549 8.2.1.2: an incremental control has an intermediate step 12 dB above the lowest setting.
    if (lv.length >= 2 && !lv.some((l) => Math.abs(l - lv[0]! - 12) <= 0.5)) {
      ctx.addIssue({ code: 'custom', path: ['volume', 'levelsDb'], message: `one level must be 12 dB above the lowest (${lv[0]! + 12} dB; EN 301 549 8.2.1.2)` });
    }
    if (cfg.volume.defaultLevel >= lv.length) ctx.addIssue({ code: 'custom', path: ['volume', 'defaultLevel'], message: `at most ${lv.length - 1}` });
  });

export type AudioConfig = z.output<typeof audioConfigSchema>;

export function voiceFor(config: AudioConfig, lang: SpeechLang): VoiceConfig {
  return config.voices[lang] ?? DEFAULT_VOICES[lang];
}
