/** The ccTalk coin acceptor as the driver sees it: coin table from the device, inhibits, buffered credits. */
import { CcHeader, newEvents, parseCoinId, parseCreditBuffer, type CcBufferedEvent } from './cctalk/codec.js';
import type { CcLink } from './cctalk/link.js';

export interface CoinPosition {
  position: number;
  value: number;
  country: string;
}

export class CoinAcceptor {
  coins: CoinPosition[] = [];
  private mask = -1;
  private master: boolean | undefined;

  constructor(private readonly link: CcLink) {}

  /** Poll, read the 16 coin ids (values come from the device), inhibit everything. */
  async connect(): Promise<CoinPosition[]> {
    await this.link.request(CcHeader.SIMPLE_POLL);
    const coins: CoinPosition[] = [];
    for (let position = 1; position <= 16; position++) {
      const id = parseCoinId(await this.link.request(CcHeader.REQUEST_COIN_ID, Uint8Array.of(position)));
      if (id) coins.push({ position, value: id.value, country: id.country });
    }
    this.coins = coins;
    this.mask = -1;
    this.master = undefined;
    await this.accept([]);
    return coins;
  }

  /** The acceptor reset itself (its inhibits are back to default): send ours again on the next `accept`. */
  forgetInhibits(): void {
    this.mask = -1;
    this.master = undefined;
  }

  /** Accept exactly these positions (none: master inhibit on). Only talks to the device on a change. */
  async accept(positions: readonly number[]): Promise<void> {
    const mask = positions.reduce((m, p) => m | (1 << (p - 1)), 0);
    if (mask !== this.mask) {
      await this.link.request(CcHeader.MODIFY_INHIBIT_STATUS, Uint8Array.of(mask & 0xff, (mask >> 8) & 0xff));
      this.mask = mask;
    }
    const master = mask !== 0;
    if (master !== this.master) {
      await this.link.request(CcHeader.MODIFY_MASTER_INHIBIT, Uint8Array.of(master ? 1 : 0));
      this.master = master;
    }
  }

  /** Events since `lastCounter`, oldest first, with the new counter. */
  async read(lastCounter: number | null): Promise<{ counter: number; events: CcBufferedEvent[]; lost: number; reset: boolean }> {
    const buffer = parseCreditBuffer(await this.link.request(CcHeader.READ_BUFFERED_CREDIT));
    return { counter: buffer.counter, ...newEvents(lastCounter, buffer) };
  }

  valueOf(position: number): number {
    return this.coins.find((c) => c.position === position)?.value ?? 0;
  }
}
