/** `sim/cash/request/...` controls of the simulated recycler and hoppers (faults, pouring coins, their own counts). */
import type { z } from 'zod';
import { KioskError } from '../../core/errors.js';
import { payoutSim } from './api-payout.js';
import type { HopperBusSim } from './cctalk/hopper-sim.js';
import type { SspSimulator } from './ssp/sim.js';

type In<K extends keyof typeof payoutSim> = z.output<(typeof payoutSim)[K]['input']>;
const parse = <K extends keyof typeof payoutSim>(cmd: K, input: unknown): In<K> => payoutSim[cmd].input.parse(input ?? {}) as In<K>;

/** A coin id a simulated hopper reports for its value, e.g. EU100A (ccTalk: country, 3-character value, issue). */
export function coinId(currency: string, value: number): string {
  const code = value < 1000 ? String(value).padStart(3, '0') : `${Math.floor(value / 1000)}K${Math.floor((value % 1000) / 100)}`;
  return `${currency.slice(0, 2)}${code}A`;
}

export function payoutSimCommands(validator: SspSimulator, hoppers: HopperBusSim | undefined): Record<string, (input: unknown) => Promise<unknown>> {
  const hopperSim = (): HopperBusSim => {
    if (!hoppers) throw new KioskError('NOT_SUPPORTED', 'no hopper is simulated');
    return hoppers;
  };
  return {
    'payout-fault': async (i) => {
      const { unit, value, fault, after, offMs } = parse('payout-fault', i);
      if (unit === 'hopper') return { armed: hopperSim().arm(value, { fault, after, offMs }) };
      if (!validator.recycler) throw new KioskError('NOT_SUPPORTED', 'no recycler is simulated');
      validator.recycler.arm({ fault, after, offMs });
      return { armed: true };
    },
    'clear-payout-fault': async (i) => {
      const { unit, value } = parse('clear-payout-fault', i);
      return { cleared: unit === 'hopper' ? hopperSim().clearJam(value) : (validator.recycler?.clearJam() ?? false) };
    },
    'pour-coins': async (i) => {
      const { value, count } = parse('pour-coins', i);
      return { poured: hopperSim().pour(value, count) };
    },
    'payout-counts': async () => {
      const r = validator.recycler?.state;
      const hs = hoppers?.counts() ?? [];
      const notesOut = Object.entries(r?.dispensed ?? {}).reduce((a, [v, n]) => a + Number(v) * n, 0);
      return {
        stored: { ...(r?.stored ?? {}) }, notesDispensed: { ...(r?.dispensed ?? {}) }, hoppers: hs,
        paidOutTotal: notesOut + hs.reduce((a, h) => a + h.value * h.dispensed, 0),
      };
    },
  };
}
