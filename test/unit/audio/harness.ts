/** An audio driver on a simulated sound card, with a recording host and a manual clock. */
import { spawnSync } from 'node:child_process';
import { ManualClock } from '../../../src/core/clock.js';
import type { CommandContext, DriverHost } from '../../../src/core/driver.js';
import { createLogger } from '../../../src/core/logger.js';
import type { AudioApi } from '../../../src/drivers/audio/api.js';
import { audioConfigSchema, type AudioConfig } from '../../../src/drivers/audio/config.js';
import { AudioDriver } from '../../../src/drivers/audio/driver.js';
import { measureWav } from '../../../src/drivers/audio/sim.js';
import { SimSoundCard, type SimPace } from '../../../src/transports/audio/sim-card.js';
import { tempDir } from '../../helpers/daemon.js';
import { realTransports } from '../../helpers/transports.js';

export interface Recorded {
  event: string;
  payload: Record<string, unknown>;
}

export async function audioHarness(configInput: Record<string, unknown> = {}, opts: { pace?: SimPace; stateDir?: string } = {}) {
  const clock = new ManualClock();
  const events: Recorded[] = [];
  const logs: string[] = [];
  const errors: string[] = [];
  let detail: Record<string, unknown> = {};
  let status = 'starting';
  const host: DriverHost<AudioApi> = {
    device: 'audio',
    setState: (s, d) => {
      status = s;
      if (d) detail = d;
    },
    patchDetail: (p) => (detail = { ...detail, ...p }),
    emit: (event, payload) => events.push({ event, payload: payload }),
    lost: () => undefined,
    count: () => undefined,
    noteError: (code) => errors.push(code),
  };
  const dir = tempDir('kioskd-audio-');
  const card = new SimSoundCard({ dir: `${dir}/played`, keep: 100, pace: opts.pace ?? 'manual', clock, measure: measureWav });
  const config: AudioConfig = audioConfigSchema.parse({ player: 'sim', ...configInput });
  const log = createLogger({ level: 'debug', journald: false, write: (l) => logs.push(l) });
  const driver = new AudioDriver(config, { host, log, clock, transports: realTransports(clock), journal: undefined, stateDir: opts.stateDir ?? `${dir}/state`, simulatorLink: card });
  await driver.start(new AbortController().signal);
  const ctx: CommandContext = { transaction: undefined, signal: new AbortController().signal, requester: 'test', role: 'ui' };
  /** Waits for the card's real file writes and the queue's hand-over (polls; no timing is asserted). */
  const until = async (pred: () => boolean, what: string): Promise<void> => {
    const deadline = performance.now() + 10_000;
    while (!pred() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    if (!pred()) throw new Error(`never happened: ${what}`);
  };
  const ended = (id: string): Recorded | undefined => events.find((e) => e.event === 'ended' && e.payload.id === id);
  const started = (id: string): Recorded | undefined => events.find((e) => e.event === 'started' && e.payload.id === id);
  return { driver, card, clock, events, logs, errors, ctx, until, ended, started, dir, detail: () => detail, status: () => status };
}

/** `sox FILE -n stat`: what SoX (not our code) measures in a WAV file. */
export function soxStat(file: string): { seconds: number; rms: number; max: number; rate: number } {
  const r = spawnSync('sox', [file, '-n', 'stat'], { encoding: 'utf8' });
  const num = (label: string): number => Number(new RegExp(`${label}:\\s+(-?[\\d.e+-]+)`).exec(r.stderr)?.[1] ?? NaN);
  const info = spawnSync('sox', ['--i', '-r', file], { encoding: 'utf8' });
  return { seconds: num('Length \\(seconds\\)'), rms: num('RMS     amplitude'), max: num('Maximum amplitude'), rate: Number(info.stdout.trim()) };
}
