/**
 * The note flow against a fake validator and the real ledger on an in-memory journal whose fsync the
 * test holds: every money fact is on disk (both copies) before its event, a credit goes to the session
 * and value that were journaled when the note was let go, and during recovery (drain) a credit event is
 * left to the stacked counter, never journaled a second time.
 */
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import type { DriverHost } from '../../../src/core/driver.js';
import type { CashApi } from '../../../src/drivers/cash/api.js';
import { Ledger } from '../../../src/drivers/cash/ledger.js';
import { NoteFlow, ValidatorReset, type Conditions } from '../../../src/drivers/cash/note-flow.js';
import { Session } from '../../../src/drivers/cash/session.js';
import type { SspEvent } from '../../../src/drivers/cash/ssp/commands.js';
import type { NoteValidator } from '../../../src/drivers/cash/validator.js';
import { MemoryJournalFs } from '../../helpers/memory-journal-fs.js';

const VALUES: Record<number, number> = { 1: 500, 2: 1000, 3: 2000, 4: 5000 };

class FakeValidator {
  setup = { currency: 'EUR', channels: Object.entries(VALUES).map(([c, value]) => ({ channel: Number(c), value, currency: 'EUR' })) };
  counter: number | null = 40;
  rejectAnswers = true;
  readonly calls: string[] = [];
  valueOf(channel: number): number {
    return VALUES[channel] ?? 0;
  }
  async reject(): Promise<boolean> {
    this.calls.push('reject');
    return this.rejectAnswers;
  }
  async stackedCounter(): Promise<number | null> {
    this.calls.push('counter');
    return this.counter;
  }
  async holdWhile<T>(work: Promise<T>): Promise<T> {
    this.calls.push('hold');
    return work;
  }
  async lastRejectReason(): Promise<{ code: number; reason: string }> {
    return { code: 2, reason: 'invalid note' };
  }
}

interface Rig {
  flow: NoteFlow;
  journal: Journal;
  ledger: Ledger;
  validator: FakeValidator;
  fs: MemoryJournalFs;
  /** Everything in order: journal operations and emitted events. */
  trail: string[];
  events: Array<{ event: string; payload: Record<string, unknown> }>;
  conditions: Conditions[];
  late: string[];
  logs: string[];
  counts: string[];
  money: number;
  session: Session | undefined;
  blocked: boolean;
}

async function rig(opts: { maxOverpay?: number } = {}): Promise<Rig> {
  const fs = new MemoryJournalFs();
  const journal = await Journal.open('/j/money.jsonl', { fs, mirrorPath: '/m/money.jsonl', now: () => '2026-01-01T00:00:00.000Z' });
  const ledger = Ledger.load(journal);
  const validator = new FakeValidator();
  const r = { journal, ledger, validator, fs, trail: fs.ops, events: [], conditions: [], late: [], logs: [], counts: [], money: 0, session: undefined, blocked: false } as unknown as Rig;
  const host = {
    emit: (event: string, payload: Record<string, unknown>) => {
      r.events.push({ event, payload });
      r.trail.push(`emit ${event}`);
    },
    count: (c: string) => r.counts.push(c),
  } as unknown as DriverHost<CashApi>;
  const line = (level: string) => (o: unknown, m?: string) => r.logs.push(`${level} ${typeof o === 'string' ? o : (m ?? '')}`);
  const log = { info: line('info'), warn: line('warn'), error: line('error') };
  r.flow = new NoteFlow({
    ledger, validator: validator as unknown as NoteValidator, log: log as never, host, maxOverpay: opts.maxOverpay ?? 0,
    session: () => r.session, blocked: () => r.blocked,
    money: async (fn) => {
      r.money++;
      return fn();
    },
    conditions: (c) => r.conditions.push(c),
    late: (id) => r.late.push(id),
    changePayable: () => false,
    route: () => undefined,
  });
  fs.ops.length = 0;
  return r;
}

