import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cardApi, outcomeSchema } from '../../../src/drivers/card/api.js';
import { SIM_PAN } from '../../../src/drivers/card/zvt/sim-messages.js';
import { makeRig, until, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sale = (r: Rig, key: string, amount = 1250, tx = 't1') =>
  r.driver.commands.sale({ amount, currency: 'AED', reference: `ref-${key}`, idempotencyKey: key }, r.ctx(tx));

for (const link of ['tcp', 'serial'] as const) {
  describe(`card driver against the ZVT simulator over ${link}`, () => {
    it('approves a sale with masked card, auth code, receipt, trace and receipt text; progress events carry the transaction', async () => {
      rig = await makeRig({ link });
      const out = outcomeSchema.parse(await sale(rig, 'k1'));
      if (out.result !== 'approved') throw new Error(`expected approved, got ${JSON.stringify(out)}`);
      expect(out.card).toEqual({ masked: '476173******0119', brand: 'visa' });
      expect(out.authCode).toMatch(/^\d{6}$/);
      expect(out.receiptNo).toBe(1);
      expect(out.trace).toBe(1);
      expect(out.terminalId).toBe('52001233');
      expect(out.receiptText).toContain('APPROVED');
      expect(out.receiptText).toContain('AED 12.50');
      const progress = rig.host.events.filter((e) => e.event === 'progress').map((e) => cardApi.events.progress.payload.parse(e.payload));
      expect(progress.map((p) => p.code)).toEqual(['PRESENT_CARD', 'AUTHORISING']);
      expect(progress[0]?.transaction).toBe('t1');
      expect(progress[0]?.messages.ar).toBeTruthy();
      expect(rig.sim.store.log.map((e) => e.command)).toEqual(['sale']);
      const journal = readFileSync(rig.journal.path, 'utf8');
      expect(journal).not.toContain(SIM_PAN);
      expect(journal.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['sale.intent', 'sale.outcome']);
    });
  });
}

describe('card driver outcomes and idempotency', () => {
  it('declines with a stable reason and the result code', async () => {
    rig = await makeRig();
    await rig.sim.commands.decline!({ resultCode: 0x71 });
    const out = await sale(rig, 'd1');
    expect(out).toMatchObject({ result: 'declined', reason: 'INSUFFICIENT_FUNDS', resultCode: 0x71 });
    expect(out.receiptText).toContain('DECLINED');
  });

  it('customer cancel and kiosk cancel end cancelled', async () => {
    rig = await makeRig();
    await rig.sim.commands.cancel!({});
    expect(await sale(rig, 'c1')).toMatchObject({ result: 'cancelled', reason: 'CUSTOMER_CANCELLED' });
    await rig.sim.commands.approve!({ holdAt: 'card' });
    const pending = sale(rig, 'c2');
    await until(() => rig!.host.events.some((e) => (e.payload as { idempotencyKey: string }).idempotencyKey === 'c2'), 'progress for c2');
    expect(await rig.driver.commands.cancel({}, rig.ctx())).toEqual({ requested: true });
    expect(await pending).toMatchObject({ result: 'cancelled', reason: 'KIOSK_CANCELLED' });
  });

  it('the same idempotency key never starts a second sale; in progress it answers DUPLICATE_REQUEST', async () => {
    rig = await makeRig();
    await rig.sim.commands.approve!({ holdAt: 'card' });
    const first = sale(rig, 'i1');
    await until(() => rig!.sim.store.log.length === 1, 'sale received');
    await expect(sale(rig, 'i1')).rejects.toMatchObject({ code: 'DUPLICATE_REQUEST' });
    rig.sim.terminal.release();
    const a = await first;
    const b = await sale(rig, 'i1');
    expect(b).toEqual({ ...a, replayed: true });
    await expect(rig.driver.commands.sale({ amount: 1, currency: 'AED', reference: 'ref-i1', idempotencyKey: 'i1' }, rig.ctx())).rejects.toMatchObject({ code: 'CARD_IDEMPOTENCY_MISMATCH' });
    expect(rig.sim.store.log.filter((e) => e.command === 'sale')).toHaveLength(1);
  });

  it('refuses with JOURNAL_UNAVAILABLE before touching the terminal', async () => {
    rig = await makeRig();
    await rig.journal.close(); // appends now fail
    await expect(sale(rig, 'j1')).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    await expect(sale(rig, 'j2')).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect(rig.sim.store.log).toHaveLength(0);
  });

  it('reverses an approved sale once; reversing again replays; refund and end of day work', async () => {
    rig = await makeRig();
    const s = await sale(rig, 'r1');
    expect(s.result).toBe('approved');
    const rev = await rig.driver.commands.reverse({ reference: 'ref-r1' }, rig.ctx());
    expect(rev).toMatchObject({ result: 'reversed', idempotencyKey: 'r1', recovered: false });
    expect(rev.receiptText).toContain('REVERSAL');
    expect(await rig.driver.commands.reverse({ idempotencyKey: 'r1' }, rig.ctx())).toEqual({ ...rev, replayed: true });
    const rec = await rig.driver.commands.transaction({ reference: 'ref-r1' }, rig.ctx());
    expect(rec).toMatchObject({ state: 'done', outcome: { result: 'approved' }, reversal: { state: 'done', outcome: { result: 'reversed' } } });
    expect((await sale(rig, 'r2')).result).toBe('approved');
    const refund = await rig.driver.commands.refund({ amount: 500, reference: 'ref-f1', idempotencyKey: 'f1', saleKey: 'r2' }, rig.ctx(undefined, 'technician'));
    expect(refund).toMatchObject({ result: 'approved', operation: 'refund', currency: 'AED' });
    const eod = await rig.driver.commands['end-of-day']({}, rig.ctx(undefined, 'technician'));
    expect(eod.result).toBe('ok');
    expect(eod.receiptText).toContain('END OF DAY');
    const st = await rig.driver.commands.status({}, rig.ctx());
    expect(st).toMatchObject({ connected: true, busy: false, terminalId: '52001233', softwareVersion: 'kioskd-sim 1.0', terminalStatus: 0, pendingRecovery: 0 });
    expect(rig.sim.store.log.map((e) => e.command)).toEqual(['sale', 'reversal', 'sale', 'refund']);
  });

  it('refunds only against an approved, unreversed sale of this journal, at most what is left, within the UI limit', async () => {
    rig = await makeRig({ config: { refunds: { uiLimit: 300 } } });
    const refund = (key: string, amount: number, saleKey: string, role: 'ui' | 'technician' = 'ui', currency: 'AED' | 'EUR' = 'AED') =>
      rig!.driver.commands.refund({ amount, currency, reference: `ref-${key}`, idempotencyKey: key, saleKey }, rig!.ctx(undefined, role));
    await expect(refund('x1', 100, 'no-such-sale')).rejects.toMatchObject({ code: 'CARD_REFUND_NO_SALE' });
    await sale(rig, 's1', 1000);
    await rig.sim.commands.decline?.({});
    expect((await sale(rig, 's-declined', 1000)).result).toBe('declined');
    await expect(refund('x2', 100, 's-declined')).rejects.toMatchObject({ code: 'CARD_REFUND_NO_SALE' });
    await expect(refund('x3', 301, 's1')).rejects.toMatchObject({ code: 'CARD_REFUND_OVER_LIMIT', details: { limit: 300 } });
    await expect(refund('x4', 100, 's1', 'ui', 'EUR')).rejects.toMatchObject({ code: 'CARD_CURRENCY_NOT_ACCEPTED' });
    expect(await refund('u1', 300, 's1')).toMatchObject({ result: 'approved', amount: 300 });
    expect(await refund('t1', 600, 's1', 'technician')).toMatchObject({ result: 'approved', amount: 600 });
    await expect(refund('t2', 101, 's1', 'technician')).rejects.toMatchObject({ code: 'CARD_REFUND_EXCEEDS_SALE', details: { left: 100, saleAmount: 1000 } });
    // the same key again replays, with a different sale it is a mismatch
    expect(await refund('u1', 300, 's1')).toMatchObject({ result: 'approved', replayed: true });
    await expect(refund('u1', 300, 's-declined')).rejects.toMatchObject({ code: 'CARD_IDEMPOTENCY_MISMATCH' });
    expect(await rig.driver.commands.transaction({ idempotencyKey: 't1' }, rig.ctx())).toMatchObject({ saleKey: 's1', operation: 'refund' });
    // a reversed sale cannot be refunded
    await sale(rig, 's2', 500);
    await rig.driver.commands.reverse({ idempotencyKey: 's2' }, rig.ctx());
    await expect(refund('x5', 100, 's2', 'technician')).rejects.toMatchObject({ code: 'CARD_REFUND_NO_SALE' });
    await expect(rig.driver.commands.sale({ amount: 100, currency: 'EUR', reference: 'ref-e', idempotencyKey: 'e1' }, rig.ctx())).rejects.toMatchObject({ code: 'CARD_CURRENCY_NOT_ACCEPTED' });
    expect(rig.sim.store.log.map((e) => [e.command, e.amount])).toEqual([['sale', 1000], ['sale', 1000], ['refund', 300], ['refund', 600], ['sale', 500], ['reversal', undefined]]);
  });
});

describe('card driver recovery', () => {
  it('a terminal that goes silent: the sale answers failed/unknown, then is reconciled (not charged) without resending', async () => {
    rig = await makeRig();
    await rig.sim.commands.silent!({ next: true });
    const out = await sale(rig, 's1');
    expect(out).toMatchObject({ result: 'failed', reason: 'TIMEOUT', charged: 'unknown' });
    await expect(sale(rig, 's1')).rejects.toMatchObject({ code: 'DUPLICATE_REQUEST' });
    await rig.sim.commands.silent!({ on: false });
    await until(() => rig!.host.events.some((e) => e.event === 'recovered'), 'recovered event', 400);
    const rec = rig.host.events.find((e) => e.event === 'recovered')?.payload;
    expect(rec).toMatchObject({ idempotencyKey: 's1', kind: 'sale', outcome: { result: 'failed', reason: 'NOT_COMPLETED', charged: 'no', recovered: true } });
    await until(() => rig!.host.status === 'ready', 'ready again');
    expect(await sale(rig, 's1')).toMatchObject({ result: 'failed', reason: 'NOT_COMPLETED', replayed: true });
    expect(rig.sim.store.log.filter((e) => e.command === 'sale')).toHaveLength(1);
  });

  it('power loss after the terminal booked the sale: reconciled as approved, then reversible', async () => {
    rig = await makeRig();
    await rig.sim.commands['power-loss']!({ charged: true, offMs: 300 });
    const out = await sale(rig, 'p1', 4000);
    expect(out).toMatchObject({ result: 'failed', reason: 'LINK_LOST', charged: 'unknown' });
    await until(() => rig!.host.events.some((e) => e.event === 'recovered'), 'recovered event', 400);
    const rec = await rig.driver.commands.transaction({ idempotencyKey: 'p1' }, rig.ctx());
    expect(rec).toMatchObject({ state: 'done', outcome: { result: 'approved', recovered: true, amount: 4000, card: { masked: '476173******0119' } } });
    await until(() => rig!.host.status === 'ready', 'ready again');
    expect(await rig.driver.commands.reverse({ idempotencyKey: 'p1' }, rig.ctx())).toMatchObject({ result: 'reversed' });
    expect(rig.sim.store.log.map((e) => e.command)).toEqual(['sale', 'reversal']);
  });

  it('power loss before the terminal booked it: reconciled as not charged', async () => {
    rig = await makeRig();
    await sale(rig, 'q0'); // the terminal has a last transaction with the same amount
    await rig.sim.commands['power-loss']!({ charged: false, offMs: 300 });
    expect(await sale(rig, 'q1')).toMatchObject({ result: 'failed', charged: 'unknown' });
    await until(() => rig!.host.events.some((e) => e.event === 'recovered'), 'recovered event', 400);
    const rec = await rig.driver.commands.transaction({ idempotencyKey: 'q1' }, rig.ctx());
    expect(rec.outcome).toMatchObject({ result: 'failed', reason: 'NOT_COMPLETED', charged: 'no' });
  });
});

describe('card driver concurrency', () => {
  it('two requests with the same key at the same instant: one sale, the other DUPLICATE_REQUEST', async () => {
    rig = await makeRig();
    const results = await Promise.allSettled([sale(rig, 'same'), sale(rig, 'same')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'DUPLICATE_REQUEST' });
    expect(rig.sim.store.log).toHaveLength(1);
  });

  it('another sale while one runs answers DEVICE_BUSY and sends nothing', async () => {
    rig = await makeRig();
    await rig.sim.commands.approve!({ holdAt: 'card' });
    const first = sale(rig, 'b1');
    await until(() => rig!.sim.store.log.length === 1, 'first sale received');
    await expect(sale(rig, 'b2')).rejects.toMatchObject({ code: 'DEVICE_BUSY' });
    rig.sim.terminal.release();
    expect((await first).result).toBe('approved');
    expect(rig.sim.store.log).toHaveLength(1);
    await expect(rig.driver.commands.transaction({ idempotencyKey: 'b2' }, rig.ctx())).rejects.toMatchObject({ code: 'CARD_TRANSACTION_UNKNOWN' });
  });
});
