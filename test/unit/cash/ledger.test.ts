import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { Ledger } from '../../../src/drivers/cash/ledger.js';

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
});