async function openSession(r: Rig, amountDue: number): Promise<Session> {
  const s = new Session(amountDue, 'EUR', 1e9, 'tx-1');
  await r.ledger.record('session.opened', s.id, { amountDue, currency: 'EUR' });
  r.session = s;
  r.trail.length = 0;
  return s;
}

const ev = (name: SspEvent['name'], channel?: number): SspEvent => (channel === undefined ? { name } : { name, channel });
const entries = (r: Rig, type?: string) => r.journal.list({ stream: 'cash', ...(type ? { type } : {}) });

describe('note flow: escrow', () => {
  it('a note that fits: the stacked counter is read and note.accepting journaled (while holding) before the escrow event', async () => {
    const r = await rig();
    const s = await openSession(r, 3000);
    const { busy } = await r.flow.handle([ev('readNote', 3)], 'live');
    expect(busy).toBe(true);
    expect(r.validator.calls).toEqual(['counter', 'hold']);
    expect(entries(r, 'note.accepting').map((e) => [e.key, e.data])).toEqual([[s.id, { channel: 3, value: 2000, counterBefore: 40 }]]);
    expect(r.trail.slice(-5)).toEqual(['write /j/money.jsonl', 'datasync /j/money.jsonl', 'write /m/money.jsonl', 'datasync /m/money.jsonl', 'emit escrow']);
    expect(r.events).toEqual([{ event: 'escrow', payload: { sessionId: s.id, value: 2000, currency: 'EUR', accepted: true, transaction: 'tx-1' } }]);
    expect(r.ledger.inFlight).toEqual({ key: s.id, channel: 3, value: 2000, counterBefore: 40 });
  });

  it('a note that would overpay, a blocked device, an ending session or no session: returned, nothing journaled', async () => {
    const r = await rig();
    const s = await openSession(r, 1000);
    await r.flow.handle([ev('readNote', 3)], 'live');
    expect(r.events.map((e) => [e.event, e.payload.accepted ?? e.payload.reason])).toEqual([['escrow', false], ['returned', 'overpay']]);
    r.events.length = 0;
    r.blocked = true;
    await r.flow.handle([ev('readNote', 1)], 'live');
    expect(r.events.map((e) => e.payload.accepted ?? e.payload.reason)).toEqual([false, 'overpay']);
    r.blocked = false;
    r.events.length = 0;
    s.end('cancelled', 0);
    await r.flow.handle([ev('readNote', 1)], 'live');
    expect(r.events.map((e) => e.payload.accepted ?? e.payload.reason)).toEqual([false, 'session-ended']);
    r.session = undefined;
    r.events.length = 0;
    await r.flow.handle([ev('readNote', 1)], 'live');
    expect(r.events).toEqual([
      { event: 'escrow', payload: { sessionId: null, value: 500, currency: 'EUR', accepted: false } },
      { event: 'returned', payload: { value: 500, currency: 'EUR', reason: 'session-ended' } },
    ]);
    expect(entries(r, 'note.accepting')).toEqual([]);
    expect(r.validator.calls.filter((c) => c === 'reject')).toHaveLength(4);
  });

  it('exactly the amount due fits; one unit more does not', async () => {
    for (const [due, accepted] of [[1500, true], [1499, false]] as const) {
      const r = await rig();
      await openSession(r, due);
      await r.ledger.record('note.credited', r.session?.id ?? '', { value: 500, channel: 1, total: 500, via: 'event' });
      await r.flow.handle([ev('readNote', 2)], 'live');
      expect(r.events.at(-1)?.payload.accepted ?? false).toBe(accepted);
    }
  });

  it('a new note while the last one is unresolved reconciles the last one first', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    r.validator.counter = 41;
    await r.flow.handle([ev('readNote', 1)], 'live');
    expect(entries(r).map((e) => e.type)).toEqual(['session.opened', 'note.accepting', 'note.credited', 'note.accepting']);
    expect(r.ledger.totalOf(s.id)).toBe(1000);
    expect(r.logs).toContain('warn new note in escrow while the previous one is unresolved: reconciling it');
  });
});

