/**
 * eSSP: the encrypted layer of SSP (GA138, "Encryption"), pure apart from the randomness it is given.
 *
 * Key: AES-128 whose low 8 bytes are the fixed key (set in the device, LE) and whose high 8 bytes are
 * the key negotiated by Diffie-Hellman (SET GENERATOR, SET MODULUS, REQUEST KEY EXCHANGE; all 64-bit
 * LE). An encrypted packet is the SSP data `7E | AES-ECB(eLENGTH | eCOUNT(4, LE) | eDATA | packing |
 * eCRC(2))`, padded with random packing to a multiple of 16 bytes; eCRC is the SSP CRC over everything
 * before it. eCOUNT counts encrypted packets: each side increments it after each packet it sends or
 * accepts, and refuses a packet whose count is not the one it expects (replay protection).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { crc16 } from './codec.js';

export const ESSP_STEX = 0x7e;
/** The fixed key every device ships with. Using it in production gives no protection. */
export const FACTORY_FIXED_KEY = '0123456701234567';

/** Read/write 64-bit little-endian integers, as SSP carries its key-exchange numbers. */
export function u64le(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  let v = value;
  for (let i = 0; i < 8; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function readU64le(bytes: Uint8Array, at = 0): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] ?? 0);
  return v;
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** Miller-Rabin with fixed bases: deterministic for every 64-bit number. */
export function isPrime64(n: bigint): boolean {
  if (n < 2n) return false;
  const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];
  for (const p of bases) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  outer: for (const a of bases) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

/** A random prime below 2^bits (GA138 asks for prime generator and modulus). */
export function randomPrime(random: (n: number) => Uint8Array, bits = 63): bigint {
  for (;;) {
    const candidate = (readU64le(random(8)) & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1)) | 1n;
    if (isPrime64(candidate)) return candidate;
  }
}

/** Parse a 16-hex-digit fixed key as written in config (most significant digit first). */
export function parseFixedKey(hex: string): bigint {
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new RangeError('the eSSP fixed key is 16 hex digits');
  return BigInt(`0x${hex}`);
}

export function aesKey(fixedKey: bigint, negotiated: bigint): Buffer {
  return Buffer.concat([u64le(fixedKey), u64le(negotiated)]);
}

function aes(key: Buffer, data: Uint8Array, encrypt: boolean): Uint8Array {
  const c = encrypt ? createCipheriv('aes-128-ecb', key, null) : createDecipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** Wrap plain SSP data (command or reply) into an encrypted packet's SSP data (starting with 7E). */
export function encryptPacket(key: Buffer, count: number, data: Uint8Array, random: (n: number) => Uint8Array): Uint8Array {
  const plainLength = 1 + 4 + data.length + 2;
  const packing = (16 - (plainLength % 16)) % 16;
  const plain = new Uint8Array(plainLength + packing);
  plain[0] = data.length;
  new DataView(plain.buffer).setUint32(1, count >>> 0, true);
  plain.set(data, 5);
  plain.set(random(packing).subarray(0, packing), 5 + data.length);
  const crc = crc16(plain.subarray(0, plain.length - 2));
  plain[plain.length - 2] = crc & 0xff;
  plain[plain.length - 1] = crc >> 8;
  const out = new Uint8Array(1 + plain.length);
  out[0] = ESSP_STEX;
  out.set(aes(key, plain, true), 1);
  return out;
}

export type DecryptResult = { ok: true; count: number; data: Uint8Array } | { ok: false; reason: 'format' | 'crc' };

/** Unwrap an encrypted packet's SSP data (starting with 7E); checks length and CRC, not the count. */
export function decryptPacket(key: Buffer, packet: Uint8Array): DecryptResult {
  const body = packet.subarray(1);
  if (packet[0] !== ESSP_STEX || body.length === 0 || body.length % 16 !== 0) return { ok: false, reason: 'format' };
  const plain = aes(key, body, false);
  const length = plain[0] ?? 0;
  if (7 + length > plain.length) return { ok: false, reason: 'format' };
  const crc = crc16(plain.subarray(0, plain.length - 2));
  if ((plain[plain.length - 2] ?? -1) !== (crc & 0xff) || (plain[plain.length - 1] ?? -1) !== crc >> 8) return { ok: false, reason: 'crc' };
  const count = new DataView(plain.buffer, plain.byteOffset).getUint32(1, true);
  return { ok: true, count, data: plain.slice(5, 5 + length) };
}

export function isEncrypted(data: Uint8Array): boolean {
  return data[0] === ESSP_STEX;
}
