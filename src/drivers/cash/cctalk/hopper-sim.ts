/**
 * Simulated ccTalk coin hoppers sharing one bus (each at its own address, one coin value each), echoing
 * every host byte like the single-wire bus. A hopper pays one coin per `stepMs`, counts them in its
 * REQUEST HOPPER STATUS (event counter, remaining, paid, unpaid) and in its lifetime dispense count,
 * which it keeps through power cuts (persisted with the coin level in `statePath`). A hopper cannot
 * weigh its coins: coins poured in (`pour`) are known to the host only through the technician's count.
 * Faults armed from `sim/` topics: a jam (the motor stops, the coin falls back), a short payout, running
 * empty, a power cut mid-dispense (status lost, dispense count kept).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { systemClock, type Clock, type Timer } from '../../../core/clock.js';
import type { ByteStream } from '../../../transports/byte-stream.js';
import { CCTALK_HOST, CcHeader, CcParser, encodeCcFrame, type CcFrame } from './codec.js';
import {
  CcPayoutHeader, encodeDispenseCount, encodeHighLow, encodeHopperStatus, HOPPER_ENABLE_CODE, HopperFlag, parseDispense, type HopperSecurity,
} from './hopper.js';

export interface HopperSimOptions {
  hoppers: readonly { address: number; coinId: string; value: number }[];
  security: HopperSecurity;
  stepMs: number;
  /** Under this many coins the low-level sensor shows "near empty". */
  lowLevel: number;
  statePath: string;
  clock?: Clock;
}

export type HopperFault = { fault: 'jam' | 'short' | 'empty' | 'power-cut'; after: number; offMs: number };

interface Persisted { hoppers: Record<string, { level: number; dispensed: number }> }

class SimHopper {
  eventCounter = 0;
  remaining = 0;
  paid = 0;
  unpaid = 0;
  enabled = false;
  flags: number = HopperFlag.POWER_UP_DETECTED;
  off = false;
  armed: HopperFault | undefined;
  timer: Timer | undefined;
  constructor(
    readonly address: number,
    readonly coinId: string,
    readonly value: number,
    readonly serial: Uint8Array,
    readonly rec: { level: number; dispensed: number },
  ) {}
}