describe('note flow: credit', () => {
  it('journals note.credited in both copies before the credit event, serialised with other money', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 3)], 'live');
    r.trail.length = 0;
    let release!: () => void;
    r.fs.datasyncGate = new Promise((res) => (release = res));
    const handled = r.flow.handle([ev('credit', 3)], 'live');
    await new Promise((res) => setTimeout(res, 10));
    expect(r.events.filter((e) => e.event === 'credit')).toEqual([]);
    release();
    await handled;
    expect(r.trail).toEqual(['write /j/money.jsonl', 'datasync /j/money.jsonl', 'write /m/money.jsonl', 'datasync /m/money.jsonl', 'emit credit']);
    expect(r.events.at(-1)).toEqual({ event: 'credit', payload: { sessionId: s.id, value: 2000, total: 2000, currency: 'EUR', source: 'note', recovered: false, transaction: 'tx-1' } });
    expect(entries(r, 'note.credited').map((e) => e.data)).toEqual([{ channel: 3, value: 2000, total: 2000, via: 'event' }]);
    expect(r.money).toBe(1);
    expect(r.ledger.inFlight).toBeUndefined();
  });

  it('a credit goes to the session and value journaled when the note was let go, not the current session or the event value', async () => {
    const r = await rig();
    const first = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    await r.ledger.record('session.closed', first.id, { status: 'cancelled', total: 0 });
    const second = await openSession(r, 5000);
    await r.flow.handle([ev('noteClearedIntoCashbox', 4)], 'live');
    expect(entries(r, 'note.credited').map((e) => [e.key, e.data.value, e.data.via])).toEqual([[first.id, 1000, 'cleared']]);
    expect(r.events.at(-1)?.payload).toEqual({ sessionId: first.id, value: 1000, total: 1000, currency: 'EUR', source: 'note', recovered: true });
    expect(r.ledger.totalOf(second.id)).toBe(0);
    expect(r.late).toEqual([first.id]);
  });

  it('a credit for a note the host never let go is credited to the running session anyway (it is in the cashbox), and said so', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('credit', 1)], 'live');
    expect(entries(r, 'note.credited').map((e) => [e.key, e.data.value])).toEqual([[s.id, 500]]);
    expect(r.logs).toContain("warn credit for a note the host did not let go: credited anyway (it is in the cashbox)");
    r.session = undefined;
    await r.flow.handle([ev('credit', 1)], 'live');
    expect(entries(r, 'note.credited').map((e) => e.key)).toEqual([s.id, 'none']);
    expect(r.events.at(-1)?.payload.sessionId).toBeNull();
  });

  it('a journal that cannot be written: no credit event at all', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 3)], 'live');
    r.fs.fail = (op) => {
      if (op === 'write') throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
    };
    await expect(r.flow.handle([ev('credit', 3)], 'live')).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect(r.events.filter((e) => e.event === 'credit')).toEqual([]);
  });
});

