import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentEventSchema } from '../../../src/drivers/scanner/api.js';
import { isoBirthDate, isoExpiryDate, parseDocument } from '../../../src/drivers/scanner/document.js';
import { checkDigit, specimenMrz } from '../../../src/drivers/scanner/mrz-builder.js';

const specimens = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/scanner/icao-specimens.json'), 'utf8')) as Record<'TD1' | 'TD2' | 'TD3', string[]>;
const today = new Date(2026, 10, 25);

describe('MRZ parsing (ICAO 9303 specimens through the mrz package)', () => {
  it('the simulator builds exactly the published specimens', () => {
    for (const f of ['TD1', 'TD2', 'TD3'] as const) expect(specimenMrz(f)).toEqual(specimens[f]);
  });

  it('reads the TD1 ID card specimen: every field, every check digit, expired by the clock', () => {
    const d = parseDocument(specimens.TD1, true, today);
    expect(d).toMatchObject({
      format: 'TD1', valid: true, problem: null, invalidFields: [], documentType: 'I', issuingCountry: 'UTO',
      documentNumber: 'D23145890', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', nationality: 'UTO',
      birthDate: '1974-08-12', sex: 'female', expiryDate: '2012-04-15', expired: true,
      checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
    });
    expect(documentEventSchema.safeParse({ ...d, input: 'mrz', scanId: 'x', at: today.toISOString() }).success).toBe(true);
  });

  it('reads the TD3 passport specimen with its personal number check', () => {
    const d = parseDocument(specimens.TD3, true, today);
    expect(d).toMatchObject({
      format: 'TD3', valid: true, documentType: 'P', documentNumber: 'L898902C3', optionalData: ['ZE184226B'],
      checks: { documentNumber: true, birthDate: true, expiryDate: true, personalNumber: true, composite: true },
    });
  });

  it('reads the TD2 specimen', () => {
    expect(parseDocument(specimens.TD2, true, today)).toMatchObject({ format: 'TD2', valid: true, documentNumber: 'D23145890' });
  });

  it('a document expiring in the future is not expired; expiry day itself is still valid', () => {
    expect(parseDocument(specimenMrz('TD1', { expiry: '300101' }), true, today)).toMatchObject({ valid: true, expiryDate: '2030-01-01', expired: false });
    expect(parseDocument(specimenMrz('TD3', { expiry: '261125' }), true, today)).toMatchObject({ valid: true, expired: false });
    expect(parseDocument(specimenMrz('TD3', { expiry: '261124' }), true, today)).toMatchObject({ valid: true, expired: true });
  });

  it.each([
    ['documentNumber', 'documentNumberCheckDigit'],
    ['birthDate', 'birthDateCheckDigit'],
    ['expiryDate', 'expirationDateCheckDigit'],
    ['composite', 'compositeCheckDigit'],
  ] as const)('a wrong %s check digit gives valid:false naming the field, with the fields still read', (bad, field) => {
    for (const format of ['TD1', 'TD2', 'TD3'] as const) {
      const d = parseDocument(specimenMrz(format, { expiry: '300101', badCheckDigit: bad }), true, today);
      expect(d.valid).toBe(false);
      expect(d.problem).toBe('check_digit');
      expect(d.invalidFields).toContain(field);
      expect(d.checks?.[bad]).toBe(false);
      expect(d.surname).toBe('ERIKSSON');
    }
  });

  it('a single misread character in the document number fails its check digit', () => {
    const lines = [...specimens.TD3];
    lines[1] = lines[1]!.replace('L898902C3', 'L898902C8');
    const d = parseDocument(lines, true, today);
    expect(d).toMatchObject({ valid: false, problem: 'check_digit' });
    expect(d.invalidFields).toEqual(expect.arrayContaining(['documentNumberCheckDigit', 'compositeCheckDigit']));
  });

  it('an incomplete read (lines missing) is reported, not parsed', () => {
    const d = parseDocument(specimens.TD1.slice(0, 2), false, today);
    expect(d).toMatchObject({ format: 'TD1', valid: false, problem: 'incomplete', documentType: 'I', surname: null, checks: null });
    expect(d.lines).toHaveLength(2);
  });

  it('an unparseable MRZ (a bad sex field, wrong lengths) is a field problem, not a crash', () => {
    const lines = [...specimens.TD3];
    lines[1] = lines[1]!.replace('7408122F', '7408122X');
    expect(parseDocument(lines, true, today)).toMatchObject({ valid: false, problem: 'field', invalidFields: expect.arrayContaining(['sex']) });
    expect(parseDocument(['P<UTO<<<<<<<<<<<<<<<<<<', 'L898902C36UTO<<<<<<<<<<<'], true, today)).toMatchObject({ valid: false, problem: 'field', format: null });
  });

  it('a country code the library does not list is accepted (ICAO specimens use UTO); a misread one is not', () => {
    const lines = [...specimens.TD3];
    lines[0] = lines[0]!.replace('P<UTO', 'P<U7O');
    const d = parseDocument(lines, true, today);
    expect(d.valid).toBe(false);
    expect(d.invalidFields).toContain('issuingState');
  });

  it('places two-digit years in the right century', () => {
    expect(isoBirthDate('740812', today)).toBe('1974-08-12');
    expect(isoBirthDate('051231', today)).toBe('2005-12-31');
    expect(isoBirthDate('261126', today)).toBe('1926-11-26');
    expect(isoExpiryDate('350101', today)).toBe('2035-01-01');
    expect(isoExpiryDate('990101', today)).toBe('1999-01-01');
    expect(isoExpiryDate('12<<<<', today)).toBeNull();
  });

  it('computes ICAO check digits (7-3-1) as the specimens print them', () => {
    expect(checkDigit('D23145890')).toBe('7');
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('ZE184226B<<<<<')).toBe('1');
  });
});
