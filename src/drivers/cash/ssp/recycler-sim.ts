/**
 * The payout module of the simulated SSP validator (SMART Payout class): notes stored per denomination,
 * routing, PAYOUT AMOUNT with the device's own choice of notes (largest first), one note per `stepMs`,
 * HALT, EMPTY ALL / SMART EMPTY, levels, and faults armed from `sim/` topics: a jam, a short payout, a
 * denomination found empty, a power cut mid-dispense (INCOMPLETE PAYOUT reported after the reset).
 * Stored and dispensed counts persist with the validator's state, so they outlive the driving process.
 */
import { systemClock, type Clock, type Timer } from '../../../core/clock.js';
import { SspReply, type SspEvent } from './commands.js';
import { encodeAllLevels, parseValueAt, PAYOUT_TEST, SspPayoutCommand, type SspLevel } from './payout.js';

export interface RecyclerState {
  /** Notes stored for payouts, by value (minor units, as a string key). */
  stored: Record<string, number>;
  routes: Record<string, 'payout' | 'cashbox'>;
  /** Every note this unit ever paid out, by value. */
  dispensed: Record<string, number>;
  /** Notes moved from the store to the cashbox (EMPTY ALL / SMART EMPTY). */
  transferred: Record<string, number>;
  /** A payout the power cut interrupted: reported as INCOMPLETE PAYOUT after the reset. */
  interrupted?: { paid: number; requested: number };
}

export type RecyclerFault = { fault: 'jam' | 'short' | 'empty' | 'power-cut'; after: number; offMs: number };

export interface RecyclerHost {
  readonly currency: string;
  /** Denominations the validator knows (minor units). */
  readonly values: readonly number[];
  readonly capacity: number;
  readonly stepMs: number;
  push(e: SspEvent): void;
  persist(): void;
  /** Power the whole validator off for `offMs` (a power cut mid-dispense). */
  powerCut(offMs: number): void;
  readonly clock?: Clock;
}

type Job = { kind: 'payout'; notes: number[]; requested: number; paid: number; done: number } | { kind: 'empty'; smart: boolean; moved: number };

export class RecyclerSim {
  enabled = false;
  private job: Job | undefined;
  private timer: Timer | undefined;
  private jam: { paid: number; requested: number } | undefined;
  private armed: RecyclerFault | undefined;

  constructor(
    private readonly host: RecyclerHost,
    readonly state: RecyclerState,
  ) {}

  private get clock(): Clock {
    return this.host.clock ?? systemClock;
  }

  get busy(): boolean {
    return this.job !== undefined || this.jam !== undefined;
  }

  count(value: number): number {
    return this.state.stored[String(value)] ?? 0;
  }

  total(): number {
    return Object.entries(this.state.stored).reduce((a, [v, n]) => a + Number(v) * n, 0);
  }

  /** A note accepted by the validator: stored if routed to payout and there is room. */
  store(value: number): boolean {
    const stored = Object.values(this.state.stored).reduce((a, b) => a + b, 0);
    if (!this.enabled || this.state.routes[String(value)] !== 'payout' || stored >= this.host.capacity) return false;
    this.state.stored[String(value)] = this.count(value) + 1;
    return true;
  }

  arm(f: RecyclerFault): void {
    this.armed = f;
  }

  clearJam(): boolean {
    if (this.jam === undefined) return false;
    // the technician takes the jammed note out: it was not paid
    const { paid, requested } = this.jam;
    this.jam = undefined;
    this.host.push({ name: 'incompletePayout', payout: { incomplete: [{ dispensed: paid, requested, currency: this.host.currency }] } });
    return true;
  }

  /** Power back: what an interrupted payout paid is reported once (GA138: INCOMPLETE PAYOUT). */
  powerOn(): void {
    this.enabled = false;
    this.timer?.cancel();
    this.job = undefined;
    this.jam = undefined;
    const i = this.state.interrupted;
    if (i) {
      this.host.push({ name: 'incompletePayout', payout: { incomplete: [{ dispensed: i.paid, requested: i.requested, currency: this.host.currency }] } });
      delete this.state.interrupted;
      this.host.persist();
    }
  }

  powerOff(): void {
    this.timer?.cancel();
    const job = this.job;
    if (job?.kind === 'payout') this.state.interrupted = { paid: job.paid, requested: job.requested };
    this.job = undefined;
    this.host.persist();
  }

