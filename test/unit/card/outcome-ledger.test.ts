/**
 * The card's money rules in isolation: what each terminal answer becomes, how a lost outcome (sale or
 * reversal) is reconciled from the terminal's last transaction, which operations stay pending in the
 * ledger (folded back from the journal), and when a refund may go to the terminal.
 */
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import type { CardOutcome, CardReversal } from '../../../src/drivers/card/api.js';
import { CardLedger, type OperationRecord } from '../../../src/drivers/card/ledger.js';
import { fromTerminal, mismatchOutcome, reconcileOperation, reconcileReversal, reversalFromTerminal, traceAfter, unknownOutcome } from '../../../src/drivers/card/outcome.js';
import { checkRefund } from '../../../src/drivers/card/refund-policy.js';
import type { LastTransaction, TerminalOutcome, TerminalTransaction } from '../../../src/drivers/card/terminal.js';
import { MemoryJournalFs } from '../../helpers/memory-journal-fs.js';

const record: OperationRecord = { key: 'k1', operation: 'sale', reference: 'fee-1', amount: 1000, currency: 'AED', prevTrace: 7, outcome: undefined, reversal: undefined };
const txn = (over: Partial<TerminalTransaction> = {}): TerminalTransaction => ({
  approved: true, resultCode: 0, amount: 1000, currency: 784, card: { masked: '476173******0119', brand: 'visa' }, authCode: '123456', receiptNo: 9, trace: 8, terminalId: 'T1', ...over,
});
const receipt = { lines: ['LINE 1', 'LINE 2'] };
const known = (over: Partial<TerminalTransaction> = {}): LastTransaction => ({ kind: 'known', transaction: txn(over), receipt });
const base = { idempotencyKey: 'k1', reference: 'fee-1', operation: 'sale', amount: 1000, currency: 'AED' };

describe('terminal answer -> outcome', () => {
  it('approved keeps the masked card, auth code, receipt number, trace, terminal and receipt text', () => {
    expect(fromTerminal(record, { kind: 'approved', transaction: txn(), receipt }, false)).toStrictEqual({
      ...base, result: 'approved', card: { masked: '476173******0119', brand: 'visa' }, authCode: '123456', receiptNo: 9, trace: 8, terminalId: 'T1', receiptText: 'LINE 1\nLINE 2', recovered: false,
    });
    const bare = txn({ card: undefined, authCode: undefined, receiptNo: undefined, trace: undefined, terminalId: undefined });
    expect(fromTerminal(record, { kind: 'approved', transaction: bare, receipt: { lines: [] } }, false)).toStrictEqual({ ...base, result: 'approved', card: { masked: '', brand: 'unknown' }, receiptText: '', recovered: false });
  });

  it('declined, cancelled (by the customer or by the kiosk) and failed (nothing charged)', () => {
    expect(fromTerminal(record, { kind: 'declined', reason: 'INSUFFICIENT_FUNDS', resultCode: 0x71, transaction: undefined, receipt }, false)).toEqual({
      ...base, result: 'declined', reason: 'INSUFFICIENT_FUNDS', resultCode: 0x71, receiptText: 'LINE 1\nLINE 2', recovered: false,
    });
    const cancelled: TerminalOutcome = { kind: 'cancelled', resultCode: 0x6c, receipt };
    expect(fromTerminal(record, cancelled, false)).toStrictEqual({ ...base, result: 'cancelled', reason: 'CUSTOMER_CANCELLED', receiptText: 'LINE 1\nLINE 2', recovered: false });
    expect(fromTerminal(record, cancelled, true)).toStrictEqual({ ...base, result: 'cancelled', reason: 'KIOSK_CANCELLED', receiptText: 'LINE 1\nLINE 2', recovered: false });
    expect(fromTerminal(record, { kind: 'failed', reason: 'HOST_UNREACHABLE', resultCode: 0xa0, receipt }, false)).toEqual({
      ...base, result: 'failed', reason: 'HOST_UNREACHABLE', charged: 'no', receiptText: 'LINE 1\nLINE 2', recovered: false,
    });
    expect(unknownOutcome(record, 'LINK_LOST')).toEqual({ ...base, result: 'failed', reason: 'LINK_LOST', charged: 'unknown', receiptText: '', recovered: false });
  });

  it('the trace an answer leaves: approved and declined carry one, cancelled and failed do not', () => {
    expect(traceAfter({ kind: 'approved', transaction: txn({ trace: 12 }), receipt })).toBe(12);
    expect(traceAfter({ kind: 'declined', reason: 'D', resultCode: 5, transaction: txn({ trace: 13 }), receipt })).toBe(13);
    expect(traceAfter({ kind: 'declined', reason: 'D', resultCode: 5, transaction: undefined, receipt })).toBeUndefined();
    expect(traceAfter({ kind: 'cancelled', resultCode: 0x6c, receipt })).toBeUndefined();
    // a terminal outcome that carries a transaction it should not (cancelled / failed) still leaves no trace
    expect(traceAfter({ kind: 'failed', reason: 'X', resultCode: 1, receipt, transaction: txn({ trace: 14 }) } as TerminalOutcome)).toBeUndefined();
    expect(traceAfter({ kind: 'failed', reason: 'X', resultCode: 1, receipt })).toBeUndefined();
  });
});