export class HopperBusSim {
  private readonly parser: CcParser;
  private readonly hoppers: SimHopper[];
  private readonly state: Persisted;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly stream: ByteStream,
    private readonly options: HopperSimOptions,
  ) {
    this.state = existsSync(options.statePath) ? (JSON.parse(readFileSync(options.statePath, 'utf8')) as Persisted) : { hoppers: {} };
    this.hoppers = options.hoppers.map((h) => {
      const rec = (this.state.hoppers[String(h.address)] ??= { level: 0, dispensed: 0 });
      return new SimHopper(h.address, h.coinId, h.value, Uint8Array.of(h.address, 0x5a, 0x01), rec);
    });
    this.parser = new CcParser((dest) => this.hoppers.some((h) => h.address === dest));
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  start(): void {
    this.unsubscribe = this.stream.onData((chunk) => {
      this.stream.write(chunk).catch(() => undefined);
      for (const frame of this.parser.push(chunk)) this.onFrame(frame);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const h of this.hoppers) h.timer?.cancel();
  }

  private find(value: number | undefined): SimHopper | undefined {
    return value === undefined ? this.hoppers[0] : this.hoppers.find((h) => h.value === value);
  }

  /** A technician pours coins in (only their count tells the host). */
  pour(value: number, count: number): boolean {
    const h = this.find(value);
    if (!h) return false;
    h.rec.level += count;
    this.persist();
    return true;
  }

  arm(value: number | undefined, f: HopperFault): boolean {
    const h = this.find(value);
    if (!h) return false;
    h.armed = f;
    return true;
  }

  clearJam(value: number | undefined): boolean {
    const h = this.find(value);
    if (!h || (h.flags & HopperFlag.OPTO_PATH_BLOCKED) === 0) return false;
    h.flags &= ~HopperFlag.OPTO_PATH_BLOCKED;
    return true;
  }

  counts(): { address: number; value: number; level: number; dispensed: number }[] {
    return this.hoppers.map((h) => ({ address: h.address, value: h.value, level: h.rec.level, dispensed: h.rec.dispensed }));
  }

  private persist(): void {
    // Write-then-rename, as the other cash simulators: a kill -9 mid-write must not leave an empty file.
    const tmp = `${this.options.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.options.statePath);
  }

  private onFrame(frame: CcFrame): void {
    const h = this.hoppers.find((x) => x.address === frame.dest);
    if (!h || h.off || frame.src !== CCTALK_HOST) return;
    const reply = this.handle(h, frame);
    if (!reply) return;
    const header = reply === 'nak' ? CcHeader.NAK : CcHeader.ACK;
    const data = reply === 'nak' ? new Uint8Array() : reply;
    this.stream.write(encodeCcFrame({ dest: CCTALK_HOST, src: h.address, header, data })).catch(() => undefined);
  }

  private handle(h: SimHopper, frame: CcFrame): Uint8Array | 'nak' | undefined {
    const none = new Uint8Array();
    switch (frame.header) {
      case CcHeader.SIMPLE_POLL:
        return none;
      case CcHeader.REQUEST_EQUIPMENT_CATEGORY:
        return Uint8Array.from(Buffer.from('Payout', 'ascii'));
      case CcPayoutHeader.REQUEST_SERIAL_NUMBER:
        return h.serial;
      case CcPayoutHeader.REQUEST_HOPPER_COIN:
        return Uint8Array.from(Buffer.from(h.coinId, 'ascii'));
      case CcPayoutHeader.ENABLE_HOPPER:
        h.enabled = frame.data[0] === HOPPER_ENABLE_CODE;
        return none;
      case CcPayoutHeader.TEST_HOPPER: {
        const flags = h.flags | (h.enabled ? 0 : HopperFlag.PAYOUT_DISABLED);
        h.flags &= ~(HopperFlag.POWER_UP_DETECTED | HopperFlag.PAYOUT_TIMEOUT);
        return Uint8Array.of(flags);
      }
      case CcPayoutHeader.REQUEST_HOPPER_STATUS:
        return encodeHopperStatus(h);
      case CcPayoutHeader.REQUEST_HOPPER_DISPENSE_COUNT:
        return encodeDispenseCount(h.rec.dispensed);
      case CcPayoutHeader.REQUEST_PAYOUT_HIGH_LOW_STATUS:
        return encodeHighLow({ low: h.rec.level < this.options.lowLevel, high: false });
      case CcPayoutHeader.PUMP_RNG:
        return none;
      case CcPayoutHeader.REQUEST_CIPHER_KEY:
        return new Uint8Array(8);
      case CcPayoutHeader.EMERGENCY_STOP:
        h.timer?.cancel();
        h.unpaid += h.remaining;
        h.remaining = 0;
        return Uint8Array.of(h.unpaid);
      case CcPayoutHeader.DISPENSE_HOPPER_COINS:
        return this.dispense(h, frame.data);
      default:
        return undefined;
    }
  }

  private dispense(h: SimHopper, data: Uint8Array): Uint8Array | 'nak' {
    const d = parseDispense(data, this.options.security, h.serial);
    if (!d?.guarded || !h.enabled || h.remaining > 0 || (h.flags & HopperFlag.OPTO_PATH_BLOCKED) !== 0) return 'nak';
    h.eventCounter = h.eventCounter >= 255 ? 1 : h.eventCounter + 1;
    h.remaining = d.count;
    h.paid = 0;
    h.unpaid = 0;
    this.next(h);
    return Uint8Array.of(h.eventCounter);
  }

  private next(h: SimHopper): void {
    h.timer = this.clock.setTimeout(() => this.coin(h), this.options.stepMs);
  }

  private coin(h: SimHopper): void {
    const f = h.armed;
    if (f && h.paid >= f.after) {
      h.armed = undefined;
      if (f.fault === 'power-cut') return this.powerCut(h, f.offMs);
      if (f.fault === 'jam') h.flags |= HopperFlag.OPTO_PATH_BLOCKED;
      if (f.fault === 'empty') {
        // fewer coins were poured in than counted: the bowl is empty now
        h.rec.level = 0;
        this.persist();
        h.flags |= HopperFlag.PAYOUT_TIMEOUT;
      }
      return this.stopShort(h);
    }
    if (h.rec.level === 0) {
      h.flags |= HopperFlag.PAYOUT_TIMEOUT;
      return this.stopShort(h);
    }
    h.rec.level--;
    h.rec.dispensed++;
    this.persist();
    h.paid++;
    h.remaining--;
    if (h.remaining > 0) this.next(h);
  }

  private stopShort(h: SimHopper): void {
    h.unpaid += h.remaining;
    h.remaining = 0;
  }

  private powerCut(h: SimHopper, offMs: number): void {
    h.off = true;
    h.timer?.cancel();
    h.timer = this.clock.setTimeout(() => {
      h.off = false;
      h.eventCounter = 0;
      h.remaining = 0;
      h.paid = 0;
      h.unpaid = 0;
      h.enabled = false;
      h.flags = HopperFlag.POWER_UP_DETECTED;
    }, offMs);
  }
}
