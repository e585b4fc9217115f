/**
 * The playback queue: one sound plays at a time, the rest wait in order (at most `maxQueue`). A new
 * sound with `interrupt` cuts the one playing and drops those waiting; `stop` does the same without a
 * new one. Every sound that was queued gets exactly one `ended` (done, interrupted, stopped, dropped or
 * failed), and a sound that started got one `started` before it. The gain is applied when a sound
 * starts, so a volume step changes what plays next and what is repeated.
 */
import { KioskError } from '../../core/errors.js';
import type { AudioPlayer } from '../../core/transport.js';
import { durationMs, encodeWav, withGain, type Pcm } from './wav.js';

export type Outcome = 'done' | 'interrupted' | 'stopped' | 'dropped' | 'failed';

export interface Sound {
  id: string;
  kind: 'speech' | 'clip';
  lang?: string | undefined;
  pcm: Pcm;
  engine: 'espeak-ng' | 'piper' | 'clip';
  transaction?: string | undefined;
}

export interface QueueHooks {
  gainDb(): number;
  started(sound: Sound, durationMs: number): void;
  /** `error`: why a sound failed (the player's message, for the log). */
  ended(sound: Sound, outcome: Outcome, playedMs: number, code?: string, error?: Error): void;
  monotonic(): number;
}

export class PlaybackQueue {
  private readonly waiting: Sound[] = [];
  private current: { sound: Sound; ctl: AbortController; t0: number } | undefined;
  private running = false;
  /** The last speech that started (what `repeat` says again). */
  lastSpeech: Sound | undefined;

  constructor(
    private readonly player: AudioPlayer,
    private readonly maxQueue: number,
    private readonly hooks: QueueHooks,
  ) {}

  get speaking(): boolean {
    return this.current !== undefined;
  }
  get length(): number {
    return this.waiting.length;
  }

  /** Queue a sound; its position (0 = plays now). With `interrupt`, what plays and waits is cut first. */
  add(sound: Sound, interrupt: boolean): number {
    if (interrupt) this.cut('interrupted');
    else if (this.waiting.length >= this.maxQueue) throw new KioskError('QUEUE_FULL');
    this.waiting.push(sound);
    const position = interrupt ? 0 : this.waiting.length - (this.current ? 0 : 1);
    if (!this.running) void this.drain();
    return position;
  }

  /** Stop what plays and drop what waits; how many sounds that ended. */
  stop(): number {
    return this.cut('stopped');
  }

  /** Cut what plays and drop what waits because something new comes (before it is synthesised). */
  interrupt(): number {
    return this.cut('interrupted');
  }

  /** Forget the last speech (a session ended). */
  forget(): void {
    this.lastSpeech = undefined;
  }

  private cut(outcome: 'interrupted' | 'stopped'): number {
    const dropped = this.waiting.splice(0);
    for (const s of dropped) this.hooks.ended(s, 'dropped', 0);
    const cur = this.current;
    if (cur) cur.ctl.abort(outcome);
    return dropped.length + (cur ? 1 : 0);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let sound = this.waiting.shift(); sound; sound = this.waiting.shift()) await this.playOne(sound);
    } finally {
      this.running = false;
    }
  }

  private async playOne(sound: Sound): Promise<void> {
    const ctl = new AbortController();
    const t0 = this.hooks.monotonic();
    this.current = { sound, ctl, t0 };
    if (sound.kind === 'speech') this.lastSpeech = sound;
    const pcm = withGain(sound.pcm, this.hooks.gainDb());
    const ms = durationMs(pcm);
    this.hooks.started(sound, ms);
    let outcome: Outcome = 'done';
    let code: string | undefined;
    let error: Error | undefined;
    try {
      await this.player.play(encodeWav(pcm), ms, ctl.signal);
    } catch (err) {
      if (ctl.signal.aborted) outcome = ctl.signal.reason === 'stopped' ? 'stopped' : 'interrupted';
      else {
        outcome = 'failed';
        code = 'SOUND_DEVICE_FAILED';
        error = err as Error;
      }
    } finally {
      this.current = undefined;
    }
    const played = outcome === 'done' ? ms : Math.min(ms, Math.round(this.hooks.monotonic() - t0));
    this.hooks.ended(sound, outcome, played, code, error);
  }
}
