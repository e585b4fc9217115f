/**
 * The host end of a ccTalk bus: one request at a time, its own echo skipped (frames not addressed to
 * the host), the reply checked for source and ACK, retried on timeout.
 */
import type { Clock } from '../../../core/clock.js';
import { KioskError } from '../../../core/errors.js';
import type { ByteStream } from '../../../core/transport.js';
import { CCTALK_HOST, CcHeader, CcParser, encodeCcFrame, type CcFrame } from './codec.js';

export interface CcLinkOptions {
  address: number;
  replyTimeoutMs: number;
  retries: number;
  /** Reply timeouts run on it. */
  clock: Clock;
}

export class CcLink {
  private readonly parser: CcParser;
  private waiting: ((frame: CcFrame) => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stream: ByteStream,
    private readonly options: CcLinkOptions,
  ) {
    this.parser = new CcParser((dest, src) => dest === CCTALK_HOST && src === options.address);
  }

  attach(): void {
    this.unsubscribe ??= this.stream.onData((chunk) => {
      for (const frame of this.parser.push(chunk)) {
        if (frame.dest === CCTALK_HOST && frame.src === this.options.address) this.waiting?.(frame);
      }
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Send a header with data; resolves with the ACK's data. CASH_NO_REPLY after all retries, PROTOCOL_ERROR on NAK. */
  request(header: number, data: Uint8Array = new Uint8Array()): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      const bytes = encodeCcFrame({ dest: this.options.address, src: CCTALK_HOST, header, data });
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        const reply = await this.once(bytes);
        if (!reply) continue;
        if (reply.header !== CcHeader.ACK) throw new KioskError('PROTOCOL_ERROR', `ccTalk header ${header} answered ${reply.header}`);
        return reply.data;
      }
      throw new KioskError('CASH_NO_REPLY', `no ccTalk reply to header ${header}`);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private once(bytes: Uint8Array): Promise<CcFrame | undefined> {
    return new Promise((resolve) => {
      this.parser.reset();
      const timer = this.options.clock.setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, this.options.replyTimeoutMs);
      this.waiting = (frame) => {
        timer.cancel();
        this.waiting = undefined;
        resolve(frame);
      };
      this.stream.write(bytes).catch(() => undefined);
    });
  }
}
