/**
 * Sound output: plays one WAV at a time. `aplay` (alsa-utils) on an ALSA device, or PipeWire's
 * `pw-play` where a PipeWire session runs; both read the WAV from stdin (`-`), so nothing is written
 * to the SD card. Stopping kills the player, which ends the sound at once.
 */
import { runTool } from './tool.js';

export interface AudioPlayer {
  /** A label for logs and state (e.g. "aplay:default", "sim"). */
  readonly label: string;
  /**
   * Play a complete WAV. Resolves when it has been played to the end; rejects with code ABORT_ERR when
   * `signal` aborts (the sound stops at once), ENOENT when the player is not installed, EIO when the
   * device failed (busy, unplugged).
   */
  play(wav: Buffer, durationMs: number, signal: AbortSignal): Promise<void>;
}

export interface ProcessPlayerOptions {
  kind: 'aplay' | 'pw-play';
  /** ALSA PCM for aplay (default, plughw:CARD=Headphones), PipeWire target for pw-play ('' = default). */
  device: string;
  /** Binary (default: the kind's name). */
  bin?: string;
}

export class ProcessPlayer implements AudioPlayer {
  readonly label: string;
  constructor(private readonly o: ProcessPlayerOptions) {
    this.label = `${o.kind}:${o.device || 'default'}`;
  }

  args(): string[] {
    if (this.o.kind === 'aplay') return ['-q', '-D', this.o.device || 'default', '-t', 'wav', '-'];
    return [...(this.o.device ? ['--target', this.o.device] : []), '-'];
  }

  async play(wav: Buffer, durationMs: number, signal: AbortSignal): Promise<void> {
    // the device may take a moment to open, and a busy card stalls: allow the sound's length plus 10 s
    await runTool({ bin: this.o.bin ?? this.o.kind, args: this.args(), stdin: wav, timeoutMs: durationMs + 10_000, maxOutputBytes: 64 * 1024, signal });
  }
}
