/**
 * Audio simulator: a simulated sound card that writes every sound the driver plays to a WAV file under
 * the simulator's work directory and measures it (duration, peak and RMS level in dBFS), so tests and
 * the playground can check speech without a sound card. Speech synthesis stays real (espeak-ng).
 */
import { join } from 'node:path';
import type { z } from 'zod';
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { SimSoundCard } from '../../transports/audio/sim-card.js';
import { audioApi } from './api.js';
import type { AudioConfig } from './config.js';
import { decodeWav, durationMs, levels } from './wav.js';

type PlayedInput = z.output<typeof audioApi.sim.played.input>;
type PaceInput = z.output<typeof audioApi.sim.pace.input>;

/** What the simulated card records about each WAV it is given. */
export function measureWav(wav: Buffer): Record<string, unknown> {
  const pcm = decodeWav(wav);
  const l = levels(pcm);
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return { sampleRate: pcm.sampleRate, channels: pcm.channels, durationMs: durationMs(pcm), peakDb: finite(l.peakDb), rmsDb: finite(l.rmsDb) };
}

export async function startAudioSimulator(config: AudioConfig, deps: SimulatorDeps): Promise<SimulatorHandle<AudioConfig>> {
  const card = new SimSoundCard({ dir: join(deps.workDir, 'played'), keep: config.sim.keep, pace: config.sim.pace, clock: deps.clock, measure: measureWav });
  return {
    driverConfig: { ...config, player: 'sim' },
    link: card,
    // The request router has validated each input against the same schema (audioApi.sim) already.
    commands: {
      played: async (raw) => {
        const { last } = raw as PlayedInput;
        return {
          played: card.played.slice(-last).map((p) => ({
            index: p.index, file: p.file, durationMs: p.durationMs, playedMs: p.playedMs, outcome: p.outcome, at: p.at,
            peakDb: (p.measured.peakDb as number | null) ?? null, rmsDb: (p.measured.rmsDb as number | null) ?? null, sampleRate: Number(p.measured.sampleRate),
          })),
        };
      },
      pace: async (raw) => {
        card.pace = (raw as PaceInput).pace;
        return { pace: card.pace };
      },
      finish: async () => ({ finished: card.finish() }),
    },
    async stop() {
      card.finish();
    },
  };
}