describe('an approval with other figures is never approved', () => {
  it('another amount: failed, charged yes, with the terminal\'s figures; another transaction: charged unknown', () => {
    expect(mismatchOutcome(record, 'AMOUNT_MISMATCH', txn({ amount: 1500 }), ['R'])).toStrictEqual({
      ...base, result: 'failed', reason: 'AMOUNT_MISMATCH', charged: 'yes', terminal: { amount: 1500, currency: 'AED', trace: 8, receiptNo: 9, terminalId: 'T1' }, receiptText: 'R', recovered: false,
    });
    expect(mismatchOutcome(record, 'TRANSACTION_MISMATCH', txn(), ['A', 'B'])).toMatchObject({ reason: 'TRANSACTION_MISMATCH', charged: 'unknown', receiptText: 'A\nB' });
  });

  it('reconciling: another currency than the operation\'s is a mismatch too; a reversal of a refused sale looks for what was charged', () => {
    expect(reconcileOperation(record, known({ currency: 978 }))).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH', terminal: { currency: 'EUR' } });
    expect(reconcileOperation({ ...record, currency: 'XYZ' }, known({ currency: 978 }))).toMatchObject({ result: 'approved' });
    expect(reconcileOperation(record, known({ currency: undefined }))).toMatchObject({ result: 'approved' });
    expect(reconcileOperation(record, known({ amount: undefined, currency: 978 }))).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH' });
    const refused: OperationRecord = { ...record, outcome: mismatchOutcome(record, 'AMOUNT_MISMATCH', txn({ amount: 1500 }), []) };
    expect(reconcileReversal(refused, 8, known({ trace: 9, amount: 1500 }))).toMatchObject({ result: 'reversed', trace: 9 });
    expect(reconcileReversal(refused, 8, known({ trace: 9, amount: 1000 }))).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH' });
    // refused for its currency: the reversal looks for the charged currency
    const otherCurrency: OperationRecord = { ...record, outcome: mismatchOutcome(record, 'AMOUNT_MISMATCH', txn({ currency: 978 }), []) };
    expect(reconcileReversal(otherCurrency, 8, known({ trace: 9, currency: 978 }))).toMatchObject({ result: 'reversed' });
    expect(reconcileReversal(otherCurrency, 8, known({ trace: 9, currency: 784 }))).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH' });
  });
});

