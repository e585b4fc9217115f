import { describe, expect, it } from 'vitest';
import { splitAim } from '../../../src/drivers/scanner/aim.js';

describe('AIM symbology identifiers', () => {
  it.each([
    [']Q1HELLO', 'qr', 'HELLO'],
    [']C0ABC-123', 'code128', 'ABC-123'],
    [']C1010123456789012815', 'gs1-128', '010123456789012815'],
    [']E04006381333931', 'ean13', '4006381333931'],
    [']E496385074', 'ean8', '96385074'],
    [']d2010123', 'gs1-datamatrix', '010123'],
    [']d1DATA', 'datamatrix', 'DATA'],
    [']L2PDF', 'pdf417', 'PDF'],
    [']A0CODE39', 'code39', 'CODE39'],
  ])('%s -> %s', (text, symbology, data) => {
    expect(splitAim(text)).toEqual({ aim: text.slice(0, 3), symbology, data });
  });

  it('leaves data without a known identifier alone', () => {
    expect(splitAim('HELLO')).toEqual({ aim: null, symbology: null, data: 'HELLO' });
    expect(splitAim(']W9nope')).toEqual({ aim: null, symbology: null, data: ']W9nope' });
    expect(splitAim(']Q')).toEqual({ aim: null, symbology: null, data: ']Q' });
  });
});
