import { describe, expect, it } from 'vitest';
import { ApduReader, decodeApdu, encodeApdu } from '../../../src/drivers/card/zvt/apdu.js';
import { BMP, bmpTlv, bmpValue, parseFields, serialiseFields } from '../../../src/drivers/card/zvt/bmp.js';
import { bcdToDigits, bcdToNumber } from '../../../src/drivers/card/zvt/bcd.js';
import { crcCcitt, encodeFrame, SerialFrameReader } from '../../../src/drivers/card/zvt/serial-frame.js';
import { decodeText, encodeText } from '../../../src/drivers/card/zvt/text.js';
import { findAllTlv, parseTlv, serialiseTlv } from '../../../src/drivers/card/zvt/tlv.js';
import { APDUS, SERIAL_COMPLETION_FRAME, hex, toHex } from '../../fixtures/card/zvt-vectors.js';

function roundTrip(bytes: Uint8Array): Uint8Array {
  const apdu = decodeApdu(bytes);
  const fields = parseFields(apdu.cls, apdu.ins, apdu.data);
  return encodeApdu({ cls: apdu.cls, ins: apdu.ins, data: serialiseFields(fields) });
}

describe('ZVT codec against the captured vectors', () => {
  for (const [name, text] of Object.entries(APDUS)) {
    it(`${name} parses and re-serialises byte for byte`, () => {
      const bytes = hex(text);
      expect(toHex(roundTrip(bytes))).toBe(toHex(bytes));
    });
  }

  it('the serial completion frame: CRC matches, APDU round-trips, frame re-encodes identically', () => {
    const frame = hex(SERIAL_COMPLETION_FRAME);
    const events = new SerialFrameReader().push(frame);
    expect(events).toHaveLength(1);
    const event = events[0];
    if (event?.type !== 'frame') throw new Error(`expected a frame, got ${event?.type}`);
    expect(toHex(roundTrip(event.apdu))).toBe(toHex(event.apdu));
    expect(toHex(encodeFrame(event.apdu))).toBe(toHex(frame));
    const apdu = decodeApdu(event.apdu);
    const fields = parseFields(apdu.cls, apdu.ins, apdu.data);
    // software version (LLLVAR) + terminal status byte
    expect(Buffer.from(fields.head.subarray(3, 10)).toString('latin1')).toBe('2.14.15');
    expect(fields.head[10]).toBe(0);
  });

  it('status information exposes its BMPs', () => {
    const apdu = decodeApdu(hex(APDUS.statusInformation));
    const f = parseFields(apdu.cls, apdu.ins, apdu.data);
    expect(f.head.length).toBe(0);
    expect(bmpValue(f, BMP.resultCode)?.[0]).toBe(0);
    expect(bcdToNumber(bmpValue(f, BMP.amount) ?? new Uint8Array())).toBe(4000);
    expect(bcdToDigits(bmpValue(f, BMP.currency) ?? new Uint8Array())).toBe('0978');
    expect(bcdToNumber(bmpValue(f, BMP.receiptNo) ?? new Uint8Array())).toBe(175);
    expect(bcdToNumber(bmpValue(f, BMP.trace) ?? new Uint8Array())).toBe(613995);
    expect(bcdToDigits(bmpValue(f, BMP.terminalId) ?? new Uint8Array())).toBe('60099914');
    expect(bmpValue(f, BMP.cardType)?.[0]).toBe(2);
  });

  it('registration: password, config byte and currency in the head; TLV with a two-byte tag', () => {
    const apdu = decodeApdu(hex(APDUS.registration));
    const f = parseFields(apdu.cls, apdu.ins, apdu.data);
    expect(toHex(f.head)).toBe('00 00 00 FE 09 78');
    expect(bmpValue(f, BMP.serviceByte)?.[0]).toBe(0);
    const languages = findAllTlv(bmpTlv(f), 0x15).map((v) => Buffer.from(v).toString('latin1'));
    expect(languages).toEqual(['DE', 'EN', 'FR', 'IT']);
    expect(findAllTlv(bmpTlv(f), 0x1f04).map(toHex)).toEqual(['F1 00']);
  });

  it('intermediate status: status code, timeout and the TLV text', () => {
    const apdu = decodeApdu(hex(APDUS.intermediateStatus));
    const f = parseFields(apdu.cls, apdu.ins, apdu.data);
    expect(toHex(f.head)).toBe('0A 01');
    expect(findAllTlv(bmpTlv(f), 0x07).map((v) => decodeText(v))).toEqual(['Bitte Karte einstecken']);
  });

  it('print line text decodes in code page 437 and in Latin-1', () => {
    const cp = decodeApdu(hex(APDUS.printLineCp437));
    const l1 = decodeApdu(hex(APDUS.printLineLatin1));
    expect(decodeText(cp.data.subarray(1))).toBe('Test ä ö ü ß');
    expect(decodeText(l1.data.subarray(1), 'latin1')).toBe('Test ä ö ü ß');
    expect(toHex(encodeText('Test ä ö ü ß'))).toBe(toHex(cp.data.subarray(1)));
  });
});

