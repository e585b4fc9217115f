/**
 * A simulated sound card: what would be played is written to numbered WAV files in a directory (the
 * newest `keep` are kept), with what the simulator measured in them. Playback takes the sound's own
 * length (`realtime`), no time (`instant`), or until the test says so (`manual`: `finish()`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Timer } from '../../core/clock.js';
import type { AudioPlayer } from './player.js';

export type SimPace = 'realtime' | 'instant' | 'manual';

export interface PlayedFile {
  /** 1, 2, 3... in the order played. */
  index: number;
  file: string;
  bytes: number;
  durationMs: number;
  /** When playback began, ISO. */
  at: string;
  /** played: to its end; cut: stopped or interrupted after `playedMs`. */
  outcome: 'playing' | 'played' | 'cut';
  playedMs: number;
  /** Whatever the simulator measured (sample rate, level). */
  measured: Record<string, unknown>;
}

export interface SimCardOptions {
  dir: string;
  keep: number;
  pace: SimPace;
  /** Its realtime pace runs on it. */
  clock: Pick<Clock, 'iso' | 'monotonic' | 'setTimeout'>;
  /** Measures a WAV for the record (the simulator's level meter). */
  measure: (wav: Buffer) => Record<string, unknown>;
}

export class SimSoundCard {
  readonly played: PlayedFile[] = [];
  private count = 0;
  private finishCurrent: (() => void) | undefined;
  private sounding = false;
  pace: SimPace;

  constructor(private readonly o: SimCardOptions) {
    this.pace = o.pace;
  }

  /** A sound is playing: its file is written and it has not ended. */
  get playing(): boolean {
    return this.sounding;
  }

  /** Manual pacing: the sound now playing reaches its end. */
  finish(): boolean {
    const f = this.finishCurrent;
    f?.();
    return f !== undefined;
  }

  player(): AudioPlayer {
    return { label: 'sim', play: (wav, durationMs, signal) => this.play(wav, durationMs, signal) };
  }

  private async play(wav: Buffer, durationMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw Object.assign(new Error('stopped'), { code: 'ABORT_ERR' });
    // the end can be signalled (finish, abort) from the moment playback is asked for, also while the file is written
    let end!: (err?: Error) => void;
    const ended = new Promise<void>((resolve, reject) => (end = (err) => (err ? reject(err) : resolve())));
    ended.catch(() => undefined); // awaited below, after the file is written; an early abort must not be "unhandled"

    const onAbort = (): void => end(Object.assign(new Error('stopped'), { code: 'ABORT_ERR' }));
    signal.addEventListener('abort', onAbort, { once: true });
    this.finishCurrent = () => end();
    const t0 = this.o.clock.monotonic();
    const index = ++this.count;
    const file = join(this.o.dir, `utterance-${String(index).padStart(5, '0')}.wav`);
    const rec: PlayedFile = { index, file, bytes: wav.length, durationMs, at: this.o.clock.iso(), outcome: 'playing', playedMs: 0, measured: this.o.measure(wav) };
    this.played.push(rec);
    let timer: Timer | undefined;
    try {
      await mkdir(this.o.dir, { recursive: true });
      await writeFile(file, wav);
      for (const old of this.played.splice(0, Math.max(0, this.played.length - this.o.keep))) await rm(old.file, { force: true });
      this.sounding = true;
      if (this.pace === 'realtime') timer = this.o.clock.setTimeout(() => end(), durationMs);
      else if (this.pace === 'instant') end();
      await ended;
      rec.outcome = 'played';
      rec.playedMs = durationMs;
    } catch (err) {
      rec.outcome = 'cut';
      rec.playedMs = Math.min(durationMs, Math.round(this.o.clock.monotonic() - t0));
      throw err;
    } finally {
      timer?.cancel();
      signal.removeEventListener('abort', onAbort);
      this.finishCurrent = undefined;
      this.sounding = false;
    }
  }
}
