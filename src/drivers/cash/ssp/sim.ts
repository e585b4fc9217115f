/**
 * A simulated SSP note validator (NV9/NV200 class) speaking real SSP/eSSP bytes on a ByteStream.
 *
 * A note's journey, one step per `stepMs`: reading (READ NOTE 0, repeated) -> escrow (READ NOTE ch) ->
 * the host's next POLL accepts it (HOLD keeps it, REJECT returns it, no command for `escrowTimeoutMs`
 * returns it) -> stacking (repeated) -> credit (the note is in the cashbox: counted and logged) ->
 * stacked. Conditions (jam, stacker full, cashbox removed) repeat in every poll reply while they last.
 * The stacked counter and log persist in `statePath`, so they outlive the process that drives the sim.
 *
 * Money events are delivered at least once, as a device that cannot know whether the host got its
 * reply does: a credit reported in a poll reply that no later poll acknowledged (the host died between
 * reading the reply and its next poll) is reported again after the host's next SYNC, and
 * `repeatLastCredit()` makes that happen on demand. A host must journal a credit once, whatever it hears.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Clock, Timer } from '../../../core/clock.js';
import type { ByteStream } from '../../../transports/byte-stream.js';
import { encodeFrame, SspParser, type SspFrame } from './codec.js';
import { channelsFromMask, encodeCounters, encodePollEvents, encodeSetup, SspCommand, SspReply, type SspEvent } from './commands.js';
import { aesKey, decryptPacket, encryptPacket, isEncrypted, modPow, parseFixedKey, readU64le, u64le } from './essp.js';

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
}

type Phase = 'idle' | 'reading' | 'escrow' | 'stacking' | 'rejecting' | 'jammed' | 'off';

interface Persisted { stacked: number[]; rejected: number }

export class SspSimulator {
  private readonly parser = new SspParser();
  private phase: Phase = 'idle';
  private channel = 0;
  private escrowReported = false;
  /** A note left escrow for the cashbox and has not been credited yet (stacking, or stuck in a jam). */
  private inTransit = false;
  /** A note offered while the previous one was finishing; inserted when the mechanism is idle. */
  private waiting: number | 'fake' | 'fraud' | undefined;
  private enabled = false;
  private inhibits = new Set<number>();
  private oneShots: SspEvent[] = [];
  private lastSeq: boolean | undefined;
  private lastReply: Uint8Array | undefined;
  /** Money events of the last poll reply, until a poll with the other sequence bit acknowledges them. */
  private unacked: SspEvent[] = [];
  private lastCredit: SspEvent | undefined;
  private repeatCredit = false;
  private timer: Timer | undefined;
  private escrowTimer: Timer | undefined;
  private lastReject = 0;
  private full = false;
  private present = true;
  private jam: 'safe' | 'unsafe' | undefined;
  private generator = 0n;
  private modulus = 0n;
  private key: Buffer | undefined;
  private count = 0;
  private readonly state: Persisted;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly stream: ByteStream,
    private readonly options: SspSimOptions,
  ) {
    this.state = existsSync(options.statePath) ? (JSON.parse(readFileSync(options.statePath, 'utf8')) as Persisted) : { stacked: [], rejected: 0 };
  }

  start(): void {
    this.unsubscribe = this.stream.onData((chunk) => {
      for (const frame of this.parser.push(chunk)) this.onFrame(frame);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.timer?.cancel();
    this.escrowTimer?.cancel();
  }

  /** Values (minor units) of every note that reached the cashbox, oldest first. */
  get stacked(): readonly number[] {
    return this.state.stacked;
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  private valueOf(channel: number): number {
    return (this.options.notes[channel - 1] ?? 0) * this.options.multiplier;
  }

  insertNote(value: number | 'fake' | 'fraud'): { taken: boolean; reason?: string } {
    if (this.phase === 'off') return { taken: false, reason: 'no power' };
    if (!this.enabled) return { taken: false, reason: 'validator disabled' };
    if ((this.phase === 'stacking' || this.phase === 'rejecting') && !this.waiting) {
      // the customer holds the next note at the slot until the mechanism is free
      this.waiting = value;
      return { taken: true };
    }
    if (this.phase !== 'idle') return { taken: false, reason: `validator busy (${this.phase})` };
    if (!this.present) return { taken: false, reason: 'cashbox removed' };
    if (this.full) return { taken: false, reason: 'stacker full' };
    const channel = typeof value === 'number' ? this.options.notes.findIndex((_, i) => this.valueOf(i + 1) === value) + 1 : 0;
    this.phase = 'reading';
    this.step(() => {
      if (value === 'fraud') {
        this.oneShots.push({ name: 'fraudAttempt', channel: 0 });
        return this.reject(0x0e);
      }
      if (channel === 0) return this.reject(0x02);
      if (!this.inhibits.has(channel)) return this.reject(0x06);
      this.phase = 'escrow';
      this.channel = channel;
      this.escrowReported = false;
      this.armEscrowTimeout();
    });
    return { taken: true };
  }

  private reject(code: number): void {
    this.escrowTimer?.cancel();
    this.lastReject = code;
    this.phase = 'rejecting';
    this.step(() => {
      this.oneShots.push({ name: 'rejected' });
      this.state.rejected++;
      this.persist();
      this.phase = 'idle';
      this.channel = 0;
      this.takeWaiting();
    });
  }

  private takeWaiting(): void {
    const next = this.waiting;
    this.waiting = undefined;
    if (next !== undefined) this.insertNote(next);
  }

  private accept(): void {
    this.escrowTimer?.cancel();
    this.phase = 'stacking';
    this.inTransit = true;
    this.step(() => {
      this.credit('credit');
      this.step(() => {
        this.oneShots.push({ name: 'stacked' });
        this.phase = 'idle';
        this.channel = 0;
        this.takeWaiting();
      });
    });
  }

  /** The note is past the point of no return: in the cashbox, counted, logged. */
  private credit(how: 'credit' | 'noteClearedIntoCashbox'): void {
    this.state.stacked.push(this.valueOf(this.channel));
    this.persist();
    this.lastCredit = { name: how, channel: this.channel };
    this.oneShots.push(this.lastCredit);
    this.inTransit = false;
  }

  /** At the host's next SYNC, report the last credit again (as after a reply the host never acknowledged). */
  repeatLastCredit(): boolean {
    this.repeatCredit = this.lastCredit !== undefined;
    return this.repeatCredit;
  }

  /** A SYNC: the host starts over; what it may not have seen is reported again. */
  private redeliver(): void {
    const again = [...this.unacked];
    if (this.repeatCredit && this.lastCredit && !again.includes(this.lastCredit)) again.push(this.lastCredit);
    this.repeatCredit = false;
    this.unacked = [];
    this.oneShots.unshift(...again);
  }

  private step(fn: () => void): void {
    this.timer?.cancel();
    this.timer = this.options.clock.setTimeout(() => {
      if (this.phase !== 'jammed' && this.phase !== 'off') fn();
    }, this.options.stepMs);
  }

  private armEscrowTimeout(): void {
    this.escrowTimer?.cancel();
    this.escrowTimer = this.options.clock.setTimeout(() => {
      if (this.phase === 'escrow') this.reject(0x13);
    }, this.options.escrowTimeoutMs);
  }

  setJam(safe: boolean): boolean {
    if (this.phase === 'off') return false;
    this.timer?.cancel();
    this.escrowTimer?.cancel();
    this.jam = safe ? 'safe' : 'unsafe';
    // a note in escrow or being read comes back out of the front when the jam is cleared
    if (!this.inTransit) this.channel = 0;
    this.phase = 'jammed';
    return true;
  }

  clearJam(to: 'cashbox' | 'front'): boolean {
    if (this.phase !== 'jammed') return false;
    if (this.inTransit) {
      if (to === 'cashbox') this.credit('noteClearedIntoCashbox');
      else this.oneShots.push({ name: 'noteClearedFromFront', channel: this.channel });
    }
    this.channel = 0;
    this.inTransit = false;
    this.jam = undefined;
    this.phase = 'idle';
    return true;
  }

  setFull(full: boolean): void {
    this.full = full;
  }

  setPresent(present: boolean): void {
    if (present && !this.present) {
      this.oneShots.push({ name: 'cashboxReplaced' });
      this.full = false;
    }
    this.present = present;
  }

  /** Power off now; back on after offMs like a reset device, reporting what became of a note in transit. */
  powerCut(offMs: number, outcome: 'cashbox' | 'front'): string {
    const was = this.phase;
    this.timer?.cancel();
    this.escrowTimer?.cancel();
    this.phase = 'off';
    this.options.clock.setTimeout(() => this.powerOn(was, outcome), offMs);
    return was;
  }

  private powerOn(was: Phase, outcome: 'cashbox' | 'front'): void {
    this.phase = 'idle';
    this.enabled = false;
    this.inhibits.clear();
    this.key = undefined;
    this.lastSeq = undefined;
    this.lastReply = undefined;
    this.oneShots = [{ name: 'slaveReset' }];
    this.unacked = [];
    this.parser.reset();
    if (this.channel > 0 && (this.inTransit || was === 'escrow')) {
      // past the escrow point the mechanism finishes the job on power-up; an escrowed note comes back
      if (this.inTransit && outcome === 'cashbox') this.credit('noteClearedIntoCashbox');
      else this.oneShots.push({ name: 'noteClearedFromFront', channel: this.channel });
    }
    this.channel = 0;
    this.inTransit = false;
    this.jam = undefined;
  }

  private persist(): void {
    // Write-then-rename: a device's own memory survives its host being killed mid-write (the checkout
    // kill loop found a kill -9 here leaving an empty file, and a simulator that could not start again).
    const tmp = `${this.options.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.options.statePath);
  }

  private onFrame(frame: SspFrame): void {
    if (this.phase === 'off' || frame.address !== (this.options.address ?? 0)) return;
    let data = frame.data;
    const isSync = data[0] === SspCommand.SYNC;
    if (!isSync && frame.seq === this.lastSeq && this.lastReply) {
      this.send(frame.seq, this.lastReply); // retransmission: repeat, never act twice
      return;
    }
    if (!isSync && frame.seq !== this.lastSeq) this.unacked = []; // a new command: the last reply arrived
    let encrypted = false;
    if (isEncrypted(data)) {
      const result = this.key ? decryptPacket(this.key, data) : undefined;
      if (!result?.ok || result.count !== this.count) return; // ignored, as the device does
      this.count++;
      data = result.data;
      encrypted = true;
    }
    let reply = this.handle(data);
    if (encrypted && this.key) reply = encryptPacket(this.key, this.count++, reply, (n) => randomBytes(n));
    this.lastSeq = frame.seq;
    this.lastReply = reply;
    this.send(frame.seq, reply);
  }

  private send(seq: boolean, data: Uint8Array): void {
    this.stream.write(encodeFrame({ seq, address: this.options.address ?? 0, data })).catch(() => undefined);
  }

  private handle(data: Uint8Array): Uint8Array {
    const ok = (...payload: number[]): Uint8Array => Uint8Array.of(SspReply.OK, ...payload);
    const cannot = Uint8Array.of(SspReply.CANNOT_PROCESS);
    switch (data[0] ?? -1) {
      case SspCommand.SYNC:
        this.redeliver();
        this.key = undefined;
        if (this.phase === 'escrow') this.escrowReported = false;
        return ok();
      case SspCommand.HOST_PROTOCOL_VERSION:
        return ok();
      case SspCommand.SETUP_REQUEST:
        return ok(...encodeSetup({ firmware: '0400', currency: this.options.currency, realValueMultiplier: this.options.multiplier, protocolVersion: 7, units: this.options.notes }));
      case SspCommand.SET_INHIBITS:
        this.inhibits = new Set(channelsFromMask(data.subarray(1, 3)));
        return ok();
      case SspCommand.ENABLE:
        this.enabled = true;
        return ok();
      case SspCommand.DISABLE:
        this.enabled = false;
        if (this.phase === 'reading') this.reject(0x0c);
        this.oneShots.push({ name: 'disabled' });
        return ok();
      case SspCommand.POLL:
        return ok(...this.poll());
      case SspCommand.HOLD:
        if (this.phase !== 'escrow') return cannot;
        this.armEscrowTimeout();
        return ok();
      case SspCommand.REJECT:
        if (this.phase !== 'escrow') return cannot;
        this.reject(0x08);
        return ok();
      case SspCommand.LAST_REJECT_CODE:
        return ok(this.lastReject);
      case SspCommand.GET_COUNTERS:
        return ok(...encodeCounters({ stacked: this.state.stacked.length, rejected: this.state.rejected }));
      case SspCommand.SET_GENERATOR:
        this.generator = readU64le(data, 1);
        return ok();
      case SspCommand.SET_MODULUS:
        this.modulus = readU64le(data, 1);
        return ok();
      case SspCommand.REQUEST_KEY_EXCHANGE: {
        if (this.generator < 2n || this.modulus < 3n) return cannot;
        const secret = (readU64le(randomBytes(8)) % (this.modulus - 2n)) + 1n;
        const negotiated = modPow(readU64le(data, 1), secret, this.modulus);
        this.key = aesKey(parseFixedKey(this.options.fixedKey), negotiated);
        this.count = 0;
        return ok(...u64le(modPow(this.generator, secret, this.modulus)));
      }
      default:
        return Uint8Array.of(SspReply.UNKNOWN_COMMAND);
    }
  }

  private poll(): Uint8Array {
    if (this.phase === 'escrow') {
      if (this.escrowReported) this.accept();
      else this.escrowReported = true;
    }
    const events = [...this.oneShots];
    this.oneShots = [];
    this.unacked = events.filter((e) => e.name === 'credit' || e.name === 'noteClearedIntoCashbox');
    if (this.phase === 'reading') events.push({ name: 'readNote', channel: 0 });
    if (this.phase === 'escrow') events.push({ name: 'readNote', channel: this.channel });
    if (this.phase === 'stacking') events.push({ name: 'stacking' });
    if (this.phase === 'rejecting') events.push({ name: 'rejecting' });
    if (this.jam) events.push({ name: this.jam === 'safe' ? 'safeJam' : 'unsafeJam' });
    if (this.full) events.push({ name: 'stackerFull' });
    if (!this.present) events.push({ name: 'cashboxRemoved' });
    return encodePollEvents(events);
  }
}