describe('ZVT codec edges', () => {
  it('uses the extended length FF lo hi above 254 bytes and reads it back', () => {
    const data = new Uint8Array(300).fill(0x41);
    const bytes = encodeApdu({ cls: 0x06, ins: 0xd1, data });
    expect(toHex(bytes.subarray(0, 5))).toBe('06 D1 FF 2C 01');
    expect(decodeApdu(bytes).data.length).toBe(300);
    expect(encodeApdu({ cls: 0x06, ins: 0xd1, data: data.subarray(0, 254) })[2]).toBe(254);
  });

  it('reassembles APDUs split and joined arbitrarily on a TCP stream', () => {
    const all = Buffer.concat(Object.values(APDUS).map(hex));
    const reader = new ApduReader();
    const out = [];
    for (let i = 0; i < all.length; i += 7) out.push(...reader.push(all.subarray(i, i + 7)));
    expect(out.map((a) => toHex(encodeApdu(a)))).toEqual(Object.values(APDUS).map((t) => toHex(hex(t))));
  });

  it('stuffs DLE inside a frame and reports a corrupted frame', () => {
    const apdu = Uint8Array.of(0x06, 0xd1, 0x03, 0x00, 0x10, 0x41);
    const frame = encodeFrame(apdu);
    expect(toHex(frame.subarray(0, 9))).toBe('10 02 06 D1 03 00 10 10 41');
    const reader = new SerialFrameReader();
    const ok = reader.push(Buffer.concat([Uint8Array.of(0x06), frame, Uint8Array.of(0x15)]));
    expect(ok.map((e) => e.type)).toEqual(['ack', 'frame', 'nak']);
    const bad = Uint8Array.from(frame);
    bad[8] = 0x42;
    expect(reader.push(bad).map((e) => e.type)).toEqual(['bad-frame']);
    expect(crcCcitt(Uint8Array.of(0x03))).not.toBe(0);
  });

  it('keeps data with an unknown BMP whole, so it still round-trips', () => {
    const data = Uint8Array.of(0x27, 0x00, 0x7f, 0x01, 0x02);
    const f = parseFields(0x04, 0x0f, data);
    expect(f.bmps).toHaveLength(0);
    expect(toHex(serialiseFields(f))).toBe(toHex(data));
  });

  it('TLV lengths in the 81/82 forms round-trip', () => {
    const long = new Uint8Array(200).fill(1);
    const nodes = [{ tag: 0x07, value: long }];
    const bytes = serialiseTlv(nodes);
    expect(toHex(bytes.subarray(0, 3))).toBe('07 81 C8');
    expect(serialiseTlv(parseTlv(bytes))).toEqual(bytes);
  });
});

describe('simulator messages through the codec', () => {
  it('a text block (06 D3) round-trips and reads back line by line', async () => {
    const { simTextBlock } = await import('../../../src/drivers/card/zvt/sim-messages.js');
    const { readTextBlock } = await import('../../../src/drivers/card/zvt/messages.js');
    const bytes = simTextBlock(['REVERSAL', 'AED 12.50', 'Grüße']);
    expect(toHex(roundTrip(bytes))).toBe(toHex(bytes));
    const apdu = decodeApdu(bytes);
    expect(readTextBlock(parseFields(apdu.cls, apdu.ins, apdu.data), 'cp437')).toEqual(['REVERSAL', 'AED 12.50', 'Grüße']);
  });
});
