import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from '../../../src/core/journal.js';
import { tempDir } from '../../helpers/daemon.js';
import { MemoryJournalFs } from '../../helpers/memory-journal-fs.js';
import { mountTinyFs } from '../../helpers/tiny-fs.js';

const J = '/state/journal/money.jsonl';
const M = '/state/journal-mirror/money.jsonl';
const NOW = (): string => '2026-01-01T00:00:00.000Z';

async function journalWith(n: number, fs = new MemoryJournalFs()): Promise<MemoryJournalFs> {
  const j = await Journal.open(J, { fs, mirrorPath: M, now: NOW });
  for (let i = 1; i <= n; i++) await j.append({ stream: i % 2 ? 'card' : 'cash', type: i % 2 ? 'sale.intent' : 'note.credited', key: `k${i}`, data: { amount: 100 * i } });
  await j.close();
  fs.ops.length = 0;
  return fs;
}

function open(fs: MemoryJournalFs, log?: { warn: (o: object, m?: string) => void }): Promise<Journal> {
  return Journal.open(J, { fs, mirrorPath: M, now: NOW, ...(log ? { log: log } : {}) });
}

const lines = (text: string): string[] => text.split('\n').slice(0, -1).map((l) => `${l}\n`);

/** Open must refuse with JOURNAL_CORRUPT naming this file and line, and touch neither file. */
async function expectRefusal(fs: MemoryJournalFs, file: string, line: number): Promise<void> {
  fs.ops.length = 0;
  const before = [fs.text(J), fs.text(M)];
  await expect(open(fs)).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', details: { file, line } });
  expect([fs.text(J), fs.text(M)]).toEqual(before);
  expect(fs.ops.filter((o) => /^(write|truncate|rename)/.test(o))).toEqual([]);
}

