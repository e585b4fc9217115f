/**
 * Sound output: plays one WAV at a time. `aplay` (alsa-utils) on an ALSA device, or PipeWire's
 * `pw-play` where a PipeWire session runs; both read the WAV from stdin (`-`), so nothing is written
 * to the SD card. Stopping kills the player, which ends the sound at once.
 */
import type { AudioPlayer } from '../../core/transport.js';
import { runTool } from './tool.js';

export type { AudioPlayer };

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
