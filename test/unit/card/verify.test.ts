import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import type { CardOutcome } from '../../../src/drivers/card/api.js';
import { withDeclinedFigures } from '../../../src/drivers/card/mismatch.js';
import type { TerminalTransaction } from '../../../src/drivers/card/terminal.js';
import { currencyCode, figuresOf, verify, verifyOutcome } from '../../../src/drivers/card/verify.js';

const t = (over: Partial<TerminalTransaction> = {}): TerminalTransaction => ({
  approved: true, resultCode: 0, amount: 125_000, currency: 784, card: undefined, authCode: '1', receiptNo: 8, trace: 12, terminalId: '52001233', ...over,
});
const expected = { amount: 125_000, currency: 'AED', prevTrace: 11, terminalId: '52001233' };

describe('terminal figures against the request', () => {
  it('the same amount, currency, a new trace and the registered terminal: ok', () => {
    expect(verify(t(), expected)).toEqual({ ok: true });
  });

  it.each([
    ['another amount', t({ amount: 100 }), 'AMOUNT_MISMATCH'],
    ['another currency', t({ currency: 978 }), 'AMOUNT_MISMATCH'],
    ['the previous transaction (same trace as before the sale)', t({ trace: 11 }), 'TRANSACTION_MISMATCH'],
    ['another terminal', t({ terminalId: '99999999' }), 'TRANSACTION_MISMATCH'],
  ] as const)('%s is a %s', (_what, tx, reason) => {
    expect(verify(tx, expected)).toMatchObject({ ok: false, reason });
  });

  it('figures the terminal left out are not held against it, but reported as unchecked', () => {
    let unchecked = 0;
    const tx = t({ amount: undefined, currency: undefined, terminalId: undefined });
    expect(verifyOutcome({ kind: 'approved', transaction: tx, receipt: { lines: [] } }, expected, () => unchecked++)).toEqual({ ok: true });
    expect(unchecked).toBe(1);
    expect(verify(t({ trace: 1 }), { ...expected, prevTrace: null })).toEqual({ ok: true });
  });

  it('currencies by ISO 4217 letters when known, else the three digits; figures as the API shows them', () => {
    expect(currencyCode(978)).toBe('EUR');
    expect(currencyCode(36)).toBe('036');
    expect(figuresOf(t({ currency: 978 }))).toEqual({ amount: 125_000, currency: 'EUR', trace: 12, receiptNo: 8, terminalId: '52001233' });
  });

  it('a decline with other figures keeps them (nothing charged); a matching one does not', () => {
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const declined: CardOutcome = { idempotencyKey: 'k', reference: 'r', operation: 'sale', amount: 125_000, currency: 'AED', result: 'declined', reason: 'DECLINED', resultCode: 5, receiptText: '', recovered: false };
    const other = t({ approved: false, resultCode: 5, amount: 100 });
    const result = { kind: 'declined' as const, reason: 'DECLINED', resultCode: 5, transaction: other, receipt: { lines: [] } };
    expect(withDeclinedFigures(declined, result, verify(other, expected), log)).toMatchObject({ result: 'declined', terminal: { amount: 100 } });
    expect(withDeclinedFigures(declined, { ...result, transaction: t({ approved: false }) }, { ok: true }, log)).not.toHaveProperty('terminal');
  });
});
