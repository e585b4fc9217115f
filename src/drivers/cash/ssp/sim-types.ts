/** Options and persisted state of the simulated SSP validator (sim.ts). */
import type { Clock } from '../../../core/clock.js';
import type { RecyclerState } from './recycler-sim.js';

export interface SspSimOptions {
  currency: string;
  /** Channel values in whole units. */
  notes: readonly number[];
  multiplier: number;
  stepMs: number;
  escrowTimeoutMs: number;
  fixedKey: string;
  /** JSON file keeping counters and the stacked log across restarts. */
  statePath: string;
  address?: number;
  /** The mechanism's steps, the escrow timeout and power cuts run on it. */
  clock: Clock;
  /** A payout module (SMART Payout class): note capacity and the float it starts with (value -> count). */
  payout?: { capacity: number; float: Record<string, number> };
}

export type Phase = 'idle' | 'reading' | 'escrow' | 'stacking' | 'rejecting' | 'jammed' | 'off';

/** `stacked`: every note taken, oldest first (cashbox or store); `stored`: how many of them went to the store. */
export interface Persisted { stacked: number[]; rejected: number; stored?: number; recycler?: RecyclerState }


/** GET COUNTERS: notes to the cashbox, to the store, paid out, moved store -> cashbox, rejected. */
export function countersOf(state: Persisted): { stacked: number; stored: number; dispensed: number; transferred: number; rejected: number } {
  const stored = state.stored ?? 0;
  const sum = (r: Record<string, number> | undefined): number => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
  const r = state.recycler;
  return { stacked: state.stacked.length - stored, stored, dispensed: sum(r?.dispensed), transferred: sum(r?.transferred), rejected: state.rejected };
}
