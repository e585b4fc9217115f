/**
 * The host end of an SSP link: one command at a time, the sequence flag, retransmission on timeout
 * (same flag: the device repeats its reply instead of acting twice), and the eSSP layer once a key is
 * negotiated. Speaks to the validator through any {@link ByteStream}.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import { KioskError } from '../../../core/errors.js';
import type { ByteStream } from '../../../core/transport.js';
import { encodeFrame, SspParser, type SspFrame } from './codec.js';
import { SspCommand, SspReply, replyName } from './commands.js';
import {
  aesKey, decryptPacket, encryptPacket, isEncrypted, modPow, parseFixedKey, randomPrime, readU64le, u64le,
} from './essp.js';

export interface SspLinkOptions {
  address: number;
  replyTimeoutMs: number;
  retries: number;
  /** Reply timeouts run on it. */
  clock: Clock;
}

export class SspLink {
  private readonly parser = new SspParser();
  private seq = true;
  private waiting: ((frame: SspFrame) => void) | undefined;
  private key: Buffer | undefined;
  private count = 0;
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stream: ByteStream,
    private readonly options: SspLinkOptions,
  ) {}

  attach(): void {
    this.unsubscribe ??= this.stream.onData((chunk) => {
      for (const frame of this.parser.push(chunk)) {
        if (frame.address === this.options.address) this.waiting?.(frame);
      }
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.waiting = undefined;
  }

  get encrypted(): boolean {
    return this.key !== undefined;
  }

  /** SYNC: resets the device's sequence flag; the key is forgotten (a new exchange follows). */
  async sync(): Promise<void> {
    this.key = undefined;
    this.seq = false; // toggled to true: SYNC always goes with the flag set (7F 80 01 11 ...)
    await this.command(Uint8Array.of(SspCommand.SYNC));
  }

  /**
   * Send a command and return the reply payload (after the generic reply byte). Throws KioskError
   * PROTOCOL_ERROR for a non-OK reply (code in details), CASH_NO_REPLY after all retries time out.
   */
  command(data: Uint8Array, opts: { plain?: boolean; allowed?: readonly number[] } = {}): Promise<Uint8Array> {
    const run = (): Promise<Uint8Array> => this.exchange(data, opts);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async exchange(data: Uint8Array, opts: { plain?: boolean; allowed?: readonly number[] }): Promise<Uint8Array> {
    this.seq = !this.seq;
    const key = opts.plain ? undefined : this.key;
    const payload = key ? encryptPacket(key, this.count++, data, (n) => randomBytes(n)) : data;
    const bytes = encodeFrame({ seq: this.seq, address: this.options.address, data: payload });
    let reply: SspFrame | undefined;
    for (let attempt = 0; attempt <= this.options.retries && !reply; attempt++) {
      reply = await this.once(bytes);
    }
    if (!reply) throw new KioskError('CASH_NO_REPLY', `no reply to SSP command 0x${(data[0] ?? 0).toString(16)}`);
    let plain = reply.data;
    if (key) {
      if (!isEncrypted(plain)) throw new KioskError('PROTOCOL_ERROR', 'plain reply to an encrypted command');
      const result = decryptPacket(key, plain);
      if (!result.ok || result.count !== this.count) {
        throw new KioskError('PROTOCOL_ERROR', `encrypted reply refused (${result.ok ? 'count' : result.reason})`);
      }
      this.count++;
      plain = result.data;
    }
    const code = plain[0] ?? 0;
    if (code !== SspReply.OK && !(opts.allowed ?? []).includes(code)) {
      if (code === SspReply.KEY_NOT_SET) this.key = undefined;
      throw new KioskError('PROTOCOL_ERROR', `SSP command 0x${(data[0] ?? 0).toString(16)} answered ${replyName(code)}`, { details: { reply: code } });
    }
    return plain.subarray(code === SspReply.OK ? 1 : 0);
  }

  private once(bytes: Uint8Array): Promise<SspFrame | undefined> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.waiting = undefined;
        this.parser.reset();
        resolve(undefined);
      }, this.options.replyTimeoutMs);
      this.waiting = (frame) => {
        if (frame.seq !== this.seq) return; // a late reply to an earlier command
        timer.cancel();
        this.waiting = undefined;
        resolve(frame);
      };
      this.stream.write(bytes).catch(() => undefined);
    });
  }

  /**
   * eSSP key exchange (GA138): random prime generator and modulus, Diffie-Hellman intermediate keys,
   * then every later command is encrypted with AES-128(fixed key | negotiated key).
   */
  async negotiateKey(fixedKeyHex: string): Promise<void> {
    const random = (n: number): Uint8Array => randomBytes(n);
    const generator = randomPrime(random);
    const modulus = randomPrime(random);
    const secret = (readU64le(random(8)) % (modulus - 2n)) + 1n;
    try {
      this.key = undefined;
      await this.command(Uint8Array.of(SspCommand.SET_GENERATOR, ...u64le(generator)));
      await this.command(Uint8Array.of(SspCommand.SET_MODULUS, ...u64le(modulus)));
      const reply = await this.command(Uint8Array.of(SspCommand.REQUEST_KEY_EXCHANGE, ...u64le(modPow(generator, secret, modulus))));
      if (reply.length < 8) throw new KioskError('CASH_KEY_EXCHANGE_FAILED', 'short key exchange reply');
      const negotiated = modPow(readU64le(reply), secret, modulus);
      this.key = aesKey(parseFixedKey(fixedKeyHex), negotiated);
      this.count = 0;
    } catch (err) {
      if (err instanceof KioskError && err.code === 'CASH_NO_REPLY') throw err;
      throw new KioskError('CASH_KEY_EXCHANGE_FAILED', undefined, { cause: err });
    }
  }
}