describe('Journal: append', () => {
  it('appends durably to both copies and reloads every entry in order (real files)', async () => {
    const dir = tempDir();
    const path = join(dir, 'j', 'money.jsonl');
    const j = await Journal.open(path);
    await j.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { value: 1000 } });
    await Promise.all([
      j.append({ stream: 'card', type: 'sale.intent', key: 'k1', data: { amount: 15000 } }),
      j.append({ stream: 'card', type: 'sale.outcome', key: 'k1', data: { result: 'approved' } }),
    ]);
    await j.close();
    const again = await Journal.open(path);
    expect(again.list().map((e) => [e.seq, e.type])).toEqual([[1, 'note.credited'], [2, 'sale.intent'], [3, 'sale.outcome']]);
    expect(again.last('card', 'k1')?.type).toBe('sale.outcome');
    expect(again.list({ stream: 'cash' })).toHaveLength(1);
    expect(again.list({ key: 'k1', type: 'sale.intent' })).toHaveLength(1);
    expect(again.repairs).toEqual([]);
    await again.close();
  });

  it('writes and fdatasyncs the journal, then the mirror, and resolves only after the mirror is on disk', async () => {
    const fs = await journalWith(0);
    const j = await open(fs);
    fs.ops.length = 0;
    let release!: () => void;
    fs.datasyncGate = new Promise((r) => (release = r));
    let done = false;
    const appended = j.append({ stream: 'card', type: 'sale.intent', key: 'k', data: {} }).then((e) => ((done = true), e));
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    expect(fs.ops).toEqual([`write ${J}`]);
    release();
    const e = await appended;
    expect(fs.ops).toEqual([`write ${J}`, `datasync ${J}`, `write ${M}`, `datasync ${M}`]);
    expect(e).toMatchObject({ seq: 1, stream: 'card', key: 'k', at: NOW() });
    expect(fs.text(J)).toBe(fs.text(M));
    expect(j.list()).toEqual([e]);
  });

  for (const [what, op, path] of [['journal write', 'write', J], ['journal fsync', 'datasync', J], ['mirror write', 'write', M], ['mirror fsync', 'datasync', M]] as const) {
    it(`a failed ${what} fails that append and every later one, without touching the disk again`, async () => {
      const fs = await journalWith(1);
      const j = await open(fs);
      const told: string[] = [];
      j.onUnavailable((err) => told.push(err.code));
      fs.fail = (o, p) => {
        if (o === op && p === path) throw Object.assign(new Error('EIO'), { code: 'EIO' });
      };
      await expect(j.append({ stream: 'card', type: 'sale.intent', key: 'k2', data: {} })).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
      fs.fail = undefined;
      fs.ops.length = 0;
      await expect(j.append({ stream: 'card', type: 'sale.intent', key: 'k3', data: {} })).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
      expect(fs.ops).toEqual([]);
      expect(j.unavailable?.code).toBe('JOURNAL_UNAVAILABLE');
      expect(told).toEqual(['JOURNAL_UNAVAILABLE']);
      expect(j.list().map((e) => e.key)).toEqual(['k1']);
    });
  }

  it('a short write is completed; a write of 0 bytes is a full disk', async () => {
    const fs = await journalWith(0);
    const j = await open(fs);
    fs.writeLimit = 7;
    const e = await j.append({ stream: 'cash', type: 'note.credited', key: 's', data: { value: 500 } });
    expect(lines(fs.text(J))).toHaveLength(1);
    expect(fs.text(M)).toBe(fs.text(J));
    fs.writeLimit = 0;
    await expect(j.append({ stream: 'cash', type: 'x', key: 's', data: {} })).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE', message: /short write/ });
    expect(j.list()).toEqual([e]);
  });

  it('a full disk (real tmpfs) fails the append that does not fit and every later one', async () => {
    const fs = mountTinyFs(16);
    try {
      const j = await Journal.open(join(fs.dir, 'money.jsonl'));
      let stored = 0;
      let failure: unknown;
      for (let i = 0; i < 1000 && !failure; i++) {
        try {
          await j.append({ stream: 'cash', type: 'note.credited', key: `s${i}`, data: { value: 1000, pad: 'x'.repeat(200) } });
          stored++;
        } catch (err) {
          failure = err;
        }
      }
      expect(failure).toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
      expect(j.list()).toHaveLength(stored);
      await expect(j.append({ stream: 'cash', type: 'x', key: 'later', data: {} })).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
      await j.close().catch(() => undefined);
    } finally {
      fs.unmount();
    }
  });

  it('a read-only filesystem gives JOURNAL_UNAVAILABLE at open', async () => {
    const fs = mountTinyFs(64);
    try {
      const j = await Journal.open(join(fs.dir, 'money.jsonl'));
      await j.append({ stream: 'cash', type: 'note.credited', key: 's', data: {} });
      await j.close();
      fs.readOnly();
      await expect(Journal.open(join(fs.dir, 'money.jsonl'))).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    } finally {
      fs.unmount();
    }
  });
});

