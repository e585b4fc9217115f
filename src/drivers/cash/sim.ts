/**
 * The cash simulators: an SSP note validator and (when coin ids are configured) a ccTalk coin acceptor,
 * each on its own PTY pair, so the driver opens them exactly as it opens /dev/ttyUSB0. Their stacked
 * notes and taken coins persist in `stateDir`. `startCashSimulators` is also used by tests that run the
 * simulators in their own process, so they outlive a daemon killed with -9.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { PtyPair } from '../../transports/pty-pair.js';
import type { ByteStream } from '../../transports/byte-stream.js';
import { cashApi } from './api.js';
import { CcTalkSimulator } from './cctalk/sim.js';
import { HopperBusSim } from './cctalk/hopper-sim.js';
import { cashConfigSchema, type CashConfig } from './config.js';
import { SspSimulator } from './ssp/sim.js';
import { coinId, payoutSimCommands } from './sim-payout.js';

export interface CashSimulators {
  validator: SspSimulator;
  coins: CcTalkSimulator | undefined;
  hoppers: HopperBusSim | undefined;
  validatorPath: string;
  coinPath: string | undefined;
  hopperPath: string | undefined;
  /** Handlers for `sim/cash/request/{cmd}` (inputs validated here). */
  commands: Record<string, (input: unknown) => Promise<unknown>>;
  stop(): Promise<void>;
}

export async function startCashSimulators(config: CashConfig, dirs: { workDir: string; stateDir: string; clock: Clock }): Promise<CashSimulators> {
  await mkdir(dirs.stateDir, { recursive: true });
  const o = config.simulator;
  const vPair = await PtyPair.create(dirs.workDir, 'validator');
  const vPort = vPair.simEnd();
  await vPort.open();
  const validator = new SspSimulator(vPort, {
    currency: o.currency, notes: o.notes, multiplier: o.multiplier, stepMs: o.stepMs, escrowTimeoutMs: o.escrowTimeoutMs,
    fixedKey: config.validator.encryption.fixedKey, statePath: join(dirs.stateDir, 'validator.json'), address: config.validator.address, clock: dirs.clock,
    ...(config.payout.recycler ? { payout: { capacity: o.recyclerCapacity, float: o.recyclerFloat } } : {}),
  });
  if (validator.recycler) for (const v of config.payout.recycle) validator.recycler.state.routes[String(v)] ??= 'payout';
  validator.start();
  let coins: CcTalkSimulator | undefined;
  let cPair: PtyPair | undefined;
  let cPort: ByteStream | undefined;
  if (o.coins.length > 0) {
    cPair = await PtyPair.create(dirs.workDir, 'coins');
    cPort = cPair.simEnd();
    await cPort.open();
    coins = new CcTalkSimulator(cPort, { coinIds: o.coins, statePath: join(dirs.stateDir, 'coins.json'), address: config.coinAcceptor?.address ?? 2 });
    coins.start();
  }
  let hoppers: HopperBusSim | undefined;
  let hPair: PtyPair | undefined;
  let hPort: ByteStream | undefined;
  if (config.hoppers) {
    hPair = await PtyPair.create(dirs.workDir, 'hoppers');
    hPort = hPair.simEnd();
    await hPort.open();
    const units = config.hoppers.units.map((u) => ({ address: u.address, value: u.value ?? 100, coinId: coinId(o.currency, u.value ?? 100) }));
    hoppers = new HopperBusSim(hPort, { hoppers: units, security: config.hoppers.security, stepMs: o.hopperStepMs, lowLevel: o.hopperLowLevel, statePath: join(dirs.stateDir, 'hoppers.json'), clock: dirs.clock });
    hoppers.start();
  }
  const parse = <K extends keyof typeof cashApi.sim>(cmd: K, input: unknown): z.output<(typeof cashApi.sim)[K]['input']> =>
    cashApi.sim[cmd].input.parse(input ?? {}) as z.output<(typeof cashApi.sim)[K]['input']>;
  const commands: Record<string, (input: unknown) => Promise<unknown>> = {
    'insert-note': async (i) => validator.insertNote(parse('insert-note', i).value),
    'insert-fake': async (i) => validator.insertNote(parse('insert-fake', i).fraud ? 'fraud' : 'fake'),
    'insert-coin': async (i) => {
      const { value, fake } = parse('insert-coin', i);
      if (!coins) throw new KioskError('NOT_SUPPORTED', 'no coin acceptor is simulated');
      return coins.insertCoin(fake || value === undefined ? 'fake' : value);
    },
    jam: async (i) => ({ jammed: validator.setJam(parse('jam', i).safe) }),
    'clear-jam': async (i) => ({ cleared: validator.clearJam(parse('clear-jam', i).to) }),
    'fill-cashbox': async () => {
      validator.setFull(true);
      return { full: true };
    },
    'remove-cashbox': async () => {
      validator.setPresent(false);
      return { present: false };
    },
    'replace-cashbox': async () => {
      validator.setPresent(true);
      return { present: true };
    },
    'power-cut': async (i) => {
      const { offMs, outcome } = parse('power-cut', i);
      return { state: validator.powerCut(offMs, outcome) };
    },
    'repeat-credit': async () => ({ armed: validator.repeatLastCredit() }),
    ...payoutSimCommands(validator, hoppers),
    stacked: async () => {
      const notes = [...validator.stacked];
      const taken = [...(coins?.coins ?? [])];
      return { notes, total: notes.reduce((a, b) => a + b, 0), coins: taken, coinsTotal: taken.reduce((a, b) => a + b, 0), phase: validator.currentPhase };
    },
  };
  return {
    validator, coins, hoppers, validatorPath: vPair.devicePath, coinPath: cPair?.devicePath, hopperPath: hPair?.devicePath, commands,
    async stop() {
      validator.stop();
      coins?.stop();
      hoppers?.stop();
      for (const port of [vPort, cPort, hPort]) await port?.close().catch(() => undefined);
      for (const pair of [vPair, cPair, hPair]) await pair?.close();
    },
  };
}

/** The driver config that points the driver at the simulators' PTYs. */
export function driverConfigFor(config: CashConfig, sims: Pick<CashSimulators, 'validatorPath' | 'coinPath' | 'hopperPath'>): CashConfig {
  const coinAcceptor = sims.coinPath
    ? cashConfigSchema.shape.coinAcceptor.unwrap().parse({ ...config.coinAcceptor, port: { path: sims.coinPath } })
    : config.coinAcceptor;
  const hoppers = config.hoppers && sims.hopperPath ? { ...config.hoppers, port: { path: sims.hopperPath, baudRate: 9600 } } : config.hoppers;
  return { ...config, simulate: true, validator: { ...config.validator, port: { path: sims.validatorPath, baudRate: 9600 } }, coinAcceptor, hoppers };
}

export async function startCashSimulator(config: CashConfig, deps: SimulatorDeps): Promise<SimulatorHandle<CashConfig>> {
  const sims = await startCashSimulators(config, deps);
  deps.log.info({ validator: sims.validatorPath, coins: sims.coinPath ?? null }, 'cash simulators running');
  return { driverConfig: driverConfigFor(config, sims), commands: sims.commands, stop: () => sims.stop() };
}
