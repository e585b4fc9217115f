/** Audio device API: the MQTT contract of `device/audio` (speech and clips). Schemas only. */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';
import { receiptDocumentSchema } from '../printer/api.js';
import { SPEECH_LANGS } from './words/langs.js';

/** BCP 47 tag whose primary language kioskd speaks: ar, en, es, fr, de, ru, zh (zh-Hans, en-GB...). */
export const speechLangSchema = z
  .string()
  .max(35)
  .regex(new RegExp(`^(${SPEECH_LANGS.join('|')})(-[A-Za-z0-9]{2,8})*$`, 'i'), `a language tag of ${SPEECH_LANGS.join(', ')}`);
export const promptNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a prompt name (a-z, 0-9, _)');
export const clipNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a clip name (a-z, 0-9, _)');
/** Free text: printable, no control characters (a newline is a pause). */
const speechText = z.string().min(1).max(4000).refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'control characters are not allowed');

export const speechPartSchema = z.union([
  z.strictObject({ text: speechText }),
  z.strictObject({ number: z.number().int().min(-999_999_999_999).max(999_999_999_999) }),
  z.strictObject({ amount: z.strictObject({ minor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code') }) }),
  z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD') }),
  z.strictObject({ digits: z.string().regex(/^[0-9 ]{1,40}$/, 'digits (spaces allowed)') }),
  z.strictObject({ prompt: promptNameSchema }),
]);

const queued = z.object({
  id: z.string(),
  /** 0: playing now; n: n sounds before it. */
  position: z.number().int(),
  durationMs: z.number().int(),
  /** Served from the prompt cache or the recent-utterance memory (no engine run). */
  cached: z.boolean(),
  engine: z.enum(['espeak-ng', 'piper', 'clip']),
});

const levelInfo = z.object({ level: z.number().int(), levels: z.number().int(), gainDb: z.number() });
const rateSchema = z.enum(['slower', 'slow', 'normal', 'fast']);
const outcomeSchema = z.enum(['done', 'interrupted', 'stopped', 'dropped', 'failed']);

export const audioApi = {
  kind: 'audio',
  summary: 'Speech (offline text to speech in seven languages) and sound clips on the kiosk speaker or handset, with a queue, interruption, repeat and volume steps.',
  commands: {
    say: {
      summary:
        'Speak `text`, or `parts` (text, numbers, amounts in minor units, dates, digits, prompts), or a configured `prompt`, in `lang`. Answers once synthesised and queued; `started`/`ended` events follow. `interrupt` cuts what is playing and drops the queue first.',
      input: z
        .strictObject({
          lang: speechLangSchema,
          text: speechText.optional(),
          parts: z.array(speechPartSchema).min(1).max(64).optional(),
          prompt: promptNameSchema.optional(),
          interrupt: z.boolean().default(false),
        })
        .refine((v) => [v.text, v.parts, v.prompt].filter((x) => x !== undefined).length === 1, 'give exactly one of text, parts, prompt'),
      output: queued,
      errors: ['TEXT_TOO_LONG', 'VOICE_UNAVAILABLE', 'TTS_UNAVAILABLE', 'SYNTHESIS_FAILED', 'TTS_BUSY', 'QUEUE_FULL', 'PROMPT_UNKNOWN'],
    },
    speakReceipt: {
      summary: 'Speak a receipt document (the printer\'s document model) in its language: text blocks and rows, with amounts and dates read as words; codes, images and rules are skipped.',
      input: z.strictObject({ document: receiptDocumentSchema, lang: speechLangSchema, interrupt: z.boolean().default(false) }),
      output: queued.extend({ blocks: z.number().int() }),
      errors: ['TEXT_TOO_LONG', 'VOICE_UNAVAILABLE', 'TTS_UNAVAILABLE', 'SYNTHESIS_FAILED', 'TTS_BUSY', 'QUEUE_FULL'],
    },
    play: {
      summary: 'Play a configured clip (or the built-in beep, chime).',
      input: z.strictObject({ clip: clipNameSchema, interrupt: z.boolean().default(false) }),
      output: queued,
      errors: ['CLIP_UNKNOWN', 'QUEUE_FULL'],
    },
    stop: {
      summary: 'Stop what is playing and drop the queue.',
      input: z.strictObject({}),
      output: z.object({ stopped: z.number().int() }),
    },
    repeat: {
      summary: 'Say the last utterance again from its start (cuts what is playing), at the current volume.',
      input: z.strictObject({}),
      output: queued,
      errors: ['NOTHING_TO_REPEAT'],
    },
    volume: {
      summary: 'Move the volume `step` levels up (+) or down (-), or to `level` (0 = quietest). Applies to what is queued next and to repeats.',
      input: z
        .strictObject({ step: z.number().int().min(-20).max(20).optional(), level: z.number().int().min(0).max(19).optional() })
        .refine((v) => (v.step === undefined) !== (v.level === undefined), 'give step or level'),
      output: levelInfo,
    },
    rate: {
      summary: 'Speaking rate for what is synthesised next: slower, slow, normal, fast.',
      input: z.strictObject({ rate: rateSchema }),
      output: z.object({ rate: rateSchema }),
    },
    reset: {
      summary: 'End of a session: stop, drop the queue, forget the last utterance (no repeat of the previous user\'s words), volume and rate to their defaults.',
      input: z.strictObject({}),
      output: levelInfo.extend({ rate: rateSchema, stopped: z.number().int() }),
    },
  },
  events: {
    started: {
      summary: 'A sound started playing.',
      payload: z.object({ id: z.string(), kind: z.enum(['speech', 'clip']), lang: z.string().optional(), durationMs: z.number().int(), transaction: z.string().optional(), at: z.string() }),
    },
    ended: {
      summary: 'A sound ended: done (to its end), interrupted (by a new sound), stopped, dropped (queued, never played), failed (code).',
      payload: z.object({ id: z.string(), kind: z.enum(['speech', 'clip']), outcome: outcomeSchema, playedMs: z.number().int(), code: z.string().optional(), transaction: z.string().optional(), at: z.string() }),
    },
  },
  stateDetail: z.object({
    player: z.string(),
    engine: z.string(),
    speaking: z.boolean(),
    queued: z.number().int(),
    volume: levelInfo,
    rate: rateSchema,
    /** Per language: the engine that speaks it, or "missing". */
    voices: z.record(z.string(), z.string()),
  }),
  sim: {
    played: {
      summary: 'The WAV files the simulated card played (newest last): file, duration, peak and RMS level in dBFS, outcome.',
      input: z.strictObject({ last: z.number().int().min(1).max(100).default(10) }),
      output: z.object({
        played: z.array(z.object({ index: z.number().int(), file: z.string(), durationMs: z.number().int(), playedMs: z.number().int(), outcome: z.string(), at: z.string(), peakDb: z.number().nullable(), rmsDb: z.number().nullable(), sampleRate: z.number().int() })),
      }),
    },
    pace: {
      summary: 'How the simulated card plays: realtime (the sound\'s length), instant, or manual (until `finish`).',
      input: z.strictObject({ pace: z.enum(['realtime', 'instant', 'manual']) }),
      output: z.object({ pace: z.string() }),
    },
    finish: {
      summary: 'Manual pacing: the sound playing now reaches its end.',
      input: z.strictObject({}),
      output: z.object({ finished: z.boolean() }),
    },
  },
} as const satisfies DeviceApi;

export type AudioApi = typeof audioApi;
export type SpeechRate = z.infer<typeof rateSchema>;
export type SpeechPartInput = z.infer<typeof speechPartSchema>;
