import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApduReader, decodeApdu, encodeApdu } from '../../../src/drivers/card/zvt/apdu.js';
import { parseFields, serialiseFields } from '../../../src/drivers/card/zvt/bmp.js';
import { encodeFrame, SerialFrameReader } from '../../../src/drivers/card/zvt/serial-frame.js';

const KNOWN = [[0x06, 0x00], [0x06, 0x01], [0x04, 0x0f], [0x04, 0xff], [0x06, 0x0f], [0x06, 0x1e], [0x06, 0xd1], [0x06, 0xd3], [0x06, 0x30], [0x05, 0x01]] as const;
const cmd = fc.oneof(fc.constantFrom(...KNOWN), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })));

describe('ZVT codec fuzz', () => {
  it('any APDU data parses without throwing and re-serialises byte for byte', () => {
    fc.assert(
      fc.property(cmd, fc.uint8Array({ maxLength: 400 }), ([cls, ins], data) => {
        const bytes = encodeApdu({ cls, ins, data });
        const apdu = decodeApdu(bytes);
        const again = encodeApdu({ cls, ins, data: serialiseFields(parseFields(apdu.cls, apdu.ins, apdu.data)) });
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('serial frames survive any chunking and any noise between them', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 3, maxLength: 60 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 9 }), (apdus, chunk) => {
        const stream = Buffer.concat(apdus.flatMap((a) => [Uint8Array.of(0x00), encodeFrame(a)]));
        const reader = new SerialFrameReader();
        const got: Uint8Array[] = [];
        for (let i = 0; i < stream.length; i += chunk) {
          for (const e of reader.push(stream.subarray(i, i + chunk))) if (e.type === 'frame') got.push(e.apdu);
        }
        expect(got.map((g) => Buffer.from(g).toString('hex'))).toEqual(apdus.map((a) => Buffer.from(a).toString('hex')));
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes never crash the stream readers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        new SerialFrameReader().push(bytes);
        new ApduReader().push(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
