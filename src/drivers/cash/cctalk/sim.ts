/**
 * A simulated ccTalk coin acceptor on a ByteStream. Like the real single-wire bus it echoes every byte
 * the host sends before answering. Coins it takes are logged in `statePath` (they outlive the process
 * driving the sim); its event counter, like a real acceptor's, restarts from 0 only at power-up.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ByteStream } from '../../../transports/byte-stream.js';
import {
  CCTALK_HOST, CcHeader, CcParser, encodeCcFrame, encodeCreditBuffer, parseCoinId, type CcBufferedEvent, type CcFrame,
} from './codec.js';

export interface CcTalkSimOptions {
  coinIds: readonly string[];
  statePath: string;
  address?: number;
}

interface Persisted { coins: number[] }

export class CcTalkSimulator {
  private readonly parser: CcParser;
  private counter = 0;
  private buffer: CcBufferedEvent[] = [];
  private inhibitMask = 0;
  private masterEnabled = false;
  private readonly state: Persisted;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly stream: ByteStream,
    private readonly options: CcTalkSimOptions,
  ) {
    this.parser = new CcParser((dest) => dest === this.address);
    this.state = existsSync(options.statePath) ? (JSON.parse(readFileSync(options.statePath, 'utf8')) as Persisted) : { coins: [] };
  }

  private get address(): number {
    return this.options.address ?? 2;
  }

  start(): void {
    this.unsubscribe = this.stream.onData((chunk) => {
      // the single wire: the host hears its own bytes
      this.stream.write(chunk).catch(() => undefined);
      for (const frame of this.parser.push(chunk)) this.onFrame(frame);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  get coins(): readonly number[] {
    return this.state.coins;
  }

  insertCoin(value: number | 'fake'): { taken: boolean; reason?: string } {
    const position = value === 'fake' ? 0 : this.options.coinIds.findIndex((id) => parseCoinId(Buffer.from(id, 'ascii'))?.value === value) + 1;
    if (position === 0) {
      this.event({ kind: 'error', code: 1 });
      return { taken: false, reason: 'reject coin' };
    }
    if (!this.masterEnabled || !((this.inhibitMask >> (position - 1)) & 1)) {
      this.event({ kind: 'error', code: 2 });
      return { taken: false, reason: 'inhibited coin' };
    }
    this.state.coins.push(value as number);
    // Write-then-rename: a device's own memory survives its host being killed mid-write (the checkout
    // kill loop found a kill -9 here leaving an empty file, and a simulator that could not start again).
    const tmp = `${this.options.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.options.statePath);
    this.event({ kind: 'coin', position, sorter: 1 });
    return { taken: true };
  }

  private event(e: CcBufferedEvent): void {
    this.counter = this.counter >= 255 ? 1 : this.counter + 1;
    this.buffer = [e, ...this.buffer].slice(0, 5);
  }

  private onFrame(frame: CcFrame): void {
    if (frame.dest !== this.address || frame.src !== CCTALK_HOST) return;
    const reply = this.handle(frame);
    if (!reply) return;
    this.stream.write(encodeCcFrame({ dest: CCTALK_HOST, src: this.address, header: CcHeader.ACK, data: reply })).catch(() => undefined);
  }

  private handle(frame: CcFrame): Uint8Array | undefined {
    const none = new Uint8Array();
    switch (frame.header) {
      case CcHeader.SIMPLE_POLL:
        return none;
      case CcHeader.REQUEST_EQUIPMENT_CATEGORY:
        return Uint8Array.from(Buffer.from('Coin Acceptor', 'ascii'));
      case CcHeader.READ_BUFFERED_CREDIT:
        return encodeCreditBuffer({ counter: this.counter, events: this.buffer });
      case CcHeader.MODIFY_INHIBIT_STATUS:
        this.inhibitMask = (frame.data[0] ?? 0) | ((frame.data[1] ?? 0) << 8);
        return none;
      case CcHeader.REQUEST_INHIBIT_STATUS:
        return Uint8Array.of(this.inhibitMask & 0xff, this.inhibitMask >> 8);
      case CcHeader.MODIFY_MASTER_INHIBIT:
        this.masterEnabled = ((frame.data[0] ?? 0) & 1) === 1;
        return none;
      case CcHeader.REQUEST_MASTER_INHIBIT:
        return Uint8Array.of(this.masterEnabled ? 1 : 0);
      case CcHeader.REQUEST_COIN_ID: {
        const id = this.options.coinIds[(frame.data[0] ?? 0) - 1] ?? '......';
        return Uint8Array.from(Buffer.from(id, 'ascii'));
      }
      default:
        return undefined; // unknown headers get no reply, as on a real bus
    }
  }
}