describe('reconciling a lost sale outcome', () => {
  it('a new trace with our amount: approved or declined as the terminal says, recovered, with its receipt', () => {
    expect(reconcileOperation(record, known())).toStrictEqual({
      ...base, result: 'approved', card: { masked: '476173******0119', brand: 'visa' }, authCode: '123456', receiptNo: 9, trace: 8, terminalId: 'T1', receiptText: 'LINE 1\nLINE 2', recovered: true,
    });
    expect(reconcileOperation(record, known({ approved: false, resultCode: 5 }))).toEqual({ ...base, result: 'declined', reason: 'DECLINED', resultCode: 5, receiptText: 'LINE 1\nLINE 2', recovered: true });
    expect(reconcileOperation(record, known({ amount: undefined }))).toMatchObject({ result: 'approved' });
  });

  it('no transaction, no trace, or the trace from before: never ran, not charged', () => {
    for (const last of [{ kind: 'none' } as const, known({ trace: undefined }), known({ trace: 7 })]) {
      expect(reconcileOperation(record, last)).toEqual({ ...base, result: 'failed', reason: 'NOT_COMPLETED', charged: 'no', receiptText: '', recovered: true });
    }
    expect(reconcileOperation({ ...record, prevTrace: null }, known())).toMatchObject({ result: 'approved' });
  });

  it('a new trace with another amount is not guessed at', () => {
    expect(reconcileOperation(record, known({ amount: 999 }))).toEqual({
      ...base, result: 'failed', reason: 'RECONCILE_MISMATCH', charged: 'unknown', terminal: expect.objectContaining({ amount: 999, trace: 8 }), receiptText: '', recovered: true,
    });
  });
});

describe('reversals', () => {
  const common = { idempotencyKey: 'k1', reference: 'fee-1' };
  it('from the terminal: approved = reversed (with receipt number and trace), declined, cancelled and failed', () => {
    expect(reversalFromTerminal(record, { kind: 'approved', transaction: txn({ receiptNo: 10, trace: 9 }), receipt })).toEqual({
      ...common, result: 'reversed', receiptNo: 10, trace: 9, receiptText: 'LINE 1\nLINE 2', recovered: false,
    });
    expect(reversalFromTerminal(record, { kind: 'approved', transaction: txn({ receiptNo: undefined, trace: undefined }), receipt }, true)).toStrictEqual({
      ...common, result: 'reversed', receiptText: 'LINE 1\nLINE 2', recovered: true,
    });
    expect(reversalFromTerminal(record, { kind: 'declined', reason: 'DECLINED', resultCode: 5, transaction: undefined, receipt })).toEqual({ ...common, result: 'declined', reason: 'DECLINED', receiptText: 'LINE 1\nLINE 2', recovered: false });
    expect(reversalFromTerminal(record, { kind: 'cancelled', resultCode: 0x6c, receipt })).toEqual({ ...common, result: 'failed', reason: 'CANCELLED', receiptText: 'LINE 1\nLINE 2', recovered: false });
    expect(reversalFromTerminal(record, { kind: 'failed', reason: 'TERMINAL_ERROR', resultCode: 1, receipt })).toEqual({ ...common, result: 'failed', reason: 'TERMINAL_ERROR', receiptText: 'LINE 1\nLINE 2', recovered: false });
  });

  it('reconciled: an approved new transaction is reversed, a declined one is declined — never the other way round', () => {
    expect(reconcileReversal(record, 8, known({ trace: 9, receiptNo: 10 }))).toEqual({ ...common, recovered: true, result: 'reversed', receiptText: 'LINE 1\nLINE 2', receiptNo: 10, trace: 9 });
    expect(reconcileReversal(record, 8, known({ trace: 9, receiptNo: undefined }))).toStrictEqual({ ...common, recovered: true, result: 'reversed', receiptText: 'LINE 1\nLINE 2', trace: 9 });
    expect(reconcileReversal(record, 8, known({ trace: 9, approved: false, resultCode: 5 }))).toEqual({ ...common, recovered: true, result: 'declined', reason: 'DECLINED', receiptText: 'LINE 1\nLINE 2' });
  });

  it('reconciled: the reversal never ran (same trace, none) or another amount ran', () => {
    expect(reconcileReversal(record, 8, known({ trace: 8 }))).toEqual({ ...common, recovered: true, result: 'failed', reason: 'NOT_COMPLETED', receiptText: '' });
    expect(reconcileReversal(record, null, { kind: 'none' })).toEqual({ ...common, recovered: true, result: 'failed', reason: 'NOT_COMPLETED', receiptText: '' });
    expect(reconcileReversal(record, 8, known({ trace: 9, amount: 5 }))).toEqual({ ...common, recovered: true, result: 'failed', reason: 'RECONCILE_MISMATCH', terminal: expect.objectContaining({ amount: 5, trace: 9 }), receiptText: '' });
  });
});

