/**
 * SSP payout commands, replies and eSSP encryption against a third-party implementation: the npm
 * package `encrypted-smiley-secure-protocol` 0.0.11 (dev dependency, its own GA138 reading, aes-js for
 * AES). Our encoders must produce its bytes; its encrypted packets must decrypt with our eSSP layer and
 * ours with its; its decoders must read our GET ALL LEVELS and single-currency payout events as we do.
 * 2,000 random cases per property.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SspParser } from '../../src/drivers/cash/ssp/codec.js';
import { encodePollEvents } from '../../src/drivers/cash/ssp/commands.js';
import { aesKey, decryptPacket, encryptPacket, parseFixedKey } from '../../src/drivers/cash/ssp/essp.js';
import {
  encodeAllLevels, encodeFloatAmount, encodePayoutAmount, encodePayoutByDenomination, encodeSetRoute, encodeValueQuery, SspPayoutCommand,
} from '../../src/drivers/cash/ssp/payout.js';

const require = createRequire(import.meta.url);
type Args = Record<string, unknown>;
const utils = require('encrypted-smiley-secure-protocol/src/utils.js') as {
  argsToByte(command: string, args: Args, protocol: number): number[];
  parseData(data: number[], command: string, protocol: number, unitType: string | null): { success: boolean; info: unknown };
  CRC16(bytes: number[]): number[];
};
const commands = require('encrypted-smiley-secure-protocol/src/command.js') as Record<string, { code: number }>;
const SSP = require('encrypted-smiley-secure-protocol') as new (p: Args) => {
  keys: Record<string, unknown>; currentCommand: string | null; sequence: number; protocol_version: number;
  createHostEncryptionKeys(data: Buffer): void; getPacket(command: string, args: number[]): Buffer; parsePacket(buffer: Buffer): { success: boolean; info: unknown };
};

const RUNS = 2000;
const amount = fc.nat(0x7fffffff); // the oracle writes values as signed 32-bit
const currency = fc.constantFrom('EUR', 'AED', 'GBP', 'RUB');
const rest = (b: Uint8Array): number[] => [...b.subarray(1)];

describe('SSP payout commands: our bytes are the oracle\'s', () => {
  it('command codes', () => {
    for (const [name, code] of Object.entries(SspPayoutCommand)) expect(commands[name]?.code, name).toBe(code);
  });

  it('PAYOUT AMOUNT, FLOAT AMOUNT, SET DENOMINATION ROUTE, GET DENOMINATION LEVEL, PAYOUT BY DENOMINATION (protocol 7)', () => {
    fc.assert(fc.property(amount, fc.nat(0x7fff), currency, fc.boolean(), fc.constantFrom<'payout' | 'cashbox'>('payout', 'cashbox'), (a, min, c, test, route) => {
      expect(rest(encodePayoutAmount(a, c, test))).toEqual(utils.argsToByte('PAYOUT_AMOUNT', { amount: a, country_code: c, test }, 7));
      expect(rest(encodeFloatAmount(min, a, c, test))).toEqual(utils.argsToByte('FLOAT_AMOUNT', { min_possible_payout: min, amount: a, country_code: c, test }, 7));
      expect(rest(encodeSetRoute(route, a, c))).toEqual(utils.argsToByte('SET_DENOMINATION_ROUTE', { route, value: a, country_code: c }, 7));
      expect(rest(encodeValueQuery(SspPayoutCommand.GET_DENOMINATION_LEVEL, a, c))).toEqual(utils.argsToByte('GET_DENOMINATION_LEVEL', { amount: a, country_code: c }, 7));
    }), { numRuns: RUNS });
    fc.assert(fc.property(fc.array(fc.record({ count: fc.nat(0x7fff), value: amount, currency }), { maxLength: 8 }), fc.boolean(), (lines, test) => {
      const theirs = utils.argsToByte('PAYOUT_BY_DENOMINATION', { value: lines.map((l) => ({ number: l.count, denomination: l.value, country_code: l.currency })), test }, 7);
      expect(rest(encodePayoutByDenomination(lines, test))).toEqual(theirs);
    }), { numRuns: RUNS });
  });
});

describe('SSP payout replies: the oracle reads ours as we do', () => {
  it('GET ALL LEVELS', () => {
    fc.assert(fc.property(fc.array(fc.record({ count: fc.nat(0x7fff), value: amount, currency }), { minLength: 1, maxLength: 12 }), (levels) => {
      const r = utils.parseData([0xf0, ...encodeAllLevels(levels)], 'GET_ALL_LEVELS', 7, null) as { info: { counter: Record<string, { denomination_level: number; value: number; country_code: string }> } };
      expect(Object.values(r.info.counter).map((x) => ({ count: x.denomination_level, value: x.value, currency: x.country_code }))).toEqual(levels);
    }), { numRuns: RUNS });
  });

  it('DISPENSING / DISPENSED / JAMMED / HALTED with one currency', () => {
    const names = { dispensing: 'DISPENSING', dispensed: 'DISPENSED', payoutJammed: 'JAMMED', halted: 'HALTED' } as const;
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(names) as (keyof typeof names)[])), amount, currency, (name, v, c) => {
      const bytes = encodePollEvents([{ name, payout: { values: [{ value: v, currency: c }] } }]);
      const r = utils.parseData([0xf0, ...bytes], 'POLL', 7, null) as { info: { name: string; value: { value: number; country_code: string }[] }[] };
      expect(r.info[0]).toMatchObject({ name: names[name], value: [{ value: v, country_code: c }] });
    }), { numRuns: RUNS });
  });
});

describe('eSSP: the oracle\'s encrypted packets and ours decrypt on both sides', () => {
  const fixedKey = '0123456701234567';
  /** An oracle host whose key exchange gave `negotiated` (its own formula: slave^hostRandom mod modulus). */
  const oracleWithKey = (slave: bigint, hostRandom: bigint, modulus: bigint) => {
    const ssp = new SSP({ fixedKey });
    Object.assign(ssp.keys, { hostRandom, modulusKey: modulus, key: null });
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(slave);
    ssp.createHostEncryptionKeys(b);
    return { ssp, negotiated: (slave ** hostRandom) % modulus };
  };

  it('a payout command the oracle encrypts decrypts with our eSSP layer to our bytes', () => {
    fc.assert(fc.property(amount, currency, fc.bigInt(2n, 60_000n), fc.bigInt(2n, 40n), (a, c, slave, hostRandom) => {
      const { ssp, negotiated } = oracleWithKey(slave, hostRandom, 65_521n);
      const frame = new SspParser().push(new Uint8Array(ssp.getPacket('PAYOUT_AMOUNT', utils.argsToByte('PAYOUT_AMOUNT', { amount: a, country_code: c, test: false }, 7))))[0];
      expect(frame).toBeDefined();
      const plain = decryptPacket(aesKey(parseFixedKey(fixedKey), negotiated), frame!.data);
      expect(plain).toMatchObject({ ok: true, count: 0 });
      expect([...(plain.ok ? plain.data : [])]).toEqual([...encodePayoutAmount(a, c)]);
    }), { numRuns: RUNS / 4 });
  });

  it('a reply we encrypt, the oracle decrypts and reads', () => {
    fc.assert(fc.property(fc.array(fc.record({ count: fc.nat(0x7fff), value: amount, currency }), { minLength: 1, maxLength: 6 }), fc.bigInt(2n, 60_000n), fc.bigInt(2n, 40n), fc.nat(1000), (levels, slave, hostRandom, count) => {
      const { ssp, negotiated } = oracleWithKey(slave, hostRandom, 65_521n);
      ssp.currentCommand = 'GET_ALL_LEVELS';
      const data = encryptPacket(aesKey(parseFixedKey(fixedKey), negotiated), count, Uint8Array.from([0xf0, ...encodeAllLevels(levels)]), (n) => randomBytes(n));
      // the oracle's parsePacket takes a frame its stream parser already unstuffed; its own CRC16 checks it
      const body = [0x80, data.length, ...data];
      const r = ssp.parsePacket(Buffer.from([0x7f, ...body, ...utils.CRC16(body)])) as { success: boolean; info: { counter: Record<string, { value: number }> } };
      expect(r.success).toBe(true);
      expect(Object.values(r.info.counter).map((x) => x.value)).toEqual(levels.map((l) => l.value));
    }), { numRuns: RUNS / 4 });
  });
});
