import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { Ledger, summary } from '../../../src/drivers/cash/ledger.js';

const fresh = async (): Promise<{ journal: Journal; path: string }> => {
  const path = join(mkdtempSync(join(tmpdir(), 'cash-ledger-')), 'money.jsonl');
  return { journal: await Journal.open(path), path };
};

describe('cash ledger (folded back from the journal)', () => {
  it('rebuilds sessions, the note in transit and the cashbox after a reopen, ignoring other streams', async () => {
    const { journal, path } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 's1', { amountDue: 3000, currency: 'EUR' });
    await ledger.record('note.accepting', 's1', { channel: 3, value: 2000, counterBefore: 41 });
    await ledger.record('note.credited', 's1', { channel: 3, value: 2000, total: 2000, via: 'event' });
    await ledger.record('coin.credited', 's1', { value: 200, position: 5, counter: 9, total: 2200 });
    await ledger.record('note.accepting', 's1', { channel: 2, value: 1000, counterBefore: 42 });
    await journal.append({ stream: 'card', type: 'sale.intent', key: 's1', data: { amount: 5 } });
    await journal.close();

    const again = Ledger.load(await Journal.open(path));
    expect(again.totalOf('s1')).toBe(2200);
    expect(again.inFlight).toEqual({ key: 's1', channel: 2, value: 1000, counterBefore: 42 });
    expect(again.openSessions().map((s) => s.sessionId)).toEqual(['s1']);
    expect(again.cashbox).toMatchObject({ notes: { '2000': 1 }, count: 1, value: 2000, coinsValue: 200 });
    expect(again.lastCoinCounter).toBe(9);
  });

  it('marks interrupted sessions and money after closing as unsettled until settled', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 'a', { amountDue: 500, currency: 'EUR' });
    await ledger.record('session.closed', 'a', { status: 'cancelled', total: 0 });
    expect(ledger.unsettled()).toEqual([]);
    await ledger.record('note.credited', 'a', { value: 500, total: 500, via: 'cleared' });
    expect(ledger.unsettled().map((s) => s.sessionId)).toEqual(['a']);
    await ledger.record('session.settled', 'a', { resolution: 'voucher', by: 'tech' });
    await ledger.record('session.opened', 'b', { amountDue: 500, currency: 'EUR' });
    await ledger.record('session.closed', 'b', { status: 'interrupted', total: 0 });
    expect(ledger.unsettled().map((s) => s.sessionId)).toEqual(['b']);
    expect(ledger.orphanKey()).toBe('b');
    await ledger.record('cashbox.emptied', 'cashbox', { technician: 't' });
    expect(ledger.cashbox).toMatchObject({ count: 0, value: 0, notes: {} });
  });

  it('a device without counters leaves the note uncertain and the session to a technician', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 'u', { amountDue: 500, currency: 'EUR' });
    await ledger.record('note.accepting', 'u', { channel: 1, value: 500, counterBefore: null });
    expect(ledger.inFlight?.counterBefore).toBeNull();
    await ledger.record('session.closed', 'u', { status: 'interrupted', total: 0 });
    await ledger.record('note.uncertain', 'u', { channel: 1, value: 500 });
    expect(ledger.inFlight).toBeUndefined();
    expect(ledger.unsettled().map((s) => s.sessionId)).toEqual(['u']);
  });

  it('what each entry does to sessions, the cashbox and the coin counter (and what it leaves alone)', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 's', { amountDue: 'lots', currency: 'EUR' });
    expect(ledger.session('s')).toStrictEqual({ sessionId: 's', amountDue: 0, currency: 'EUR', total: 0, openedAt: journal.list().at(-1)?.at, late: false, settled: false });
    await ledger.record('session.opened', 't', { amountDue: 700, currency: 'USD' });
    expect(ledger.openSessions().map((x) => x.sessionId)).toEqual(['s', 't']);
    await ledger.record('session.closed', 's', { status: 'paid', total: 0 });
    expect(ledger.openSessions().map((x) => x.sessionId)).toEqual(['t']);
    // entries for a session nobody opened change nothing
    await ledger.record('session.closed', 'ghost', { status: 'paid' });
    await ledger.record('session.settled', 'ghost', {});
    await ledger.record('note.uncertain', 'ghost', { value: 5 });
    expect(ledger.session('ghost')).toBeUndefined();
    // a note returned clears the note in transit and credits nothing
    await ledger.record('note.accepting', 't', { channel: 2, value: 1000, counterBefore: 'x' });
    expect(ledger.inFlight).toStrictEqual({ key: 't', channel: 2, value: 1000, counterBefore: null });
    await ledger.record('note.returned', 't', { channel: 2, value: 1000, reason: 'cleared' });
    expect([ledger.inFlight, ledger.totalOf('t')]).toEqual([undefined, 0]);
    // money after the session closed marks it late; on an open session it does not
    await ledger.record('note.credited', 't', { value: 500 });
    expect(ledger.session('t')?.late).toBe(false);
    await ledger.record('note.credited', 's', { value: 1000 });
    await ledger.record('note.credited', 's', { value: 1000 });
    await ledger.record('note.credited', 's', { value: 'x' });
    expect(ledger.session('s')).toMatchObject({ total: 2000, late: true });
    expect(ledger.cashbox).toStrictEqual({ notes: { '500': 1, '1000': 2, '0': 1 }, count: 4, value: 2500, coinsValue: 0, lastEmptiedAt: null });
    expect(ledger.totalOf('nobody')).toBe(0);
    // coins: credited with their counter; a bare counter entry moves only the counter
    await ledger.record('coin.credited', 't', { value: 200, position: 5, counter: 9 });
    await ledger.record('coin.counter', 'none', { counter: 12 });
    expect([ledger.lastCoinCounter, ledger.cashbox.coinsValue, ledger.totalOf('t')]).toEqual([12, 200, 700]);
    await ledger.record('coin.credited', 'none', { value: 50, counter: 13 });
    expect([ledger.lastCoinCounter, ledger.cashbox.coinsValue]).toEqual([13, 250]);
    await ledger.record('something.else', 't', { value: 99999 });
    expect(ledger.totalOf('t')).toBe(700);
    const emptied = await ledger.record('cashbox.emptied', 'cashbox', {});
    expect(ledger.cashbox).toStrictEqual({ notes: {}, count: 0, value: 0, coinsValue: 0, lastEmptiedAt: emptied.at });
  });

  it('where money with no running session goes: the latest session if it was interrupted and not settled, else none', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    expect(ledger.orphanKey()).toBe('none');
    await ledger.record('session.opened', 'a', { amountDue: 500, currency: 'EUR' });
    await ledger.record('session.closed', 'a', { status: 'interrupted', total: 0 });
    await ledger.record('session.opened', 'b', { amountDue: 500, currency: 'EUR' });
    expect(ledger.orphanKey()).toBe('none');
    await ledger.record('session.closed', 'b', { status: 'cancelled', total: 0 });
    expect(ledger.orphanKey()).toBe('none');
    await ledger.record('session.opened', 'c', { amountDue: 500, currency: 'EUR' });
    await ledger.record('session.closed', 'c', { status: 'interrupted', total: 0 });
    expect(ledger.orphanKey()).toBe('c');
    await ledger.record('session.settled', 'c', { resolution: 'voucher', by: 't' });
    expect(ledger.orphanKey()).toBe('none');
  });

  it('entries of other streams never count, even with cash type names; a failed journal is reported', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 's', { amountDue: 500, currency: 'EUR' });
    await journal.append({ stream: 'card', type: 'note.credited', key: 's', data: { value: 500 } });
    expect(Ledger.load(journal).totalOf('s')).toBe(0);
    await journal.close();
    await expect(ledger.record('note.credited', 's', { value: 500 })).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect(ledger.unavailable).toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
  });

  it('a note left uncertain after a paid session makes it late, to be settled', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 'p', { amountDue: 500, currency: 'EUR' });
    await ledger.record('session.closed', 'p', { status: 'paid', total: 500 });
    expect(ledger.unsettled()).toEqual([]);
    await ledger.record('note.uncertain', 'p', { channel: 1, value: 500 });
    expect(ledger.session('p')?.late).toBe(true);
    expect(ledger.unsettled().map((x) => x.sessionId)).toEqual(['p']);
  });

  it('summary keeps what a UI needs, and the status only once there is one', async () => {
    const { journal } = await fresh();
    const ledger = Ledger.load(journal);
    await ledger.record('session.opened', 's', { amountDue: 500, currency: 'EUR' });
    const open = ledger.session('s');
    expect(summary(open as NonNullable<typeof open>)).toStrictEqual({ sessionId: 's', amountDue: 500, currency: 'EUR', total: 0, openedAt: open?.openedAt });
    await ledger.record('session.closed', 's', { status: 'timeout', total: 0 });
    expect(summary(ledger.session('s') as NonNullable<typeof open>)).toMatchObject({ status: 'timeout' });
    expect(ledger.unavailable).toBeUndefined();
  });
});