async function ledgerOn(fs = new MemoryJournalFs()): Promise<{ ledger: CardLedger; journal: Journal; fs: MemoryJournalFs }> {
  const journal = await Journal.open('/j/money.jsonl', { fs, mirrorPath: '/m/money.jsonl', now: () => '2026-01-01T00:00:00.000Z' });
  return { ledger: new CardLedger(journal), journal, fs };
}

const approved = (key: string, trace?: number): CardOutcome => ({ idempotencyKey: key, reference: `r-${key}`, operation: 'sale', amount: 1000, currency: 'AED', result: 'approved', card: { masked: '', brand: 'x' }, receiptText: '', recovered: false, ...(trace !== undefined ? { trace } : {}) });
const reversed = (key: string, trace?: number): CardReversal => ({ idempotencyKey: key, reference: `r-${key}`, result: 'reversed', receiptText: '', recovered: false, ...(trace !== undefined ? { trace } : {}) });

describe('card ledger (folded back from the journal)', () => {
  it('pending: operations without an outcome, and reversals without one even when their sale has one; oldest first', async () => {
    const { ledger, journal, fs } = await ledgerOn();
    const a = await ledger.intent({ key: 'a', operation: 'sale', reference: 'r-a', amount: 1000, currency: 'AED', prevTrace: null });
    const b = await ledger.intent({ key: 'b', operation: 'refund', reference: 'r-b', amount: 300, currency: 'AED', prevTrace: 1, saleKey: 'a' });
    expect(ledger.pending().map((r) => r.key)).toEqual(['a', 'b']);
    await ledger.outcome(a, approved('a', 2));
    expect(ledger.pending().map((r) => r.key)).toEqual(['b']);
    await ledger.reversalIntent(a, 9, 2);
    expect(ledger.pending().map((r) => r.key)).toEqual(['a', 'b']);
    await ledger.outcome(b, { ...approved('b'), operation: 'refund', amount: 300 });
    expect(ledger.pending().map((r) => r.key)).toEqual(['a']);
    await ledger.reversalOutcome(a, reversed('a', 3));
    expect(ledger.pending()).toEqual([]);
    await journal.close();
    const again = new CardLedger(await Journal.open('/j/money.jsonl', { fs, mirrorPath: '/m/money.jsonl' }));
    expect(again.pending()).toEqual([]);
    expect(again.get('a')).toMatchObject({ prevTrace: null, outcome: { result: 'approved' }, reversal: { receiptNo: 9, prevTrace: 2, outcome: { result: 'reversed' } } });
    expect(again.get('b')).toMatchObject({ operation: 'refund', saleKey: 'a', prevTrace: 1 });
    expect(again.find({ reference: 'r-b' })?.key).toBe('b');
    expect(again.find({ idempotencyKey: 'zz' })).toBeUndefined();
    expect(again.find({})).toBeUndefined();
    expect(again.toRecord(again.get('a') as OperationRecord)).toStrictEqual({
      idempotencyKey: 'a', reference: 'r-a', operation: 'sale', amount: 1000, currency: 'AED', state: 'done', outcome: approved('a', 2),
      reversal: { state: 'done', outcome: reversed('a', 3) },
    });
    expect(again.toRecord(again.get('b') as OperationRecord)).toStrictEqual({
      idempotencyKey: 'b', reference: 'r-b', operation: 'refund', amount: 300, currency: 'AED', saleKey: 'a', state: 'done', outcome: { ...approved('b'), operation: 'refund', amount: 300 },
    });
  });

  it('fields a journal line may lack, and types that are not the ledger\'s, change nothing they should not', async () => {
    const { ledger, journal } = await ledgerOn();
    await journal.append({ stream: 'card', type: 'sale.intent', key: 'n', data: { operation: 'sale', reference: 'r-n', amount: 5, currency: 'AED' } });
    await journal.append({ stream: 'card', type: 'reversal.intent', key: 'n', data: { receiptNo: 3 } });
    await journal.append({ stream: 'card', type: 'end-of-day', key: 'n', data: { reversal: reversed('n') } });
    const again = new CardLedger(journal);
    expect(again.get('n')).toStrictEqual({ key: 'n', operation: 'sale', reference: 'r-n', amount: 5, currency: 'AED', prevTrace: null, outcome: undefined, reversal: { receiptNo: 3, prevTrace: null, outcome: undefined } });
    expect(again.pending().map((r) => r.key)).toEqual(['n']);
    expect(ledger.toRecord(again.get('n') as OperationRecord)).toStrictEqual({ idempotencyKey: 'n', reference: 'r-n', operation: 'sale', amount: 5, currency: 'AED', state: 'pending', reversal: { state: 'pending' } });
    expect(again.find({ reference: 'r-n' })?.key).toBe('n');
    expect(again.find({ idempotencyKey: 'n', reference: 'other' })?.key).toBe('n');
    expect(again.find({ reference: 'nope' })).toBeUndefined();
  });

  it('a pending reversal survives a restart as pending, with the trace it started from', async () => {
    const { ledger, journal, fs } = await ledgerOn();
    const a = await ledger.intent({ key: 'a', operation: 'sale', reference: 'r-a', amount: 1000, currency: 'AED', prevTrace: 4 });
    await ledger.outcome(a, approved('a', 5));
    await ledger.reversalIntent(a, 9, 5);
    await journal.close();
    const again = new CardLedger(await Journal.open('/j/money.jsonl', { fs, mirrorPath: '/m/money.jsonl' }));
    expect(again.pending().map((r) => [r.key, r.reversal?.prevTrace, r.reversal?.outcome])).toEqual([['a', 5, undefined]]);
    expect(again.toRecord(again.get('a') as OperationRecord)).toMatchObject({ state: 'done', reversal: { state: 'pending' } });
    expect(again.toRecord(again.get('a') as OperationRecord).reversal).not.toHaveProperty('outcome');
  });

  it('records for unknown keys and reversal outcomes without an intent are ignored; other streams too', async () => {
    const { ledger, journal } = await ledgerOn();
    await journal.append({ stream: 'card', type: 'sale.outcome', key: 'ghost', data: { outcome: approved('ghost') } });
    await journal.append({ stream: 'card', type: 'reversal.intent', key: 'ghost', data: { receiptNo: 1 } });
    await journal.append({ stream: 'cash', type: 'sale.intent', key: 'cashy', data: { amount: 5 } });
    const a = await ledger.intent({ key: 'a', operation: 'sale', reference: 'r-a', amount: 1000, currency: 'AED', prevTrace: 1 });
    await journal.append({ stream: 'card', type: 'reversal.outcome', key: 'a', data: { reversal: reversed('a') } });
    const again = new CardLedger(journal);
    expect(again.get('ghost')).toBeUndefined();
    expect(again.get('cashy')).toBeUndefined();
    expect(again.get('a')?.reversal).toBeUndefined();
    expect(a.outcome).toBeUndefined();
  });

  it('a technician\'s resolution of a mismatch is journaled and folded back; all() lists every operation', async () => {
    const { ledger, journal, fs } = await ledgerOn();
    const a = await ledger.intent({ key: 'a', operation: 'sale', reference: 'r-a', amount: 1000, currency: 'AED', prevTrace: 1 });
    await ledger.intent({ key: 'b', operation: 'sale', reference: 'r-b', amount: 500, currency: 'AED', prevTrace: 1 });
    await ledger.resolved(a, 'tech-1', 'checked the terminal journal');
    expect(journal.list({ type: 'attention.resolved' }).map((e) => [e.key, e.data])).toEqual([['a', { technician: 'tech-1', resolution: 'checked the terminal journal' }]]);
    await journal.close();
    const again = new CardLedger(await Journal.open('/j/money.jsonl', { fs, mirrorPath: '/m/money.jsonl' }));
    expect(again.get('a')?.resolved).toStrictEqual({ technician: 'tech-1', resolution: 'checked the terminal journal', at: '2026-01-01T00:00:00.000Z' });
    expect(again.get('b')?.resolved).toBeUndefined();
    expect([...again.all()].map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('refunded against a sale: approved, pending and unknown-outcome refunds count; declined, cancelled and not-charged do not', async () => {
    const { ledger } = await ledgerOn();
    const refund = async (key: string, amount: number, outcome?: Partial<CardOutcome>) => {
      const r = await ledger.intent({ key, operation: 'refund', reference: `r-${key}`, amount, currency: 'AED', prevTrace: 1, saleKey: 's' });
      if (outcome) await ledger.outcome(r, { ...approved(key), operation: 'refund', amount, ...outcome } as CardOutcome);
    };
    await refund('ok', 100, {});
    await refund('pending', 200);
    await refund('unknown', 400, { result: 'failed', reason: 'LINK_LOST', charged: 'unknown' });
    await refund('declined', 800, { result: 'declined', reason: 'D' });
    await refund('cancelled', 1600, { result: 'cancelled', reason: 'CUSTOMER_CANCELLED' });
    await refund('failed', 3200, { result: 'failed', reason: 'X', charged: 'no' });
    await ledger.intent({ key: 'other-sale', operation: 'refund', reference: 'r-o', amount: 6400, currency: 'AED', prevTrace: 1, saleKey: 'other' });
    await ledger.intent({ key: 's', operation: 'sale', reference: 'r-s', amount: 12800, currency: 'AED', prevTrace: 1 });
    expect(ledger.refundedAgainst('s')).toBe(700);
    expect(ledger.refundedAgainst('other')).toBe(6400);
  });

  it('refuses to start anything without a writable journal; quarantined keys come from the journal', async () => {
    expect(() => new CardLedger(undefined).ensureWritable()).toThrow(expect.objectContaining({ code: 'JOURNAL_UNAVAILABLE', message: 'no payment journal configured' }) as Error);
    const { ledger, journal, fs } = await ledgerOn();
    await journal.append({ stream: 'journal', type: 'journal.recovered', key: 'rec', data: { quarantined: [{ stream: 'card', key: 'lost' }] } });
    expect(ledger.quarantined('lost')).toBe(true);
    expect(ledger.quarantined('other')).toBe(false);
    expect(new CardLedger(undefined).quarantined('lost')).toBe(false);
    ledger.ensureWritable();
    fs.fail = () => {
      throw new Error('EIO');
    };
    await expect(ledger.note('end-of-day', 'e', {})).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect(() => ledger.ensureWritable()).toThrow(expect.objectContaining({ code: 'JOURNAL_UNAVAILABLE' }) as Error);
  });
});

describe('refund policy', () => {
  async function withSale(over: Partial<CardOutcome> = {}, reversal?: CardReversal | 'pending'): Promise<CardLedger> {
    const { ledger } = await ledgerOn();
    const s = await ledger.intent({ key: 's', operation: 'sale', reference: 'r-s', amount: 1000, currency: 'AED', prevTrace: 1 });
    await ledger.outcome(s, { ...approved('s'), ...over } as CardOutcome);
    if (reversal) {
      await ledger.reversalIntent(s, 9, 2);
      if (reversal !== 'pending') await ledger.reversalOutcome(s, reversal);
    }
    return ledger;
  }
  const req = (amount: number, saleKey = 's', currency = 'AED') => ({ amount, saleKey, currency });

  it('needs an approved sale of this journal, unreversed, in its currency', async () => {
    const ledger = await withSale();
    expect(() => checkRefund(ledger, req(100, 'none'), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_NO_SALE', message: "no approved sale with idempotency key none in this kiosk's journal" }) as Error);
    expect(() => checkRefund(ledger, req(100, 's', 'EUR'), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_EXCEEDS_SALE', message: 'sale s was in AED, not EUR' }) as Error);
    const refundLedger = await ledgerOn();
    await refundLedger.ledger.intent({ key: 's', operation: 'refund', reference: 'r', amount: 1000, currency: 'AED', prevTrace: 1, saleKey: 'x' });
    expect(() => checkRefund(refundLedger.ledger, req(100), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_NO_SALE' }) as Error);
    const cases: Array<[Partial<CardOutcome>, CardReversal | 'pending' | undefined, string]> = [
      [{ result: 'declined', reason: 'D' }, undefined, 'CARD_REFUND_NO_SALE'],
      [{}, reversed('s'), 'CARD_REFUND_NO_SALE'],
      [{}, 'pending', 'CARD_REFUND_NO_SALE'],
      [{}, { ...reversed('s'), result: 'declined' }, 'ok'],
      [{}, { ...reversed('s'), result: 'failed' }, 'ok'],
    ];
    for (const [over, reversal, code] of cases) {
      const l = await withSale(over, reversal);
      let got = 'ok';
      try {
        checkRefund(l, req(100), 'technician', 0);
      } catch (err) {
        got = (err as { code: string }).code;
        if (reversal) expect((err as Error).message).toBe('sale s was reversed (or its reversal is being reconciled)');
      }
      expect(got, JSON.stringify({ over, reversal })).toBe(code);
    }
    // a refund is not a sale, even an approved one
    const refundAsSale = await ledgerOn();
    const f = await refundAsSale.ledger.intent({ key: 's', operation: 'refund', reference: 'r-s', amount: 1000, currency: 'AED', prevTrace: 1, saleKey: 'x' });
    await refundAsSale.ledger.outcome(f, { ...approved('s'), operation: 'refund' });
    expect(() => checkRefund(refundAsSale.ledger, req(100), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_NO_SALE' }) as Error);
    // a sale whose outcome is still unknown (pending) cannot be refunded either
    const pending = await ledgerOn();
    await pending.ledger.intent({ key: 's', operation: 'sale', reference: 'r-s', amount: 1000, currency: 'AED', prevTrace: 1 });
    expect(() => checkRefund(pending.ledger, req(100), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_NO_SALE' }) as Error);
  });

  it('at most what is left of the sale; the UI within its limit, the technician up to the sale', async () => {
    const ledger = await withSale();
    expect(() => checkRefund(ledger, req(1000), 'technician', 0)).not.toThrow();
    expect(() => checkRefund(ledger, req(1001), 'technician', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_EXCEEDS_SALE' }) as Error);
    expect(() => checkRefund(ledger, req(300), 'ui', 300)).not.toThrow();
    expect(() => checkRefund(ledger, req(301), 'ui', 300)).toThrow(
      expect.objectContaining({ code: 'CARD_REFUND_OVER_LIMIT', message: 'a refund from the ui role may be at most 300; a technician may refund more', details: { limit: 300 } }) as Error,
    );
    expect(() => checkRefund(ledger, req(1), 'fleet', 0)).toThrow(expect.objectContaining({ code: 'CARD_REFUND_OVER_LIMIT' }) as Error);
    await ledger.intent({ key: 'f1', operation: 'refund', reference: 'r-f1', amount: 600, currency: 'AED', prevTrace: 1, saleKey: 's' });
    expect(() => checkRefund(ledger, req(400), 'technician', 0)).not.toThrow();
    expect(() => checkRefund(ledger, req(401), 'technician', 0)).toThrow(
      expect.objectContaining({ code: 'CARD_REFUND_EXCEEDS_SALE', message: 'at most 400 of sale s (1000) is left to refund', details: { left: 400, saleAmount: 1000 } }) as Error,
    );
  });
});
