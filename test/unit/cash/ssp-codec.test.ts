import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16, encodeFrame, SspParser } from '../../../src/drivers/cash/ssp/codec.js';
import {
  channelsFromMask, encodeCounters, encodePollEvents, encodeSetup, inhibitMask, parseCounters, parsePollEvents, parseSetup,
} from '../../../src/drivers/cash/ssp/commands.js';
import {
  aesKey, decryptPacket, encryptPacket, isPrime64, modPow, parseFixedKey, randomPrime, FACTORY_FIXED_KEY,
} from '../../../src/drivers/cash/ssp/essp.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/cash/ssp-frames.json', import.meta.url), 'utf8')) as {
  frames: { name: string; hex: string; seq: boolean; data: string }[];
};

describe('SSP framing', () => {
  it('computes the published SYNC CRC (65 82)', () => {
    expect(crc16(hex('80 01 11'))).toBe(0x8265);
  });

  for (const f of fixture.frames) {
    it(`round-trips ${f.name} byte for byte`, () => {
      const frame = { seq: f.seq, address: 0, data: hex(f.data) };
      expect(Buffer.from(encodeFrame(frame)).toString('hex')).toBe(Buffer.from(hex(f.hex)).toString('hex'));
      const parsed = new SspParser().push(hex(f.hex));
      expect(parsed).toHaveLength(1);
      expect(parsed[0]).toEqual(frame);
    });
  }

  it('parses frames split at every byte and glued together, with noise in between', () => {
    const wire = [0x00, 0x13, ...hex('7F 00 03 02 7F 7F 00 2D 9A'), 0x55, ...hex('7F 80 01 F0 23 80'), ...hex('7F 00 02 F0 EB 7A 22')];
    const parser = new SspParser();
    const frames = wire.flatMap((b) => parser.push(Uint8Array.of(b)));
    expect(frames.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(['027f00', 'f0', 'f0eb']);
  });

  it('drops a frame with a bad CRC and recovers on the next one', () => {
    const parser = new SspParser();
    expect(parser.push(hex('7F 80 01 11 65 83 7F 80 01 F0 23 80'))).toHaveLength(1);
    expect(parser.crcErrors).toBe(1);
  });

  it('resynchronises on a lone 7F inside a truncated frame', () => {
    const parser = new SspParser();
    expect(parser.push(hex('7F 80 05 F0 7F 80 01 F0 23 80'))).toEqual([{ seq: true, address: 0, data: hex('F0') }]);
  });

  it('round-trips any frame, including 7F in the data and CRC', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 127 }), fc.uint8Array({ maxLength: 255 }), (seq, address, data) => {
        const parser = new SspParser();
        expect(parser.push(encodeFrame({ seq, address, data }))).toEqual([{ seq, address, data }]);
      }),
    );
  });

  it('survives 10,000 random byte streams without throwing, and still parses a frame after them', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const parser = new SspParser();
        for (const chunk of chunks) parser.push(chunk);
        parser.reset();
        expect(parser.push(hex('7F 80 01 F0 23 80'))).toHaveLength(1);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('SSP payload decoders on random bytes', () => {
  it('never throw on poll replies or encrypted packets, and SETUP REQUEST only with a RangeError', () => {
    const key = aesKey(1n, 2n);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const { events } = parsePollEvents(bytes);
        expect(events.length).toBeLessThanOrEqual(bytes.length);
        expect(() => decryptPacket(key, Uint8Array.of(0x7e, ...bytes))).not.toThrow();
        try {
          parseSetup(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('SSP commands and replies', () => {
  it('walks poll events with and without channel bytes', () => {
    const { events, unknown } = parsePollEvents(hex('F1 EF 03 CC EE 03 EB E3'));
    expect(unknown).toBeUndefined();
    expect(events).toEqual([
      { name: 'slaveReset' }, { name: 'readNote', channel: 3 }, { name: 'stacking' }, { name: 'credit', channel: 3 },
      { name: 'stacked' }, { name: 'cashboxRemoved' },
    ]);
    expect(encodePollEvents(events)).toEqual(hex('F1 EF 03 CC EE 03 EB E3'));
  });

  it('stops at an unknown event code and reports it', () => {
    expect(parsePollEvents(hex('CC 42 EB'))).toEqual({ events: [{ name: 'stacking' }], unknown: 0x42 });
    expect(parsePollEvents(hex('EF'))).toEqual({ events: [], unknown: 0xef });
  });

  it('reads channel values and currency from SETUP REQUEST, never assuming them', () => {
    const payload = encodeSetup({ firmware: '0400', currency: 'CHF', realValueMultiplier: 100, protocolVersion: 7, units: [10, 20, 50, 100, 200, 1000] });
    const setup = parseSetup(payload);
    expect(setup.currency).toBe('CHF');
    expect(setup.protocolVersion).toBe(7);
    expect(setup.channels.map((c) => c.value)).toEqual([1000, 2000, 5000, 10000, 20000, 100000]);
    expect(setup.channels[5]).toEqual({ channel: 6, value: 100000, currency: 'CHF' });
    expect(() => parseSetup(payload.subarray(0, 20))).toThrow(RangeError);
  });

  it('reads legacy (protocol < 6) channel values through the multipliers', () => {
    const p = hex('00 30 31 30 30 47 42 50 00 00 05 02 01 04 02 02 00 00 64 05');
    const setup = parseSetup(p);
    expect(setup.currency).toBe('GBP');
    expect(setup.channels.map((c) => c.value)).toEqual([500, 2000]);
  });

  it('builds inhibit masks (channels 1-16)', () => {
    expect(inhibitMask([1, 2, 3, 4, 5, 6, 7])).toEqual(hex('7F 00'));
    expect(inhibitMask([9, 16, 0, 17])).toEqual(hex('00 81'));
    expect(channelsFromMask(hex('05 01'))).toEqual([1, 3, 9]);
  });

  it('round-trips GET COUNTERS', () => {
    expect(parseCounters(encodeCounters({ stacked: 0x1234567, rejected: 3 }))).toMatchObject({ stacked: 0x1234567, rejected: 3 });
  });
});

describe('eSSP', () => {
  it('agrees on a key by Diffie-Hellman', () => {
    const g = randomPrime((n) => randomBytes(n));
    const p = randomPrime((n) => randomBytes(n));
    expect(isPrime64(g) && isPrime64(p)).toBe(true);
    const a = 123456789n;
    const b = 987654321n;
    expect(modPow(modPow(g, b, p), a, p)).toBe(modPow(modPow(g, a, p), b, p));
  });

  it('encrypts and decrypts packets of any length with count and CRC', () => {
    const key = aesKey(parseFixedKey(FACTORY_FIXED_KEY), 0x1122334455667788n);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (data, count) => {
        const packet = encryptPacket(key, count, data, (n) => randomBytes(n));
        expect((packet.length - 1) % 16).toBe(0);
        expect(decryptPacket(key, packet)).toEqual({ ok: true, count, data });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a packet under another key or with a bit flipped', () => {
    const key = aesKey(1n, 2n);
    const packet = encryptPacket(key, 7, hex('07'), (n) => randomBytes(n));
    expect(decryptPacket(aesKey(1n, 3n), packet).ok).toBe(false);
    packet[5] = (packet[5] ?? 0) ^ 1;
    expect(decryptPacket(key, packet).ok).toBe(false);
    expect(() => parseFixedKey('xyz')).toThrow(RangeError);
  });
});