describe('Journal: open repairs only a torn final write, and says so', () => {
  it('cuts a torn last record that never reached the mirror, logs it, and appends after it', async () => {
    const full = await journalWith(4);
    const fs = new MemoryJournalFs();
    const l = lines(full.text(J));
    fs.setText(J, l.slice(0, 3).join('') + (l[3] ?? '').slice(0, 40));
    fs.setText(M, l.slice(0, 3).join(''));
    const warned: object[] = [];
    const j = await open(fs, { warn: (o) => warned.push(o) });
    expect(j.list()).toHaveLength(3);
    expect(j.repairs).toHaveLength(1);
    expect(warned).toEqual([{ repair: expect.stringMatching(/torn final write of 40 bytes after record 3/) }]);
    expect(fs.text(J)).toBe(l.slice(0, 3).join(''));
    expect((await j.append({ stream: 'cash', type: 'x', key: 'y', data: {} })).seq).toBe(4);
    expect(fs.text(M)).toBe(fs.text(J));
  });

  it('a whole last record without its newline was never acknowledged either: cut', async () => {
    const full = await journalWith(3);
    const fs = new MemoryJournalFs();
    const l = lines(full.text(J));
    fs.setText(J, l.slice(0, 2).join('') + (l[2] ?? '').trimEnd());
    fs.setText(M, l.slice(0, 2).join(''));
    expect((await open(fs)).list()).toHaveLength(2);
  });

  it('copies the last record to a mirror that lacks only it (stopped between the two writes)', async () => {
    const full = await journalWith(3);
    const fs = new MemoryJournalFs();
    const l = lines(full.text(J));
    fs.setText(J, l.join(''));
    fs.setText(M, l.slice(0, 2).join(''));
    const j = await open(fs);
    expect(j.repairs).toEqual([expect.stringMatching(/copied record 3/)]);
    expect(fs.text(M)).toBe(fs.text(J));
    expect(j.list()).toHaveLength(3);
  });

  it('creates both copies, empty, when neither exists', async () => {
    const fs = new MemoryJournalFs();
    const j = await open(fs);
    expect(j.list()).toEqual([]);
    expect(j.repairs).toEqual([]);
    expect([fs.text(J), fs.text(M)]).toEqual(['', '']);
    expect(fs.files.has(J) && fs.files.has(M)).toBe(true);
  });
});

describe('Journal: open refuses anything else, naming file and line, touching nothing', () => {
  const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);

  it('a flipped byte in the last complete line', async () => {
    const fs = await journalWith(4);
    const l = lines(fs.text(J));
    l[3] = flip(l[3] ?? '', 50);
    fs.setText(J, l.join(''));
    await expectRefusal(fs, J, 4);
  });

  it('a flipped byte anywhere in the mirror', async () => {
    const fs = await journalWith(4);
    const l = lines(fs.text(M));
    l[1] = flip(l[1] ?? '', 30);
    fs.setText(M, l.join(''));
    await expectRefusal(fs, M, 2);
  });

  for (const [what, tail, line] of [
    ['garbage with a newline', 'not a record at all\n', 4],
    ['garbage without a newline', 'xx{"seq":4', 4],
    ['zeros with a newline', '\u0000'.repeat(512) + '\n', 4],
    ['zeros without a newline (a block the disk never wrote)', '\u0000'.repeat(4096), 4],
  ] as const) {
    it(what, async () => {
      const fs = await journalWith(3);
      fs.setText(J, fs.text(J) + tail);
      await expectRefusal(fs, J, line);
    });
  }

  it('the journal deleted while its mirror holds records', async () => {
    const fs = await journalWith(2);
    fs.files.delete(J);
    await expectRefusal(fs, J, 1);
  });

  it('the mirror deleted while the journal holds records', async () => {
    const fs = await journalWith(2);
    fs.files.delete(M);
    await expectRefusal(fs, M, 1);
  });

  it('why each copy mismatch is refused', async () => {
    const fs = await journalWith(3);
    const l = lines(fs.text(J));
    fs.setText(J, l.slice(0, 1).join(''));
    await expect(open(fs)).rejects.toMatchObject({ details: { file: J, line: 2, reason: 'the file ends after record 1 but its mirror holds 3 records: records are missing (truncated or cut)' } });
    fs.setText(J, l.join(''));
    fs.setText(M, l.slice(0, 1).join(''));
    await expect(open(fs)).rejects.toMatchObject({ details: { file: M, line: 2, reason: `the mirror ends after record 1 but ${J} holds 3 records` } });
    fs.setText(M, l.slice(0, 2).join(''));
    fs.setText(J, `${l.join('')}{"seq":4`);
    await expect(open(fs)).rejects.toMatchObject({ details: { file: J, line: 4, reason: 'a torn write follows a record its mirror does not have' } });
    fs.files.delete(J);
    await expect(open(fs)).rejects.toMatchObject({ details: { file: J, line: 1, reason: `the file is missing, but ${M} holds 2 records (deleted?)` } });
  });

  it('the journal truncated at any byte (its mirror has the whole history)', async () => {
    const full = await journalWith(3);
    const text = full.text(J);
    for (let cut = 0; cut < text.length; cut += 7) {
      const fs = new MemoryJournalFs();
      fs.setText(J, text.slice(0, cut));
      fs.setText(M, text);
      const kept = lines(text.slice(0, cut)).length;
      await expectRefusal(fs, J, kept + 1);
    }
  });

  it('the mirror truncated by more than its last record', async () => {
    const fs = await journalWith(4);
    fs.setText(M, lines(fs.text(M)).slice(0, 2).join(''));
    await expectRefusal(fs, M, 3);
  });

  it('a duplicated line', async () => {
    const fs = await journalWith(3);
    const l = lines(fs.text(J));
    fs.setText(J, [l[0], l[1], l[1], l[2]].join(''));
    await expectRefusal(fs, J, 3);
  });

  it('two lines swapped', async () => {
    const fs = await journalWith(4);
    const l = lines(fs.text(J));
    fs.setText(J, [l[0], l[2], l[1], l[3]].join(''));
    await expectRefusal(fs, J, 2);
  });

  it('the same line removed from both copies (a gap)', async () => {
    const fs = await journalWith(4);
    const l = lines(fs.text(J));
    fs.setText(J, [l[0], l[1], l[3]].join(''));
    fs.setText(M, [l[0], l[1], l[3]].join(''));
    await expectRefusal(fs, J, 3);
  });

  it('copies that verify but differ', async () => {
    const a = await journalWith(2);
    const b = new MemoryJournalFs();
    const jb = await Journal.open(J, { fs: b, mirrorPath: M, now: () => '2026-02-02T00:00:00.000Z' });
    await jb.append({ stream: 'card', type: 'sale.intent', key: 'other', data: {} });
    await jb.close();
    a.setText(M, b.text(M));
    await expectRefusal(a, M, 1);
  });

  it('a journal written before hash chains (no prev, short hash)', async () => {
    const fs = new MemoryJournalFs();
    const v1 = '{"seq":1,"at":"2026-01-01","stream":"cash","type":"note.credited","key":"s","data":{},"h":"0123456789abcdef"}\n';
    fs.setText(J, v1);
    fs.setText(M, v1);
    await expectRefusal(fs, J, 1);
  });
});

