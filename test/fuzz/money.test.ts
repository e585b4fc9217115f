/**
 * Fuzzing the money devices' wire decoders — SSP/eSSP (note validator), ccTalk (coin acceptor), ZVT
 * (card terminal: serial DLE framing, APDUs, BMPs, TLV) — with valid frames mixed with junk, flipped
 * bytes and arbitrary cuts: no crash (only the codec's own documented errors), no hang, bounded heap,
 * and every intact frame still decoded. 10,000 cases per decoder (FUZZ_RUNS to change).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeFrame as encodeSsp, SspParser } from '../../src/drivers/cash/ssp/codec.js';
import { parsePollEvents, parseSetup } from '../../src/drivers/cash/ssp/commands.js';
import { aesKey, decryptPacket, encryptPacket } from '../../src/drivers/cash/ssp/essp.js';
import { CcParser, encodeCcFrame, newEvents, parseCoinId, parseCreditBuffer } from '../../src/drivers/cash/cctalk/codec.js';
import { ApduError, ApduReader, decodeApdu, encodeApdu } from '../../src/drivers/card/zvt/apdu.js';
import { BmpError } from '../../src/drivers/card/zvt/bmp.js';
import { fieldsOf, readAbortCode, readCompletion, readIntermediate, readStatusInfo, readTextBlock } from '../../src/drivers/card/zvt/messages.js';
import { encodeFrame as encodeZvtSerial, SerialFrameReader } from '../../src/drivers/card/zvt/serial-frame.js';
import { parseTlv, TlvError } from '../../src/drivers/card/zvt/tlv.js';
import { fuzz, fuzzReport, stream } from './harness.js';

const { check, row } = fuzzReport(
  'test/fuzz/money.test.ts',
  'no crash (only the codec\'s own errors), no hang; bad CRC/checksum frames dropped',
  'every intact frame decoded exactly once (unmutated streams)',
);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('cash: SSP / eSSP and ccTalk', () => {
  afterAll(() => row('input.fuzz.cash', 'SSP/eSSP frames, poll events, setup; ccTalk frames, credit buffer', ['ssp.frames', 'ssp.payloads', 'essp.packets', 'cctalk.frames', 'cctalk.payloads']));

  const sspFrame = fc.record({ seq: fc.boolean(), address: fc.nat(0x7f), data: fc.uint8Array({ minLength: 1, maxLength: 40 }) });

  it('SSP frames: byte stuffing, CRC, any cut; intact frames all come out, in order', () => {
    const arb = fc.array(sspFrame, { maxLength: 6 }).chain((frames) =>
      stream(fc.constantFrom(...(frames.length ? frames.map(encodeSsp) : [new Uint8Array(0)])), 6).map((s) => ({ ...s, frames })),
    );
    check('ssp.frames', fuzz(arb, ({ chunks }) => {
      const p = new SspParser();
      for (const c of chunks) for (const f of p.push(c)) expect(f.data.length).toBeGreaterThan(0);
    }));
    // Without junk or flips: exactly the frames sent.
    check('ssp.frames', fuzz(fc.array(sspFrame, { maxLength: 6 }), (frames) => {
      const p = new SspParser();
      const got = p.push(Buffer.concat(frames.map(encodeSsp)));
      expect(got.map((f) => hex(f.data))).toEqual(frames.map((f) => hex(f.data)));
    }));
  });

  it('SSP payloads: poll events and setup replies of any bytes', () => {
    check('ssp.payloads', fuzz(fc.uint8Array({ maxLength: 64 }), (payload) => {
      const r = parsePollEvents(payload);
      expect(r.events.length).toBeLessThanOrEqual(payload.length);
      try {
        parseSetup(payload);
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError); // documented: short or inconsistent reply
      }
    }));
  });

  it('eSSP: any packet under a key is rejected (format/crc) or decrypts; a real one always decrypts', () => {
    const key = aesKey(0x0123456701234567n, 0x1122334455667788n);
    check('essp.packets', fuzz(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(2 ** 31)), ([junk, data, count]) => {
      const bad = decryptPacket(key, Uint8Array.from([0x7e, ...junk]));
      if (bad.ok) expect(bad.data.length).toBeLessThanOrEqual(junk.length);
      const good = decryptPacket(key, encryptPacket(key, count, data, (n) => randomBytes(n)));
      expect(good).toMatchObject({ ok: true, count });
      expect(hex(good.ok ? good.data : new Uint8Array())).toBe(hex(data));
    }));
  });

  const ccFrame = fc.record({ dest: fc.nat(255), src: fc.nat(255), header: fc.nat(255), data: fc.uint8Array({ maxLength: 20 }) });

  it('ccTalk frames: simple checksum, echo, any cut; intact frames all come out', () => {
    check('cctalk.frames', fuzz(stream(ccFrame.map(encodeCcFrame), 8), ({ chunks }) => {
      const p = new CcParser();
      for (const c of chunks) p.push(c);
      expect((p as unknown as { buf: number[] }).buf.length).toBeLessThanOrEqual(chunks.reduce((a, c) => a + c.length, 0));
    }));
    check('cctalk.frames', fuzz(fc.array(ccFrame, { maxLength: 6 }), (frames) => {
      const got = new CcParser().push(Buffer.concat(frames.map(encodeCcFrame)));
      expect(got.map((f) => hex(f.data))).toEqual(frames.map((f) => hex(f.data)));
    }));
  });

  it('ccTalk payloads: credit buffers, lost-event detection, coin ids', () => {
    check('cctalk.payloads', fuzz(fc.tuple(fc.uint8Array({ maxLength: 14 }), fc.option(fc.nat(255))), ([data, last]) => {
      parseCoinId(data);
      let buffer;
      try {
        buffer = parseCreditBuffer(data);
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError); // documented: not 11 bytes
        return;
      }
      const r = newEvents(last, buffer);
      expect(r.events.length).toBeLessThanOrEqual(5);
      expect(r.lost).toBeGreaterThanOrEqual(0);
    }));
  });
});

describe('card: ZVT', () => {
  afterAll(() => row('input.fuzz.card', 'ZVT serial framing, APDUs (incl. extended length), BMPs, TLV', ['zvt.serial', 'zvt.apdu', 'zvt.fields']));

  const apdu = fc.record({ cls: fc.nat(255), ins: fc.nat(255), data: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 255, maxLength: 300 })) });

  it('serial DLE/STX framing with CRC, ACK/NAK between frames, any cut', () => {
    check('zvt.serial', fuzz(stream(apdu.map((a) => encodeZvtSerial(encodeApdu(a))), 6), ({ chunks }) => {
      const r = new SerialFrameReader();
      for (const c of chunks) for (const e of r.push(c)) expect(['frame', 'bad-frame', 'ack', 'nak']).toContain(e.type);
    }));
    check('zvt.serial', fuzz(fc.array(apdu, { maxLength: 5 }), (apdus) => {
      const bytes = apdus.map((a) => encodeApdu(a));
      const got = new SerialFrameReader().push(Buffer.concat(bytes.map(encodeZvtSerial)));
      expect(got.map((e) => (e.type === 'frame' ? hex(e.apdu) : e.type))).toEqual(bytes.map(hex));
    }));
  });

  it('APDUs over TCP (lengths incl. FF extended), any cut; only ApduError for a non-APDU', () => {
    check('zvt.apdu', fuzz(stream(apdu.map(encodeApdu), 6), ({ chunks }) => {
      const r = new ApduReader();
      for (const c of chunks) r.push(c);
      for (const c of chunks) decodeApdu(c);
    }, [ApduError]));
  });

  it('BMP/TLV fields and every message reader on arbitrary APDU data', () => {
    const data = fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.array(fc.oneof(fc.constantFrom(0x04, 0x0b, 0x22, 0x27, 0x29, 0x3c, 0x06, 0x87, 0x8a), fc.nat(255)), { maxLength: 60 }).map((a) => Uint8Array.from(a)));
    const cmd = fc.constantFrom([0x04, 0x0f], [0x04, 0xff], [0x06, 0x0f], [0x06, 0x1e], [0x06, 0xd1], [0x06, 0xd3], [0x80, 0x00], [0x84, 0x00], [0x84, 0x9c]);
    check('zvt.fields', fuzz(fc.tuple(cmd, data), ([[cls, ins], d]) => {
      const fields = fieldsOf({ cls: cls ?? 0, ins: ins ?? 0, data: d });
      readStatusInfo(fields);
      readIntermediate(fields, 'cp437');
      readTextBlock(fields, 'latin1');
      readCompletion(fields);
      readAbortCode(fields);
      parseTlv(d);
    }, [TlvError, BmpError]));
  });
});
