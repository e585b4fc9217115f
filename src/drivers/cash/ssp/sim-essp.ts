/**
 * The device side of eSSP for the simulated validator: the key exchange commands, and unwrapping and
 * wrapping encrypted packets with the packet count the device expects (a wrong count or CRC is ignored,
 * as the device does).
 */
import { randomBytes } from 'node:crypto';
import { SspCommand, SspReply } from './commands.js';
import { aesKey, decryptPacket, encryptPacket, isEncrypted, modPow, parseFixedKey, readU64le, u64le } from './essp.js';

export class SimEssp {
  private generator = 0n;
  private modulus = 0n;
  private key: Buffer | undefined;
  private count = 0;

  constructor(private readonly fixedKey: string) {}

  reset(): void {
    this.key = undefined;
  }

  /** The command's plain data and whether it came encrypted; undefined: drop the packet. */
  unwrap(data: Uint8Array): { data: Uint8Array; encrypted: boolean } | undefined {
    if (!isEncrypted(data)) return { data, encrypted: false };
    const result = this.key ? decryptPacket(this.key, data) : undefined;
    if (!result?.ok || result.count !== this.count) return undefined;
    this.count++;
    return { data: result.data, encrypted: true };
  }

  wrap(reply: Uint8Array, encrypted: boolean): Uint8Array {
    if (!encrypted || !this.key) return reply;
    return encryptPacket(this.key, this.count++, reply, (n) => randomBytes(n));
  }

  /** SET GENERATOR, SET MODULUS, REQUEST KEY EXCHANGE; undefined for any other command. */
  handle(data: Uint8Array): Uint8Array | undefined {
    const ok = (...payload: number[]): Uint8Array => Uint8Array.of(SspReply.OK, ...payload);
    switch (data[0] ?? -1) {
      case SspCommand.SET_GENERATOR:
        this.generator = readU64le(data, 1);
        return ok();
      case SspCommand.SET_MODULUS:
        this.modulus = readU64le(data, 1);
        return ok();
      case SspCommand.REQUEST_KEY_EXCHANGE: {
        if (this.generator < 2n || this.modulus < 3n) return Uint8Array.of(SspReply.CANNOT_PROCESS);
        const secret = (readU64le(randomBytes(8)) % (this.modulus - 2n)) + 1n;
        const negotiated = modPow(readU64le(data, 1), secret, this.modulus);
        this.key = aesKey(parseFixedKey(this.fixedKey), negotiated);
        this.count = 0;
        return ok(...u64le(modPow(this.generator, secret, this.modulus)));
      }
      default:
        return undefined;
    }
  }
}
