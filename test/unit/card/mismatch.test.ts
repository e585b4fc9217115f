/**
 * Issue 13: a terminal that approved another amount or currency (1.00 EUR reported for a 1,250.00 AED
 * sale) was answered `approved`. Every outcome path now compares the terminal's own figures with the
 * request: a mismatch is never approved, is reversed at once where the protocol allows, is journaled with
 * both sets of figures, and waits on the technician's list. Against the ZVT simulator over TCP and over a
 * serial PTY (real framing, ACK/NAK).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cardApi, outcomeSchema, transactionRecordSchema } from '../../../src/drivers/card/api.js';
import { hasPty } from '../../helpers/env.js';
import { makeRig, until, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sale = (r: Rig, key: string, amount = 125_000) =>
  r.driver.commands.sale({ amount, currency: 'AED', reference: `ref-${key}`, idempotencyKey: key }, r.ctx(key));
const journalTypes = (r: Rig, key: string): string[] => r.journal.list({ stream: 'card', key }).map((e) => e.type);
const attention = (r: Rig) => cardApi.stateDetail.parse(r.host.detail).attention;

for (const link of ['tcp', 'serial'] as const) {
  describe.skipIf(link === 'serial' && !hasPty)(`terminal figures checked against the request, over ${link}`, () => {
    it('1.00 EUR approved for a 1,250.00 AED sale: failed/AMOUNT_MISMATCH with the terminal\'s figures, reversed at once, both journaled, listed', async () => {
      rig = await makeRig({ link });
      await rig.sim.commands.misreport!({ amount: 100, currency: 978 });
      const out = outcomeSchema.parse(await sale(rig, 'm1'));
      expect(out).toMatchObject({
        result: 'failed', reason: 'AMOUNT_MISMATCH', charged: 'no', amount: 125_000, currency: 'AED',
        terminal: { amount: 100, currency: 'EUR', receiptNo: 1, trace: 1, terminalId: '52001233' },
      });
      // the terminal got the sale and, at once, the reversal of the receipt it reported
      expect(rig.sim.store.log.map((e) => [e.command, e.receiptNo])).toEqual([['sale', undefined], ['reversal', 1]]);
      expect(rig.sim.store.byReceipt(1)?.reversed).toBe(true);
      expect(journalTypes(rig, 'm1')).toEqual(['sale.intent', 'sale.outcome', 'reversal.intent', 'reversal.outcome']);
      const [intent, outcome] = rig.journal.list({ stream: 'card', key: 'm1' });
      expect(intent?.data).toMatchObject({ amount: 125_000, currency: 'AED' });
      expect(outcome?.data).toMatchObject({ outcome: { reason: 'AMOUNT_MISMATCH', terminal: { amount: 100, currency: 'EUR' } } });
      expect(attention(rig)).toEqual([
        expect.objectContaining({ idempotencyKey: 'm1', operation: 'sale', reason: 'AMOUNT_MISMATCH', requested: { amount: 125_000, currency: 'AED' }, terminal: expect.objectContaining({ amount: 100, currency: 'EUR' }), charged: 'no' }),
      ]);
      expect(rig.host.counters.mismatches).toBe(1);
      // the same key never charges again; it answers what happened
      expect(await sale(rig, 'm1')).toMatchObject({ result: 'failed', reason: 'AMOUNT_MISMATCH', charged: 'no', replayed: true });
      expect(rig.sim.store.log).toHaveLength(2);
      // a technician settles it; the list empties
      expect(await rig.driver.commands.resolve({ idempotencyKey: 'm1', technician: 'tech-7', resolution: 'reversal seen on the terminal journal' }, rig.ctx())).toEqual({ idempotencyKey: 'm1', remaining: 0 });
      expect(attention(rig)).toEqual([]);
      expect(journalTypes(rig, 'm1').at(-1)).toBe('attention.resolved');
      await expect(rig.driver.commands.resolve({ idempotencyKey: 'm1', technician: 't', resolution: 'again' }, rig.ctx())).rejects.toMatchObject({ code: 'CARD_NOTHING_TO_RESOLVE' });
    });
  });
}

describe('terminal figures: the other paths', () => {
  it('the right amount in another currency is a mismatch too', async () => {
    rig = await makeRig();
    await rig.sim.commands.misreport!({ currency: 978 });
    expect(await sale(rig, 'c1')).toMatchObject({ result: 'failed', reason: 'AMOUNT_MISMATCH', charged: 'no', terminal: { amount: 125_000, currency: 'EUR' } });
  });

  it('an answer that is the terminal\'s previous transaction: TRANSACTION_MISMATCH, not reversed (not ours), listed, charged unknown', async () => {
    rig = await makeRig();
    expect((await sale(rig, 'p1', 500)).result).toBe('approved');
    await rig.sim.commands.misreport!({ previousTransaction: true });
    const out = await sale(rig, 'p2');
    expect(out).toMatchObject({ result: 'failed', reason: 'TRANSACTION_MISMATCH', charged: 'unknown', terminal: { amount: 500, trace: 1 } });
    expect(rig.sim.store.log.map((e) => e.command)).toEqual(['sale', 'sale']);
    expect(attention(rig)).toEqual([expect.objectContaining({ idempotencyKey: 'p2', reason: 'TRANSACTION_MISMATCH', charged: 'unknown' })]);
    // the first sale stands
    expect(transactionRecordSchema.parse(await rig.driver.commands.transaction({ idempotencyKey: 'p1' }, rig.ctx()))).toMatchObject({ outcome: { result: 'approved' } });
  });

  it('a reversal the terminal approves for other figures than the sale\'s is failed/AMOUNT_MISMATCH and listed', async () => {
    rig = await makeRig();
    expect((await sale(rig, 'r1', 900)).result).toBe('approved');
    // corrupt the simulated terminal's memory of the sale: it will reverse 1.00 instead of 9.00
    const tx = rig.sim.store.byReceipt(1)!;
    (tx as { amount: number }).amount = 100;
    const rev = await rig.driver.commands.reverse({ idempotencyKey: 'r1' }, rig.ctx());
    expect(rev).toMatchObject({ result: 'failed', reason: 'AMOUNT_MISMATCH', terminal: { amount: 100 } });
    expect(attention(rig)).toEqual([expect.objectContaining({ idempotencyKey: 'r1', operation: 'reversal', reason: 'AMOUNT_MISMATCH' })]);
  });

  it('reconciliation after a lost link compares currency too: RECONCILE_MISMATCH with the figures, listed', async () => {
    rig = await makeRig();
    // the terminal books the sale and loses power before it can say so; its memory says EUR
    await rig.sim.commands['power-loss']!({ charged: true, offMs: 300 });
    const booked = sale(rig, 'x1');
    await until(() => rig!.sim.store.last !== undefined, 'booked');
    (rig.sim.store.last as { currency: number }).currency = 978;
    expect(await booked).toMatchObject({ result: 'failed', charged: 'unknown' });
    await until(() => rig!.host.events.some((e) => e.event === 'recovered'), 'reconciliation');
    const rec = cardApi.events.recovered.payload.parse(rig.host.events.find((e) => e.event === 'recovered')?.payload);
    expect(rec.outcome).toMatchObject({ result: 'failed', reason: 'RECONCILE_MISMATCH', charged: 'unknown', terminal: { currency: 'EUR' } });
    await until(() => attention(rig!).length === 1, 'listed');
  });

  it('a matching approval stays approved and nothing is listed', async () => {
    rig = await makeRig();
    expect((await sale(rig, 'ok1')).result).toBe('approved');
    expect(attention(rig)).toEqual([]);
    expect(rig.host.counters.mismatches).toBeUndefined();
  });
});
