import { describe, expect, it } from 'vitest';
import { looksPersonalKey, scrub } from '../../../src/fleet/sanitize.js';

describe('fleet sanitising: personal keys by their words, not their letters', () => {
  it('keeps device names and harmless fields that contain "card" or "scan"', () => {
    for (const key of ['card', 'scanner', 'printer', 'cash', 'gpio', 'cardsRead', 'scannerModel', 'cardTerminal', 'terminalId', 'status', 'pass', 'code', 'inputs', 'armed'])
      expect(looksPersonalKey(key), key).toBe(false);
  });

  it('drops keys that name personal or card data, in any case style', () => {
    for (const key of ['mrz', 'documentNumber', 'document_number', 'cardNumber', 'card_no', 'CardNo', 'pan', 'maskedPan', 'PAN', 'track1', 'track2Data', 'cardholderName', 'givenNames', 'dateOfBirth', 'birthDate', 'lastScan', 'barcode', 'qrPayload', 'expiryDate', 'expiresInDays', 'lines', 'data', 'rawFrame', 'passportNo', 'idNumber', 'email', 'photo'])
      expect(looksPersonalKey(key), key).toBe(true);
  });

  it('a self-test answer keeps every device, with card and scanner, and loses the personal values', () => {
    const answer = {
      pass: false,
      devices: { gpio: { status: 'ready', pass: true }, printer: { status: 'ready', pass: true }, scanner: { status: 'ready', pass: true }, card: { status: 'fault', pass: false, code: 'DEVICE_TIMEOUT' }, cash: { status: 'ready', pass: true } },
      alerts: ['DEVICE_FAULT:card'],
      note: 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
      card: { lastReceipt: '476173******0119', maskedPan: '4761 73** **** 0119', cardNumber: '4761739001010119' },
    };
    const out = scrub(answer) as typeof answer;
    expect(Object.keys(out.devices)).toEqual(['gpio', 'printer', 'scanner', 'card', 'cash']);
    expect(out.devices.card).toEqual({ status: 'fault', pass: false, code: 'DEVICE_TIMEOUT' });
    expect(out.card).toEqual({ lastReceipt: '[redacted]' });
    const text = JSON.stringify(out);
    for (const secret of ['ERIKSSON', '476173', '0119', '4761']) expect(text).not.toContain(secret);
  });
});
