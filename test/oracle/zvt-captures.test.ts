/**
 * ZVT against an independent implementation's captures: every packet of ecrterm's test suite
 * (test/fixtures/card/ecrterm-captures.ts) and of /work/shared/vectors/zvt.md decodes and re-encodes
 * byte for byte, with its BMPs and TLV read as structure (not kept as an opaque blob), every serial frame
 * has the CRC and DLE stuffing ecrterm computed, and what ecrterm's tests assert about a packet holds here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { recordOracle } from '../faults/report.js';
import { ApduError, decodeApdu, encodeApdu } from '../../src/drivers/card/zvt/apdu.js';
import { bcdToNumber } from '../../src/drivers/card/zvt/bcd.js';
import { BMP, bmpTlv, bmpValue, parseFields, serialiseFields } from '../../src/drivers/card/zvt/bmp.js';
import { build06, fieldsOf, readAbortCode, readCompletion, readStatusInfo } from '../../src/drivers/card/zvt/messages.js';
import { encodeFrame, SerialFrameReader } from '../../src/drivers/card/zvt/serial-frame.js';
import { findTlv } from '../../src/drivers/card/zvt/tlv.js';
import { ECRTERM_APDUS, ECRTERM_FRAMES } from '../fixtures/card/ecrterm-captures.js';
import { APDUS, hex, SERIAL_COMPLETION_FRAME } from '../fixtures/card/zvt-vectors.js';

const apdu = (name: string): ReturnType<typeof decodeApdu> => decodeApdu(hex(ECRTERM_APDUS.find((c) => c.name === name)?.hex ?? ''));

/** Commands whose data is only a head (no BMPs) by the spec: print line, ACK, abort-from-ECR... */
const OPAQUE = new Set(['06 D1', '06 02', '06 93', '80 00', '84 9C', '06 70', '06 18', '06 E0']);
const label = (cls: number, ins: number): string => `${cls.toString(16).padStart(2, '0')} ${ins.toString(16).padStart(2, '0')}`.toUpperCase();

/** Every well-formed capture: ecrterm's and the shared vectors. */
const WELL_FORMED = [
  ...ECRTERM_APDUS.filter((c) => !c.malformed).map((c) => ({ name: `ecrterm: ${c.name}`, hex: c.hex })),
  ...Object.entries(APDUS).map(([name, h]) => ({ name: `shared vectors: ${name}`, hex: h })),
];

afterAll(() =>
  recordOracle('zvt', {
    codec: 'ZVT: APDUs, BMPs, TLV, serial framing (DLE STX, CRC), completion/status/abort readers',
    oracle: "ecrterm's test suite (terminal captures incl. a cVEND box+ completion, and ecrterm's own frames with its CRC); /work/shared/vectors/zvt.md",
    cases: `${WELL_FORMED.length} APDUs, ${ECRTERM_FRAMES.length + 1} serial frames, ${ECRTERM_APDUS.filter((c) => c.malformed).length} malformed ecrterm test packets; ecrterm's assertions on identity, abort codes, open reservations, amounts`,
    result: 'all decode and re-encode byte for byte; BMPs read as structure; malformed ones refused; identity (1F40-1F44) read as ecrterm reads it',
    test: 'test/oracle/zvt-captures.test.ts',
  }),
);