describe('Journal: quarantined keys', () => {
  it('keys listed by a recovery record are quarantined; others are not', async () => {
    const fs = await journalWith(0);
    const j = await open(fs);
    await j.append({ stream: 'journal', type: 'journal.recovered', key: 'recovery-1', data: { quarantined: [{ stream: 'card', key: 'lost-1' }, { stream: 7, key: 'bad' }, { stream: 'card', key: 8 }] } });
    await j.append({ stream: 'journal', type: 'journal.note', key: 'n', data: { quarantined: [{ stream: 'card', key: 'not-this' }] } });
    await j.append({ stream: 'card', type: 'journal.recovered', key: 'n', data: { quarantined: [{ stream: 'card', key: 'nor-this' }] } });
    await j.append({ stream: 'journal', type: 'journal.recovered', key: 'r2', data: { quarantined: 'card' } });
    expect(j.quarantined('card', 'lost-1')).toBe(true);
    expect(j.quarantined('cash', 'lost-1')).toBe(false);
    expect(j.quarantined('card', 'not-this')).toBe(false);
    expect(j.quarantined('card', 'nor-this')).toBe(false);
    expect(j.quarantined('7', 'bad')).toBe(false);
    expect(j.quarantined('card', '8')).toBe(false);
    await j.close();
    const again = await open(fs);
    expect(again.quarantined('card', 'lost-1')).toBe(true);
    expect(again.list().map((e: JournalEntry) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});

describe('Journal: the details a crash depends on', () => {
  it('repairs are fsynced in both copies, cut exactly, and a later append continues the chain across a reopen', async () => {
    const full = await journalWith(3);
    const l = lines(full.text(J));
    // the mirror was being written when the power went: its copy of record 3 is torn
    const fs = new MemoryJournalFs();
    fs.setText(J, l.join(''));
    fs.setText(M, l.slice(0, 2).join('') + (l[2] ?? '').slice(0, 30));
    const j = await open(fs);
    expect(fs.ops).toEqual(expect.arrayContaining([`truncate ${M} ${Buffer.byteLength(l.slice(0, 2).join(''))}`, `write ${M}`, `datasync ${J}`, `datasync ${M}`]));
    expect(j.repairs).toEqual([
      `${M}: cut a torn final write of 30 bytes after record 2`,
      `${M}: copied record 3 from the journal (the process stopped between the journal's write and the mirror's)`,
    ]);
    expect(fs.text(M)).toBe(l.join(''));
    await j.append({ stream: 'cash', type: 'x', key: 'after', data: {} });
    await j.close();
    // the journal was being written: a torn record 5 that never reached the mirror
    fs.setText(J, fs.text(J) + '{"seq":5,"prev"');
    fs.ops.length = 0;
    const again = await open(fs);
    expect(fs.ops).toEqual(expect.arrayContaining([`truncate ${J} ${Buffer.byteLength(fs.text(M))}`, `datasync ${J}`, `datasync ${M}`]));
    expect(again.list().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(again.repairs).toEqual([`${J}: cut a torn final write of 15 bytes after record 4 (power cut while appending record 5, never acknowledged)`]);
    await again.append({ stream: 'cash', type: 'y', key: 'later', data: {} });
    await again.close();
    expect((await open(fs)).list()).toHaveLength(5);
  });

  it('a clean open writes nothing and fsyncs nothing but the directories (both, when they differ)', async () => {
    const fs = await journalWith(2);
    await open(fs);
    expect(fs.ops.filter((o) => !o.startsWith('open'))).toEqual(['syncdir /state/journal', 'syncdir /state/journal-mirror']);
    const same = new MemoryJournalFs();
    await Journal.open('/s/j.jsonl', { fs: same });
    expect(same.ops.filter((o) => o.startsWith('syncdir'))).toEqual(['syncdir /s']);
    expect(same.files.has('/s/j.jsonl.mirror')).toBe(true);
  });

  it('a torn write after a record the mirror lacks is refused (two records in flight cannot happen)', async () => {
    const full = await journalWith(3);
    const l = lines(full.text(J));
    const fs = new MemoryJournalFs();
    fs.setText(J, l.join('') + '{"seq":4');
    fs.setText(M, l.slice(0, 2).join(''));
    await expectRefusal(fs, J, 4);
  });

  it('refusals say why: a flipped mirror byte is a hash mismatch; copies that part at line 2 are named at line 2', async () => {
    const fs = await journalWith(3);
    const l = lines(fs.text(M));
    fs.setText(M, [l[0], (l[1] ?? '').replace('"amount":200', '"amount":201'), l[2]].join(''));
    await expect(open(fs)).rejects.toMatchObject({ details: { file: M, line: 2, reason: 'hash mismatch (the line was altered or damaged)' }, message: expect.stringContaining(`${M} line 2: hash mismatch`) });
    const a = await journalWith(2);
    const b = new MemoryJournalFs();
    const jb = await Journal.open(J, { fs: b, mirrorPath: M, now: NOW });
    await jb.append({ stream: 'card', type: 'sale.intent', key: 'k1', data: { amount: 100 } });
    await jb.append({ stream: 'card', type: 'sale.intent', key: 'other', data: {} });
    await jb.close();
    a.setText(M, b.text(M));
    await expect(open(a)).rejects.toMatchObject({ details: { file: M, line: 2, reason: `differs from line 2 of ${J}` } });
  });

  it('the mirror missing while the journal holds no record (a torn first write at most): created, the torn write cut', async () => {
    for (const text of ['', '{"seq":1,"prev":"0']) {
      const fs = new MemoryJournalFs();
      fs.setText(J, text);
      const j = await open(fs);
      expect([fs.text(J), fs.text(M)]).toEqual(['', '']);
      expect(j.repairs).toEqual([`${M}: missing while ${J} holds no record; created empty`]);
    }
  });

  it('one copy missing while the other holds no record: created, and said so; a torn first write in it is cut', async () => {
    const fs = new MemoryJournalFs();
    fs.setText(M, '{"seq":1,"pr');
    const warned: object[] = [];
    const j = await open(fs, { warn: (o) => warned.push(o) });
    expect(j.list()).toEqual([]);
    expect(fs.text(M)).toBe('');
    expect(fs.files.has(J)).toBe(true);
    expect(j.repairs).toEqual([`${J}: missing while ${M} holds no record; created empty`]);
    expect(warned).toHaveLength(1);
  });

  it('a failed open closes what it opened; the error names the file and keeps the cause', async () => {
    const fs = await journalWith(1);
    fs.fail = (op, path) => {
      if (op === 'open' && path === M) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    const err = await open(fs).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'JOURNAL_UNAVAILABLE', message: `cannot open journal ${J}: EACCES: permission denied`, cause: { code: 'EACCES' } });
    expect(fs.ops).toContain(`close ${J}`);
  });

  it('a failed append says why and keeps the cause; a short write of 0 bytes is ENOSPC', async () => {
    const fs = await journalWith(0);
    const j = await open(fs);
    fs.writeLimit = 0;
    const err = await j.append({ stream: 'x', type: 'y', key: 'z', data: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'JOURNAL_UNAVAILABLE', message: 'journal write failed: short write', cause: { code: 'ENOSPC' } });
  });

  it('the old call form Journal.open(path, now) still sets the clock', async () => {
    const path = join(tempDir(), 'money.jsonl');
    const j = await Journal.open(path, () => '2030-01-01T00:00:00.000Z');
    expect((await j.append({ stream: 's', type: 't', key: 'k', data: {} })).at).toBe('2030-01-01T00:00:00.000Z');
    await j.close();
  });

  it('list and last find by stream, key and type; an unsubscribed listener is not told', async () => {
    const fs = await journalWith(0);
    const j = await open(fs);
    const told: string[] = [];
    const off = j.onUnavailable(() => told.push('off'));
    j.onUnavailable(() => told.push('on'));
    expect(off()).toBe(true);
    const a1 = await j.append({ stream: 'card', type: 'sale.intent', key: 'a', data: {} });
    const a2 = await j.append({ stream: 'card', type: 'sale.outcome', key: 'a', data: {} });
    await j.append({ stream: 'cash', type: 'sale.intent', key: 'a', data: {} });
    await j.append({ stream: 'card', type: 'sale.intent', key: 'b', data: {} });
    expect(j.last('card', 'a')).toEqual(a2);
    expect(j.last('cash', 'b')).toBeUndefined();
    expect(j.last('cash', 'a')?.stream).toBe('cash');
    expect(j.list()[0]).toEqual(a1);
    expect(j.list({ key: 'a' })).toHaveLength(3);
    expect(j.list({ stream: 'card', key: 'a', type: 'sale.intent' })).toEqual([a1]);
    expect(j.list({ type: 'sale.intent' })).toHaveLength(3);
    fs.fail = () => {
      throw new Error('EIO');
    };
    await j.append({ stream: 'x', type: 'y', key: 'z', data: {} }).catch(() => undefined);
    expect(told).toEqual(['on']);
    expect(j.last('card', 'a')).toEqual(a2);
    // the very first record is found too
    const only = await open(await journalWith(1));
    expect(only.last('card', 'k1')?.seq).toBe(1);
  });
});
