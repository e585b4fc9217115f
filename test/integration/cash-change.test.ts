/**
 * Change and refunds over MQTT, end to end: the real daemon, the simulated SSP validator with its note
 * recycler (eSSP: payouts are refused in clear) and simulated ccTalk hoppers, real bytes over PTYs, a
 * real Mosquitto. Every scenario checks three records that must agree: the MQTT answers (the citizen's
 * outcome), the journal on disk, and the simulators' own counts of what they took and paid out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashApi } from '../../src/drivers/cash/api.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

const config = {
  simulation: true,
  devices: {
    cash: {
      validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
      coinAcceptor: { pollIntervalMs: 30 },
      payout: { recycler: true, recycle: [500, 1000], nearEmpty: 2 },
      hoppers: { units: [{ address: 3, value: 100 }, { address: 4, value: 200 }], pollIntervalMs: 30 },
      simulator: { stepMs: 60, hopperStepMs: 20, recyclerFloat: { '500': 4, '1000': 3 } },
    },
  },
};

type AcceptOut = ReturnType<typeof cashApi.commands.accept.output.parse>;
interface Line { type: string; key: string; data: Record<string, unknown> }
interface Counts { stored: Record<string, number>; notesDispensed: Record<string, number>; hoppers: { value: number; level: number; dispensed: number }[]; paidOutTotal: number }

describe.skipIf(!hasMosquitto)('cash change and refunds over MQTT (recycler + hoppers simulated over PTYs)', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;

  const sim = async (cmd: string, payload: Record<string, unknown> = {}) => {
    const res = await probe.sim('cash', cmd, payload);
    if (res.status !== 'ok') throw new Error(`sim ${cmd}: ${JSON.stringify(res)}`);
    return res.data as Record<string, unknown>;
  };
  const ok = async (cmd: string, payload: Record<string, unknown>, technician = false) => {
    const res = technician ? await probe.technician('cash', cmd, payload, { timeoutMs: 60_000 }) : await probe.request('cash', cmd, payload, { timeoutMs: 60_000 });
    if (res.status !== 'ok') throw new Error(`${cmd}: ${JSON.stringify(res)}`);
    return res.data as Record<string, unknown>;
  };
  const ready = () => probe.waitFor('device/cash/state', (p: { status: string }) => p.status === 'ready', 20_000);
  const startAccept = async (amountDue: number, transaction: string, extra: Record<string, unknown> = {}): Promise<{ answer: Promise<AcceptOut> }> => {
    const busy = probe.next('device/cash/state', (p: { status: string; detail: { accepting: boolean } }) => p.status === 'busy' && p.detail.accepting);
    const answer = probe.request('cash', 'accept', { amountDue, currency: 'EUR', timeoutMs: 60_000, transaction, ...extra }, { timeoutMs: 90_000 }).then((r) => {
      if (r.status !== 'ok') throw new Error(`accept: ${JSON.stringify(r)}`);
      return cashApi.commands.accept.output.parse(r.data);
    });
    answer.catch(() => undefined);
    await busy.catch((err: unknown) => {
      const states = probe.messages.filter((m) => m.topic.endsWith('cash/state')).slice(-3).map((m) => JSON.stringify(m.payload).slice(0, 300));
      throw new Error(`${(err as Error).message}\n${states.join('\n')}`);
    });
    return { answer };
  };
  const insertNote = async (value: number) => {
    const credit = probe.next('device/cash/event/credit', (p: { value: number; source: string }) => p.value === value && p.source === 'note');
    credit.catch(() => undefined);
    const t = Date.now();
    const taken = await sim('insert-note', { value });
    if (process.env.CASH_DEBUG) process.stderr.write(`insert-note ${value} ${JSON.stringify(taken)} after ${Date.now() - t} ms\n`);
    expect(taken).toEqual({ taken: true });
    return (await credit).payload as { total: number; route?: string };
  };
  const journal = (): Line[] => readFileSync(join(kiosk.stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  const finished = (payoutId: string) => journal().find((e) => e.type === 'payout.finished' && e.key === payoutId)?.data;
  const counts = async () => (await sim('payout-counts')) as unknown as Counts;
  /** Everything the journal says left the devices equals what the simulators say they paid out. */
  const agree = async () => {
    const paid = journal().filter((e) => e.type === 'payout.finished').reduce((a, e) => a + Number(e.data.paid), 0);
    const c = await counts();
    expect(c.paidOutTotal).toBe(paid);
    const levels = (await ok('levels', {})) as { notes: { value: number; count: number }[]; coins: { value: number; count: number }[] };
    for (const n of levels.notes) expect(n.count, `notes of ${n.value}`).toBe(c.stored[String(n.value)] ?? 0);
    for (const h of c.hoppers) expect(levels.coins.find((x) => x.value === h.value)?.count, `coins of ${h.value}`).toBe(h.level);
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config });
    probe = await Probe.connect(broker.url, kiosk.base);
    await ready();
    // the technician fills the hoppers: coins poured in, their count told to kioskd
    await sim('pour-coins', { value: 100, count: 10 });
    await sim('pour-coins', { value: 200, count: 10 });
    await ok('refill', { technician: 'T-7', coins: { '100': 10, '200': 10 } }, true);
  }, 60_000);
  afterAll(async () => {
    if (process.env.CASH_DEBUG) for (const l of kiosk?.logs ?? []) if (l.includes('"device":"cash"')) process.stderr.write(l);
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
  });

  it('refuses a refill from the UI namespace (technician only)', async () => {
    const res = await probe.request('cash', 'refill', { technician: 'x', coins: { '100': 1 } });
    expect(res).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
  });

  it('exact fee: no payout, the note routed to the recycler', async () => {
    const { answer } = await startAccept(1000, 'tx-exact');
    expect((await insertNote(1000)).route).toBe('payout');
    expect(await answer).toMatchObject({ status: 'paid', total: 1000, change: 0, paidOut: 0, voucherAmount: 0, voucher: false, payout: null, refundable: true });
    await agree();
  });

  it('overpay: the change is paid in notes and coins, journaled before and after, the levels agree', async () => {
    const { answer } = await startAccept(1300, 'tx-change');
    await insertNote(2000);
    const out = await answer;
    expect(out).toMatchObject({ status: 'paid', total: 2000, change: 700, paidOut: 700, voucherAmount: 0, voucher: false });
    expect(out.payout).toMatchObject({ payoutId: `change:${out.sessionId}`, purpose: 'change', refersTo: out.sessionId, status: 'paid', paid: 700, remainder: 0 });
    expect(out.payout?.dispensed).toEqual(expect.arrayContaining([{ value: 500, count: 1, source: 'recycler' }, { value: 200, count: 1, source: 'hopper' }]));
    const types = journal().filter((e) => e.key === `change:${out.sessionId}` || e.key === out.sessionId).map((e) => e.type);
    expect(types.indexOf('payout.intent')).toBeLessThan(types.indexOf('payout.unit'));
    expect(types.indexOf('payout.finished')).toBeLessThan(types.lastIndexOf('session.closed'));
    await agree();
  });

  it('change not payable: the overpaying note is returned from escrow before it is taken', async () => {
    const c = await counts();
    const { answer } = await startAccept(100, 'tx-nochange', { timeoutMs: 3000 });
    const returned = probe.next('device/cash/event/returned');
    await sim('insert-note', { value: 20_000 }); // change 19,900: more than the recycler and hoppers hold
    expect((await returned).payload).toMatchObject({ value: 20_000, reason: 'change-not-payable' });
    expect(await answer).toMatchObject({ status: 'timeout', total: 0, paidOut: 0, payout: null });
    expect(await counts()).toEqual(c);
  });

  it('cancel with a full repay: what was taken is paid back, no voucher', async () => {
    const { answer } = await startAccept(5000, 'tx-repay');
    await insertNote(1000);
    const cancel = await ok('cancel', {});
    expect(cancel).toMatchObject({ cancelled: true, total: 1000, paidOut: 1000, voucherAmount: 0 });
    expect(await answer).toMatchObject({ status: 'cancelled', total: 1000, paidOut: 1000, voucherAmount: 0, voucher: false });
    await agree();
  });

  it('cancel with a partial repay: the recycler and hoppers pay what they can, the rest is a voucher', async () => {
    const { answer } = await startAccept(50_000, 'tx-partial');
    await insertNote(20_000); // a 200 note goes to the cashbox: it cannot be paid back in notes of 200
    const cancel = await ok('cancel', {});
    const out = await answer;
    expect(out.status).toBe('cancelled');
    expect(out.paidOut + out.voucherAmount).toBe(20_000);
    expect(out.voucherAmount).toBeGreaterThan(0);
    expect(out.payout).toMatchObject({ purpose: 'repay', status: 'partial', remainder: out.voucherAmount });
    expect(cancel).toMatchObject({ paidOut: out.paidOut, voucherAmount: out.voucherAmount });
    await agree();
  });

  it('a jam in the recycler mid-change: the citizen gets what left, the rest is owed, the journal says both', async () => {
    // the partial repay emptied the float: the technician loads notes through the validator (not a payment)
    const refill = ok('refill', { technician: 'T-7', notesTimeoutMs: 3000 }, true);
    await probe.next('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting);
    for (const value of [1000, 500, 500]) await insertNote(value);
    expect(await refill).toMatchObject({ notes: { '1000': 1, '500': 2 }, value: 2000 });
    const { answer } = await startAccept(500, 'tx-jam');
    await sim('payout-fault', { unit: 'recycler', fault: 'jam', after: 1 });
    await insertNote(2000); // change 1500: notes 1000 + 500; the second note jams
    const out = await answer;
    // the first note left, the second jammed; the hoppers pay what they can of the rest
    expect(out.payout).toMatchObject({ fault: 'CASH_PAYOUT_JAM' });
    expect(out.paidOut + out.voucherAmount).toBe(1500);
    const units = journal().filter((e) => e.type === 'payout.unit' && e.key === out.payout!.payoutId);
    expect(units[0]?.data).toMatchObject({ unit: 'recycler', fault: 'CASH_PAYOUT_JAM', paid: 1000 });
    expect(finished(out.payout!.payoutId)).toMatchObject({ status: out.voucherAmount > 0 ? 'partial' : 'paid', paid: out.paidOut });
    const detail = (await probe.waitFor('device/cash/state', (p: { detail: { payout: { state: string } | null } }) => p.detail.payout?.state === 'jammed')).payload;
    expect(detail).toBeTruthy();
    expect(await sim('clear-payout-fault', { unit: 'recycler' })).toEqual({ cleared: true });
    await probe.next('device/cash/state', (p: { detail: { payout: { state: string } | null } }) => p.detail.payout?.state !== 'jammed');
    await agree();
  });

  it('a short payout from a hopper mid-change: paid what the hopper counted, the remainder owed', async () => {
    await sim('pour-coins', { value: 100, count: 5 });
    await sim('pour-coins', { value: 200, count: 5 });
    await ok('refill', { technician: 'T-7', coins: { '100': 5, '200': 5 } }, true);
    const { answer } = await startAccept(100, 'tx-short', { giveChange: true });
    await sim('payout-fault', { unit: 'hopper', value: 100, fault: 'short', after: 1 });
    await sim('payout-fault', { unit: 'hopper', value: 200, fault: 'short', after: 0 });
    await insertNote(500); // change 400: recycler has no note under 500, coins pay: 200 stops at 0, 100 pays 1
    const out = await answer;
    expect(out.payout).toMatchObject({ status: 'partial', fault: 'CASH_PAYOUT_SHORT' });
    expect(out.paidOut).toBe(100);
    expect(out.voucherAmount).toBe(300);
    await agree();
  });

  it('dispense: a refund tied to its deposit, once per idempotency key, never above what the deposit took', async () => {
    const { answer } = await startAccept(1000, 'tx-refund');
    await insertNote(1000);
    const paid = await answer;
    const refund = { amount: 1000, currency: 'EUR', idempotencyKey: 'svc-failed-1', reference: 'FINE-77', reason: 'service-failed', sessionId: paid.sessionId };
    const first = await ok('dispense', refund);
    expect(first).toMatchObject({ status: 'paid', paid: 1000, replayed: false, refersTo: paid.sessionId });
    const again = await ok('dispense', refund);
    expect(again).toMatchObject({ status: 'paid', paid: 1000, replayed: true });
    const more = await probe.request('cash', 'dispense', { ...refund, idempotencyKey: 'svc-failed-2', amount: 100 });
    expect(more).toMatchObject({ status: 'error', error: { code: 'CASH_REFUND_EXCEEDS_DEPOSIT' } });
    const loose = await probe.request('cash', 'dispense', { amount: 100, currency: 'EUR', idempotencyKey: 'x', reference: 'r' });
    expect(loose).toMatchObject({ status: 'error', error: { code: 'CASH_REFUND_NO_DEPOSIT' } });
    expect(journal().filter((e) => e.type === 'payout.intent' && e.key === 'dispense:svc-failed-1')).toHaveLength(1);
    await agree();
  });
});
