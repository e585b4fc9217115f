/**
 * The wire side of the simulated SSP validator: frames in and out, the sequence flag (a retransmission
 * gets the last reply again, never a second action), the eSSP layer, and at-least-once delivery of
 * money events: credits of a poll reply that no later poll acknowledged are reported again after the
 * host's next SYNC, as a device that cannot know whether the host got its reply does.
 */
import type { ByteStream } from '../../../transports/byte-stream.js';
import { encodeFrame, SspParser, type SspFrame } from './codec.js';
import { SspCommand, type SspEvent } from './commands.js';
import { SimEssp } from './sim-essp.js';

export abstract class SspSimWire {
  private readonly parser = new SspParser();
  /** Events for the next poll reply. */
  protected oneShots: SspEvent[] = [];
  private lastSeq: boolean | undefined;
  private lastReply: Uint8Array | undefined;
  /** Money events of the last poll reply, until a poll with the other sequence bit acknowledges them. */
  protected unacked: SspEvent[] = [];
  protected lastCredit: SspEvent | undefined;
  private repeatCredit = false;
  protected readonly essp: SimEssp;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly stream: ByteStream,
    private readonly address: number,
    fixedKey: string,
  ) {
    this.essp = new SimEssp(fixedKey);
  }

  start(): void {
    this.unsubscribe = this.stream.onData((chunk) => {
      for (const frame of this.parser.push(chunk)) this.onFrame(frame);
    });
  }

  protected detach(): void {
    this.unsubscribe?.();
  }

  /** The device answers nothing while this is false (no power). */
  protected abstract get powered(): boolean;

  /** One command (plain data) and its reply. */
  protected abstract handle(data: Uint8Array, encrypted: boolean): Uint8Array;

  /** At the host's next SYNC, report the last credit again (as after a reply the host never acknowledged). */
  repeatLastCredit(): boolean {
    this.repeatCredit = this.lastCredit !== undefined;
    return this.repeatCredit;
  }

  /** A SYNC: the host starts over; what it may not have seen is reported again. */
  protected redeliver(): void {
    const again = [...this.unacked];
    if (this.repeatCredit && this.lastCredit && !again.includes(this.lastCredit)) again.push(this.lastCredit);
    this.repeatCredit = false;
    this.unacked = [];
    this.oneShots.unshift(...again);
  }

  /** Power-up: sequence, key and partial frames are forgotten. */
  protected resetWire(): void {
    this.essp.reset();
    this.lastSeq = undefined;
    this.lastReply = undefined;
    this.unacked = [];
    this.parser.reset();
  }

  private onFrame(frame: SspFrame): void {
    if (!this.powered || frame.address !== this.address) return;
    const isSync = frame.data[0] === SspCommand.SYNC;
    if (!isSync && frame.seq === this.lastSeq && this.lastReply) {
      this.send(frame.seq, this.lastReply); // retransmission: repeat, never act twice
      return;
    }
    if (!isSync && frame.seq !== this.lastSeq) this.unacked = []; // a new command: the last reply arrived
    const plain = this.essp.unwrap(frame.data);
    if (!plain) return; // ignored, as the device does
    const reply = this.essp.wrap(this.handle(plain.data, plain.encrypted), plain.encrypted);
    this.lastSeq = frame.seq;
    this.lastReply = reply;
    this.send(frame.seq, reply);
  }

  private send(seq: boolean, data: Uint8Array): void {
    this.stream.write(encodeFrame({ seq, address: this.address, data })).catch(() => undefined);
  }
}
