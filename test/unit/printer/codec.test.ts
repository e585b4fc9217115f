import { describe, expect, it } from 'vitest';
import * as esc from '../../../src/drivers/printer/codec.js';
import { choosePage, decode, encode } from '../../../src/drivers/printer/codepages.js';
import { EscPosDecoder, type EscPosCommand } from '../../../src/drivers/printer/decoder.js';
import { code128Values } from '../../../src/drivers/printer/code128.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ESC/POS command builders', () => {
  it('build the documented byte sequences', () => {
    expect(hex(esc.init())).toBe('1b40');
    expect(hex(esc.codePage(17))).toBe('1b7411');
    expect(hex(esc.size(2, 2))).toBe('1d2111');
    expect(hex(esc.align('center'))).toBe('1b6101');
    expect(hex(esc.cut(true, 0))).toBe('1d564200');
    expect(hex(esc.realtimeStatus(4))).toBe('100404');
    expect(hex(esc.transmitPaperStatus())).toBe('1d7201');
    expect(hex(esc.rasterBand(2, 1, Uint8Array.of(0xff, 0x01)))).toBe('1d76300002000100ff01');
    expect(hex(esc.qr(new TextEncoder().encode('A'), 6, 'M'))).toBe(
      '1d286b040031413200' + '1d286b0300314306' + '1d286b0300314531' + '1d286b0400315030' + '41' + '1d286b0300315130',
    );
    expect(hex(esc.code128('A{', { height: 80, moduleWidth: 2, hri: true }))).toBe('1d6850' + '1d7702' + '1d4802' + '1d6600' + '1d6b4905' + '7b42417b7b');
  });
  it('rejects raster data of the wrong size', () => {
    expect(() => esc.rasterBand(2, 2, new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('code pages', () => {
  it('send Western text in CP437/CP858 and Cyrillic in CP866; nothing for Arabic or Chinese', () => {
    const pages = ['cp437', 'cp858', 'wpc1252', 'cp866'] as const;
    expect(choosePage(['Straße, Größe, señor ¿?'], pages)).toBe('cp437');
    expect(choosePage(['Gebühr 150,00 €'], pages)).toBe('cp858');
    expect(choosePage(['œuvre'], pages)).toBe('wpc1252');
    expect(choosePage(['Квитанция об оплате'], pages)).toBe('cp866');
    expect(choosePage(['الرسوم'], pages)).toBeUndefined();
    expect(choosePage(['缴费收据'], pages)).toBeUndefined();
    expect(choosePage(['Fee', 'Пошлина'], ['cp437'])).toBeUndefined();
  });
  it('prints the narrow no-break space of Intl amounts ("1\u202f500,00\u00a0€") as text, not raster', () => {
    const amount = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(1500);
    expect(choosePage([amount], ['cp437', 'cp858'])).toBe('cp858');
    expect(decode(encode('1\u202f500', 'cp858') as Uint8Array, 'cp858')).toBe('1 500');
  });
  it('round-trips through encode/decode, NFC-normalising decomposed input', () => {
    const bytes = encode('Re\u0301fe\u0301rence', 'cp858') as Uint8Array;
    expect(hex(bytes)).toBe('5282668272656e6365');
    expect(decode(bytes, 'cp858')).toBe('Référence');
    expect(decode(encode('Пошлина', 'cp866') as Uint8Array, 'cp866')).toBe('Пошлина');
  });
});

/** A text run split across chunks arrives as several text commands; the paper does not care. */
function mergeText(cmds: EscPosCommand[]): EscPosCommand[] {
  const out: EscPosCommand[] = [];
  for (const c of cmds) {
    const prev = out[out.length - 1];
    if (c.op === 'text' && prev?.op === 'text') out[out.length - 1] = { op: 'text', bytes: Uint8Array.from([...prev.bytes, ...c.bytes]) };
    else out.push(c);
  }
  return out;
}

describe('EscPosDecoder', () => {
  it('decodes a stream split at every byte boundary into the same commands', () => {
    const stream = esc.concat([
      esc.init(), esc.codePage(17), esc.bold(true), esc.textLine(encode('Дата', 'cp866') as Uint8Array),
      esc.rasterBand(1, 2, Uint8Array.of(0x80, 0x01)), esc.qr(Uint8Array.of(0x41), 4, 'H'),
      esc.code128('AB', { height: 40, moduleWidth: 2, hri: false }), esc.realtimeStatus(2), esc.clearBuffers(), esc.cut(true, 10),
    ]);
    const whole = new EscPosDecoder().push(stream).map((d) => d.cmd);
    const d = new EscPosDecoder();
    const split: EscPosCommand[] = [];
    for (const b of stream) split.push(...d.push(Uint8Array.of(b)).map((x) => x.cmd));
    expect(mergeText(split)).toEqual(whole);
    expect(whole.map((c) => c.op)).toEqual([
      'init', 'codePage', 'bold', 'text', 'lf', 'raster', 'qr', 'qr', 'qr', 'qr', 'qr',
      'barcodeHeight', 'barcodeWidth', 'hri', 'ignored', 'barcode', 'realtimeStatus', 'clearBuffers', 'cut',
    ]);
    expect(d.pendingBytes).toBe(0);
  });
  it('holds an incomplete raster band until its data has arrived', () => {
    const d = new EscPosDecoder();
    const band = esc.rasterBand(4, 4, new Uint8Array(16).fill(0x10));
    expect(d.push(band.subarray(0, 10))).toEqual([]);
    const [r] = d.push(band.subarray(10));
    expect(r?.cmd.op).toBe('raster');
    expect(r?.size).toBe(band.length);
  });
});

describe('Code128', () => {
  it('computes the check symbol (mod 103) of code set B', () => {
    // 104 + 48*1 + 42*2 + 42*3 + 17*4 + 18*5 + 19*6 + 35*7 = 879; 879 mod 103 = 55
    const { values } = code128Values(new TextEncoder().encode('{BPJJ123C'));
    expect(values[0]).toBe(104);
    expect(values[values.length - 2]).toBe(55);
    expect(values[values.length - 1]).toBe(106);
  });
});
