/**
 * SSP and ccTalk against other people's frames (test/fixtures/cash/public-frames.ts) and the shared
 * vectors: each decodes to one frame and re-encodes byte for byte (CRC-16/0x8005 and 7F stuffing;
 * ccTalk's zero-sum checksum); frames whose check does not hold are dropped, never guessed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordOracle } from '../faults/report.js';
import { CcParser, encodeCcFrame } from '../../src/drivers/cash/cctalk/codec.js';
import { encodeFrame, SspParser } from '../../src/drivers/cash/ssp/codec.js';
import { CCTALK_PUBLIC, SSP_PUBLIC } from '../fixtures/cash/public-frames.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const shared = (JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/cash/ssp-frames.json'), 'utf8')) as { frames: Array<{ name: string; hex: string }> }).frames;

const sspValid = [...SSP_PUBLIC.filter((f) => f.valid !== false), ...shared.map((f) => ({ ...f, from: 'shared vectors' }))];

afterAll(() => {
  recordOracle('ssp', {
    codec: 'SSP / eSSP framing (CRC-16 0x8005, 7F stuffing)',
    oracle: 'frames from an NV9/NV11 C++ driver and a C# SSP library (public GitHub), /work/shared/vectors/ssp.md',
    cases: `${sspValid.length} frames, ${SSP_PUBLIC.length - SSP_PUBLIC.filter((f) => f.valid !== false).length} with a CRC that does not hold`,
    result: 'all decode and re-encode byte for byte; the bad-CRC ones dropped',
    test: 'test/oracle/cash-captures.test.ts',
  });
  recordOracle('cctalk', {
    codec: 'ccTalk framing (zero-sum checksum)',
    oracle: 'frames from an Azkoyen coin validator C++ driver (public GitHub), /work/shared/vectors/ssp.md',
    cases: `${CCTALK_PUBLIC.length} frames and a corrupted one`,
    result: 'all decode and re-encode byte for byte; the corrupted one refused',
    test: 'test/oracle/cash-captures.test.ts',
  });
});

describe('SSP: public frames decode and re-encode byte for byte', () => {
  it.each(sspValid)('$name ($from)', ({ hex: h }) => {
    const bytes = hex(h);
    const frames = new SspParser().push(bytes);
    expect(frames).toHaveLength(1);
    expect(Buffer.from(encodeFrame(frames[0]!)).equals(Buffer.from(bytes))).toBe(true);
  });

  it.each(SSP_PUBLIC.filter((f) => f.valid === false))('drops $name: $why', ({ hex: h }) => {
    const p = new SspParser();
    expect(p.push(hex(h))).toEqual([]);
    expect(p.crcErrors).toBe(1);
  });
});

describe('ccTalk: public frames decode and re-encode byte for byte', () => {
  it.each(CCTALK_PUBLIC)('$name ($from)', ({ hex: h }) => {
    const bytes = hex(h);
    const frames = new CcParser().push(bytes);
    expect(frames).toHaveLength(1);
    expect(Buffer.from(encodeCcFrame(frames[0]!)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a frame with one byte changed is not accepted', () => {
    const bytes = hex('02 02 01 E7 FF FF 17');
    expect(new CcParser().push(bytes)).toEqual([]);
  });
});