describe('note flow: recovery (drain)', () => {
  it('a credit or cleared event while draining is left to the counter: nothing journaled, no event, the note still in transit', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 3)], 'live');
    r.events.length = 0;
    const before = entries(r).length;
    const { busy } = await r.flow.handle([ev('slaveReset'), ev('credit', 3), ev('noteClearedIntoCashbox', 3), ev('noteClearedFromFront', 3), ev('rejected')], 'drain');
    expect(busy).toBe(false);
    expect(entries(r)).toHaveLength(before);
    expect(r.events).toEqual([]);
    expect(r.ledger.inFlight?.value).toBe(2000);
    expect(r.logs.filter((l) => l === 'info credit event while recovering: the stacked counter decides')).toHaveLength(2);
  });

  it('a credit repeated after a restart (already journaled) is not credited twice', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 3)], 'live');
    await r.flow.handle([ev('credit', 3)], 'live');
    await r.flow.handle([ev('credit', 3)], 'drain');
    await r.flow.reconcile();
    expect(entries(r, 'note.credited')).toHaveLength(1);
    expect(r.ledger.totalOf(s.id)).toBe(2000);
  });

  it('a note in escrow while draining is handed back (and its REJECTED is not reported as a refusal)', async () => {
    const r = await rig();
    await openSession(r, 5000);
    expect((await r.flow.handle([ev('readNote', 2)], 'drain')).busy).toBe(true);
    expect(r.validator.calls).toEqual(['reject']);
    await r.flow.handle([ev('rejected')], 'live');
    expect(r.events).toEqual([]);
    await r.flow.handle([ev('rejected')], 'live');
    expect(r.events).toEqual([{ event: 'rejected', payload: { source: 'note', reason: 'invalid note', transaction: 'tx-1' } }]);
    expect((await r.flow.handle([ev('readNote', 0)], 'drain')).busy).toBe(true);
    expect(r.validator.calls).toEqual(['reject']);
  });

  it('a reset seen live is thrown to the driver (set the validator up again)', async () => {
    const r = await rig();
    await expect(r.flow.handle([ev('slaveReset')], 'live')).rejects.toBeInstanceOf(ValidatorReset);
  });
});

describe('note flow: reconcile by the stacked counter', () => {
  it('counter moved: credited once, as recovered', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 4)], 'live');
    r.validator.counter = 41;
    r.events.length = 0;
    await r.flow.reconcile();
    expect(entries(r, 'note.credited').map((e) => [e.key, e.data.value, e.data.via])).toEqual([[s.id, 5000, 'reconciled']]);
    expect(r.events).toEqual([{ event: 'credit', payload: { sessionId: s.id, value: 5000, total: 5000, currency: 'EUR', source: 'note', recovered: true, transaction: 'tx-1' } }]);
    await r.flow.reconcile();
    expect(entries(r, 'note.credited')).toHaveLength(1);
  });

  it('counter moved by more than one: credited once, and the oddity logged', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 4)], 'live');
    r.validator.counter = 43;
    await r.flow.reconcile();
    expect(entries(r, 'note.credited')).toHaveLength(1);
    expect(r.logs).toContain('error stacked counter moved by more than one note');
  });

  it('counter unchanged: the note came back (note.returned, returned event)', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    r.events.length = 0;
    await r.flow.reconcile();
    expect(entries(r, 'note.returned').map((e) => [e.key, e.data])).toEqual([[s.id, { channel: 2, value: 1000, reason: 'recovery' }]]);
    expect(r.events).toEqual([{ event: 'returned', payload: { value: 1000, currency: 'EUR', reason: 'recovery' } }]);
    expect(r.ledger.inFlight).toBeUndefined();
  });

  it('no counter on the device: note.uncertain, left to a technician', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    r.validator.counter = null;
    await r.flow.reconcile();
    expect(entries(r, 'note.uncertain').map((e) => e.key)).toEqual([s.id]);
    expect(entries(r, 'note.credited')).toEqual([]);
    expect(r.late).toEqual([s.id]);
  });

  it('nothing in transit: nothing to do', async () => {
    const r = await rig();
    await r.flow.reconcile();
    expect(r.validator.calls).toEqual([]);
  });
});