describe('ZVT: every public capture decodes and re-encodes byte for byte', () => {
  it.each(WELL_FORMED)('$name', ({ hex: h }) => {
    const bytes = hex(h);
    const a = decodeApdu(bytes);
    const f = parseFields(a.cls, a.ins, a.data);
    expect(Buffer.from(encodeApdu({ ...a, data: serialiseFields(f) })).equals(Buffer.from(bytes))).toBe(true);
    // read as structure: after the command's own head come BMPs, none left unread
    expect(f.unread).toBeUndefined();
    if (!OPAQUE.has(label(a.cls, a.ins)) && f.head.length < a.data.length) expect(f.bmps.length).toBeGreaterThan(0);
  });

  it.each(ECRTERM_APDUS.filter((c) => c.malformed))('refuses a malformed one rather than guessing: $name ($malformed)', ({ hex: h }) => {
    expect(() => decodeApdu(hex(h))).toThrow(ApduError);
  });

  it.each([...ECRTERM_FRAMES.map((c) => ({ name: c.name, hex: c.hex })), { name: 'shared vectors: serial completion', hex: SERIAL_COMPLETION_FRAME }])('serial frame: $name', ({ hex: h }) => {
    const bytes = hex(h);
    const events = new SerialFrameReader().push(bytes);
    expect(events).toHaveLength(1);
    const e = events[0];
    if (e?.type !== 'frame') throw new Error(`not a good frame: ${e?.type}`);
    expect(Buffer.from(encodeFrame(e.apdu)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('ZVT: what ecrterm asserts about the captures holds in kioskd', () => {
  it('a completion after status enquiry names the terminal: device name, software version, serial number, terminal id, status', () => {
    const a = apdu('completion (06 0F) after status enquiry: software version, TLV with device name, serial number, terminal id');
    const info = readCompletion(fieldsOf(a));
    expect(info).toMatchObject({
      softwareVersion: 'GER-APP-v2.0.9;cR02.01.01-00.09-2-2;CC26', status: 0, model: 'cVEND box+', serialNumber: '11e930ec', terminalId: '52500245',
    });
  });

  it('the cursed completions: software version and status where ecrterm finds them, TLV or not', () => {
    expect(readCompletion(fieldsOf(apdu('completion: software version and status')))).toMatchObject({ softwareVersion: 'bla', status: 0 });
    expect(readCompletion(fieldsOf(apdu('completion: software version, status 06')))).toMatchObject({ softwareVersion: 'bla', status: 6 });
    const withTlv = fieldsOf(apdu('completion: software version, status, empty TLV'));
    expect(readCompletion(withTlv)).toMatchObject({ softwareVersion: 'bla', status: 6 });
    expect(withTlv.bmps.map((b) => b.tag)).toEqual([BMP.tlv]);
    expect(readCompletion(fieldsOf(apdu('completion: status only')))).toMatchObject({ status: 6, softwareVersion: undefined });
    const statusTlv = fieldsOf(apdu('completion: status and empty TLV'));
    expect(readCompletion(statusTlv)).toMatchObject({ status: 6 });
    expect(statusTlv.bmps.map((b) => b.tag)).toEqual([BMP.tlv]);
  });

  it('an abort by an external command: result code 108 with its TLV (extended error code FF00001441)', () => {
    const f = fieldsOf(apdu('abort (06 1E) by an external command, TLV with extended error code and text'));
    expect(readAbortCode(f)).toBe(108);
    const ext = findTlv(bmpTlv(f), 0x1f16);
    expect(ext && 'value' in ext ? Buffer.from(ext.value).toString('hex') : undefined).toBe('ff00001441');
  });

  it('open reservations (abort B8): receipt numbers in BMP 87 (ecrterm\'s TLV examples are malformed, see above)', () => {
    const receipts = (name: string): string[] => {
      const f = fieldsOf(apdu(name));
      const out: string[] = [];
      const r = bmpValue(f, BMP.receiptNo);
      if (r) out.push(Buffer.from(r).toString('hex'));
      const list = findTlv(bmpTlv(f), 0x23);
      if (list && 'children' in list) for (const n of list.children) if ('value' in n && n.tag === 0x08) out.push(Buffer.from(n.value).toString('hex'));
      return out.filter((x) => x !== 'ffff');
    };
    expect(receipts('abort B8: no open reservations')).toEqual([]);
    expect(receipts('abort B8: one open reservation')).toEqual(['0123']);
  });

  it('status information: amounts, currency, receipt and trace numbers as the terminal reported them', () => {
    expect(readStatusInfo(fieldsOf(apdu('status information (04 0F), EUR 40.00')))).toMatchObject({ approved: true, amount: 4000, currency: 978, receiptNo: 175, trace: 613995 });
    const small = readStatusInfo(fieldsOf(apdu('status information (04 0F), EUR 0.01, VISA, TLV, additional text')));
    expect(small).toMatchObject({ approved: true, amount: 1, currency: 978, receiptNo: 2, card: { brand: 'visa' } });
    const ten = readStatusInfo(fieldsOf(apdu('status information (04 0F), EUR 10.00, VISA, AID, TLV')));
    expect(ten).toMatchObject({ approved: true, amount: 1000, currency: 978, receiptNo: 2 });
  });

  it('kioskd builds the same ECR commands as ecrterm: authorisation, status enquiry, ACK', () => {
    const frameApdu = (name: string): string => {
      const e = new SerialFrameReader().push(hex(ECRTERM_FRAMES.find((c) => c.name === name)?.hex ?? ''))[0];
      return e?.type === 'frame' ? Buffer.from(e.apdu).toString('hex') : '';
    };
    expect(Buffer.from(build06.authorisation(11000, 978)).toString('hex')).toBe(frameApdu('authorisation EUR 110.00 (a 10 byte stuffed)'));
    expect(Buffer.from(build06.statusEnquiry('123456')).toString('hex')).toBe(frameApdu('status enquiry'));
    expect(Buffer.from(build06.ack()).toString('hex')).toBe(frameApdu('ACK APDU 80 00'));
    expect(bcdToNumber(Uint8Array.of(0x00, 0x00, 0x00, 0x01, 0x10, 0x00))).toBe(11000);
  });

  it('end of day (06 50): kioskd sends the command and BCD password of ecrterm\'s packet, without the optional TLV', () => {
    const theirs = apdu('end of day (06 50) with nested TLV');
    const ours = decodeApdu(build06.endOfDay('123456'));
    expect([ours.cls, ours.ins]).toEqual([theirs.cls, theirs.ins]);
    expect([ours.cls, ours.ins]).toEqual([0x06, 0x50]);
    expect(Buffer.from(ours.data).toString('hex')).toBe('123456');
    expect(Buffer.from(theirs.data.subarray(0, 3)).toString('hex')).toBe('123456');
    expect(theirs.data[3]).toBe(0x06); // what follows the password in ecrterm's is a TLV container (BMP 06)
    expect(Buffer.from(build06.endOfDay('123456')).toString('hex')).toBe('065003123456');
  });
});