  /** One command addressed to the payout module, or undefined when it is not one. */
  handle(data: Uint8Array, encrypted: boolean): Uint8Array | undefined {
    const ok = (...p: number[]): Uint8Array => Uint8Array.of(SspReply.OK, ...p);
    const cannot = (code: number): Uint8Array => Uint8Array.of(SspReply.CANNOT_PROCESS, code);
    const cmd = data[0];
    const guarded: number[] = [SspPayoutCommand.PAYOUT_AMOUNT, SspPayoutCommand.HALT_PAYOUT, SspPayoutCommand.EMPTY_ALL, SspPayoutCommand.SMART_EMPTY, SspPayoutCommand.FLOAT_AMOUNT];
    if (cmd !== undefined && guarded.includes(cmd) && !encrypted) return Uint8Array.of(SspReply.KEY_NOT_SET);
    switch (cmd ?? -1) {
      case SspPayoutCommand.ENABLE_PAYOUT_DEVICE:
        this.enabled = true;
        return ok();
      case SspPayoutCommand.DISABLE_PAYOUT_DEVICE:
        this.enabled = false;
        return ok();
      case SspPayoutCommand.GET_ALL_LEVELS:
        return ok(...encodeAllLevels(this.levels()));
      case SspPayoutCommand.SET_DENOMINATION_ROUTE: {
        const v = parseValueAt(data, 2);
        if (!v || v.currency !== this.host.currency || !this.host.values.includes(v.value)) return Uint8Array.of(SspReply.PARAMETER_OUT_OF_RANGE);
        this.state.routes[String(v.value)] = data[1] === 0 ? 'payout' : 'cashbox';
        this.host.persist();
        return ok();
      }
      case SspPayoutCommand.PAYOUT_AMOUNT: {
        const v = parseValueAt(data, 1);
        if (!v || data.length !== 9) return Uint8Array.of(SspReply.WRONG_PARAMETERS);
        if (!this.enabled) return cannot(4);
        if (this.busy) return cannot(3);
        const notes = this.choose(v.value);
        if (v.currency !== this.host.currency || v.value > this.total()) return cannot(1);
        if (!notes) return cannot(2);
        if (data[8] !== PAYOUT_TEST) this.startPayout(notes, v.value);
        return ok();
      }
      case SspPayoutCommand.HALT_PAYOUT:
        if (this.job?.kind !== 'payout') return cannot(0);
        this.timer?.cancel();
        this.host.push({ name: 'halted', payout: { values: [{ value: this.job.paid, currency: this.host.currency }] } });
        this.finishPayout();
        return ok();
      case SspPayoutCommand.EMPTY_ALL:
      case SspPayoutCommand.SMART_EMPTY:
        if (this.busy) return cannot(3);
        this.job = { kind: 'empty', smart: cmd === SspPayoutCommand.SMART_EMPTY, moved: 0 };
        this.step();
        return ok();
      case SspPayoutCommand.CASHBOX_PAYOUT_OPERATION_DATA:
        return ok(...encodeAllLevels(this.host.values.map((value) => ({ value, currency: this.host.currency, count: this.state.transferred[String(value)] ?? 0 }))), 0, 0, 0, 0);
      default:
        return undefined;
    }
  }

  /** Conditions repeated in every poll reply while they last. */
  conditions(): SspEvent[] {
    return this.jam ? [{ name: 'payoutJammed', payout: { values: [{ value: this.jam.paid, currency: this.host.currency }] } }] : [];
  }

  levels(): SspLevel[] {
    return this.host.values.map((value) => ({ value, currency: this.host.currency, count: this.count(value) }));
  }

  /** The device's own choice: largest notes first; undefined when the amount cannot be made exactly. */
  private choose(amount: number): number[] | undefined {
    const out: number[] = [];
    let left = amount;
    for (const value of [...this.host.values].sort((a, b) => b - a)) {
      for (let n = this.count(value); n > 0 && left >= value; n--) {
        out.push(value);
        left -= value;
      }
    }
    return left === 0 ? out : undefined;
  }

  private startPayout(notes: number[], requested: number): void {
    this.job = { kind: 'payout', notes, requested, paid: 0, done: 0 };
    this.step();
  }

  private step(): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => this.tick(), this.host.stepMs);
  }

  private tick(): void {
    const job = this.job;
    if (!job) return;
    if (job.kind === 'empty') return this.emptyStep(job);
    const value = job.notes[0];
    const f = this.armed;
    if (f && value !== undefined && job.done >= f.after) {
      this.armed = undefined;
      return this.fault(job, f, value);
    }
    if (value === undefined) {
      this.host.push({ name: 'dispensed', payout: { values: [{ value: job.paid, currency: this.host.currency }] } });
      this.finishPayout();
      return;
    }
    this.takeOut(value);
    job.notes.shift();
    job.paid += value;
    job.done++;
    this.host.push({ name: 'dispensing', payout: { values: [{ value: job.paid, currency: this.host.currency }] } });
    this.step();
  }

  private takeOut(value: number): void {
    this.state.stored[String(value)] = this.count(value) - 1;
    this.state.dispensed[String(value)] = (this.state.dispensed[String(value)] ?? 0) + 1;
    this.host.persist();
  }

  private fault(job: Extract<Job, { kind: 'payout' }>, f: RecyclerFault, value: number): void {
    const cur = this.host.currency;
    switch (f.fault) {
      case 'jam':
        // the note leaves the store and sticks in the path: not paid, not stored
        this.state.stored[String(value)] = this.count(value) - 1;
        this.host.persist();
        this.jam = { paid: job.paid, requested: job.requested };
        this.timer?.cancel();
        this.job = undefined;
        return;
      case 'short':
        this.host.push({ name: 'incompletePayout', payout: { incomplete: [{ dispensed: job.paid, requested: job.requested, currency: cur }] } });
        this.finishPayout();
        return;
      case 'empty':
        // the store held fewer notes of this value than it counted: it corrects its level
        this.state.stored[String(value)] = 0;
        this.host.persist();
        this.host.push({ name: 'incompletePayout', payout: { incomplete: [{ dispensed: job.paid, requested: job.requested, currency: cur }] } });
        this.finishPayout();
        return;
      case 'power-cut':
        this.host.powerCut(f.offMs);
        return;
    }
  }

  private finishPayout(): void {
    this.timer?.cancel();
    this.job = undefined;
  }

  private emptyStep(job: Extract<Job, { kind: 'empty' }>): void {
    const value = this.host.values.find((v) => this.count(v) > 0);
    const cur = this.host.currency;
    if (value === undefined) {
      this.job = undefined;
      this.host.push(job.smart ? { name: 'smartEmptied', payout: { values: [{ value: job.moved, currency: cur }] } } : { name: 'emptied' });
      return;
    }
    this.state.stored[String(value)] = this.count(value) - 1;
    this.state.transferred[String(value)] = (this.state.transferred[String(value)] ?? 0) + 1;
    job.moved += value;
    this.host.persist();
    this.host.push(job.smart ? { name: 'smartEmptying', payout: { values: [{ value: job.moved, currency: cur }] } } : { name: 'emptying' });
    this.step();
  }
}