describe('note flow: conditions and the rest', () => {
  it('reports jam, full, removed and fraud, counts stacked notes, and is busy while a note moves', async () => {
    const r = await rig();
    expect((await r.flow.handle([ev('safeJam'), ev('stackerFull')], 'live')).busy).toBe(true);
    expect((await r.flow.handle([ev('cashboxRemoved'), ev('fraudAttempt'), ev('stacked')], 'live')).busy).toBe(false);
    expect((await r.flow.handle([ev('unsafeJam')], 'drain')).busy).toBe(true);
    expect((await r.flow.handle([ev('stacking')], 'live')).busy).toBe(true);
    expect((await r.flow.handle([ev('rejecting'), ev('disabled'), ev('cashboxReplaced'), ev('channelDisable'), ev('initialising')], 'live')).busy).toBe(true);
    expect((await r.flow.handle([], 'live')).busy).toBe(false);
    expect(r.conditions).toEqual([
      { jam: true, full: true, removed: false, fraud: false },
      { jam: false, full: false, removed: true, fraud: true },
      { jam: true, full: false, removed: false, fraud: false },
      { jam: false, full: false, removed: false, fraud: false },
      { jam: false, full: false, removed: false, fraud: false },
      { jam: false, full: false, removed: false, fraud: false },
    ]);
    expect(r.counts).toEqual(['notesStacked']);
  });

  it('a note cleared from the front: note.returned (cleared), only for a note in transit', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('noteClearedFromFront', 2)], 'live');
    expect(entries(r, 'note.returned')).toEqual([]);
    await r.flow.handle([ev('readNote', 2)], 'live');
    await r.flow.handle([ev('noteClearedFromFront', 2)], 'live');
    expect(entries(r, 'note.returned').map((e) => e.data.reason)).toEqual(['cleared']);
    expect(r.events.at(-1)).toEqual({ event: 'returned', payload: { value: 1000, currency: 'EUR', reason: 'cleared' } });
  });
});

describe('note flow: the edges', () => {
  it('the allowed overpay widens what fits, by exactly that much', async () => {
    for (const [due, accepted] of [[800, true], [799, false]] as const) {
      const r = await rig({ maxOverpay: 200 });
      await openSession(r, due);
      await r.flow.handle([ev('readNote', 2)], 'live');
      expect(r.events.at(-1)?.payload.accepted ?? false, String(due)).toBe(accepted);
    }
  });

  it('our own REJECT of an overpaying note is not reported when the validator says REJECTED; a refusal of its own is', async () => {
    const r = await rig();
    await openSession(r, 500);
    await r.flow.handle([ev('readNote', 2)], 'live');
    r.events.length = 0;
    await r.flow.handle([ev('rejected')], 'live');
    expect(r.events).toEqual([]);
    r.validator.rejectAnswers = false;
    await r.flow.handle([ev('readNote', 3)], 'live');
    r.events.length = 0;
    await r.flow.handle([ev('rejected')], 'live');
    expect(r.events.map((e) => e.event)).toEqual(['rejected']);
  });

  it('a validator without a setup yet reports the currency as XXX', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    (r.validator as { setup: unknown }).setup = undefined;
    await r.flow.handle([ev('credit', 2)], 'live');
    await r.flow.handle([ev('readNote', 9)], 'live');
    await r.flow.handle([ev('noteClearedFromFront', 9)], 'live');
    expect(r.events.map((e) => e.payload.currency)).toEqual(['EUR', 'XXX', 'XXX', 'XXX']);
  });

  it('a credit on the running session does not call it late', async () => {
    const r = await rig();
    await openSession(r, 5000);
    await r.flow.handle([ev('readNote', 2)], 'live');
    await r.flow.handle([ev('credit', 2)], 'live');
    expect(r.late).toEqual([]);
  });

  it('a note let go when the device had no counter is uncertain even if a counter answers later', async () => {
    const r = await rig();
    const s = await openSession(r, 5000);
    r.validator.counter = null;
    await r.flow.handle([ev('readNote', 2)], 'live');
    r.validator.counter = 50;
    await r.flow.reconcile();
    expect(entries(r, 'note.uncertain').map((e) => [e.key, e.data])).toEqual([[s.id, { channel: 2, value: 1000 }]]);
    expect(entries(r, 'note.credited')).toEqual([]);
  });

  it('the reset error says what happened', async () => {
    const r = await rig();
    await expect(r.flow.handle([ev('slaveReset')], 'live')).rejects.toThrow('validator reset');
  });
});
