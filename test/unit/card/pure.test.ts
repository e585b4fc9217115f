import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskPan, scrubDigits } from '../../../src/drivers/card/pan.js';
import { reconcileOperation } from '../../../src/drivers/card/outcome.js';
import type { OperationRecord } from '../../../src/drivers/card/ledger.js';
import type { LastTransaction, TerminalTransaction } from '../../../src/drivers/card/terminal.js';
import { resultMeaning } from '../../../src/drivers/card/zvt/result-codes.js';
import { readStatusInfo, fieldsOf } from '../../../src/drivers/card/zvt/messages.js';
import { decodeApdu } from '../../../src/drivers/card/zvt/apdu.js';
import { APDUS, hex } from '../../fixtures/card/zvt-vectors.js';

describe('PAN masking', () => {
  it('keeps first 6 / last 4 of a 16-digit PAN, and hides at least 6 digits of short ones', () => {
    expect(maskPan('4761739001010119')).toBe('476173******0119');
    expect(maskPan('5966666666')).toBe('******6666');
    expect(maskPan('6799998900000000019')).toBe('679999*********0019');
    expect(maskPan('6799EEEEEEEEE0019')).toBe('6799*********0019'); // E nibbles: already masked by the terminal
  });

  it('never reveals more than 10 digits nor fewer than 6 hidden, for any length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{8,19}$/), (pan) => {
        const m = maskPan(pan);
        expect(m).toHaveLength(pan.length);
        expect(m.replace(/\*/g, '').length).toBeLessThanOrEqual(10);
        expect((m.match(/\*/g) ?? []).length).toBeGreaterThanOrEqual(6);
      }),
    );
  });

  it('scrubs a card number that slipped into free text', () => {
    expect(scrubDigits('card 4761 7390 0101 0119 ok')).not.toContain('4761 7390 0101 0119');
    expect(scrubDigits('card 4761739001010119')).toBe('card 476173******0119');
    expect(scrubDigits('TRACE 000042  RCPT 0007')).toBe('TRACE 000042  RCPT 0007');
  });

  it('status information from the captured vector: track-style BMP 22 is masked, short PAN keeps last 4 only', () => {
    const t = readStatusInfo(fieldsOf(decodeApdu(hex(APDUS.statusInformation))));
    expect(t.card?.masked).toBe('******6666');
    expect(JSON.stringify(t)).not.toContain('5966666666');
    expect(t).toMatchObject({ approved: true, amount: 4000, currency: 978, receiptNo: 175, trace: 613995, terminalId: '60099914' });
  });
});

describe('result codes', () => {
  it('map to stable reasons and outcome classes', () => {
    expect(resultMeaning(0x6c)).toEqual({ outcome: 'cancelled', reason: 'CUSTOMER_CANCELLED' });
    expect(resultMeaning(0x71)).toEqual({ outcome: 'declined', reason: 'INSUFFICIENT_FUNDS' });
    expect(resultMeaning(0x05)).toEqual({ outcome: 'declined', reason: 'DECLINED' });
    expect(resultMeaning(0xa0)).toEqual({ outcome: 'failed', reason: 'HOST_UNREACHABLE' });
    expect(resultMeaning(0xff)).toEqual({ outcome: 'failed', reason: 'TERMINAL_ERROR' });
  });
});

describe('reconciliation', () => {
  const record: OperationRecord = { key: 'k', operation: 'sale', reference: 'r', amount: 1000, currency: 'AED', prevTrace: 7, outcome: undefined, reversal: undefined };
  const tx = (over: Partial<TerminalTransaction>): LastTransaction => ({
    kind: 'known',
    transaction: { approved: true, resultCode: 0, amount: 1000, currency: 784, card: { masked: '476173******0119', brand: 'visa' }, authCode: '123456', receiptNo: 9, trace: 8, terminalId: '1', ...over },
    receipt: { lines: ['COPY'] },
  });

  it('a new trace with our amount is our sale', () => {
    expect(reconcileOperation(record, tx({}))).toMatchObject({ result: 'approved', trace: 8, receiptNo: 9, recovered: true, receiptText: 'COPY' });
    expect(reconcileOperation(record, tx({ approved: false, resultCode: 0x05 }))).toMatchObject({ result: 'declined', resultCode: 5 });
  });

  it('an unchanged trace, or no transaction at all, means it never ran: not charged', () => {
    expect(reconcileOperation(record, tx({ trace: 7 }))).toMatchObject({ result: 'failed', reason: 'NOT_COMPLETED', charged: 'no' });
    expect(reconcileOperation({ ...record, prevTrace: null }, { kind: 'none' })).toMatchObject({ result: 'failed', charged: 'no' });
  });

  it('a new trace with another amount is not guessed at', () => {
    expect(reconcileOperation(record, tx({ amount: 999 }))).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH', charged: 'unknown' });
  });
});
