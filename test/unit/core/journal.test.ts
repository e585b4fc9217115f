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

  it('creates both copies when neither exists', async () => {
    const fs = new MemoryJournalFs();
    const j = await open(fs);
    expect(j.list()).toEqual([]);
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
    await j.append({ stream: 'journal', type: 'journal.recovered', key: 'recovery-1', data: { quarantined: [{ stream: 'card', key: 'lost-1' }, { stream: 7, key: 'bad' }] } });
    await j.append({ stream: 'journal', type: 'journal.note', key: 'n', data: { quarantined: [{ stream: 'card', key: 'not-this' }] } });
    expect(j.quarantined('card', 'lost-1')).toBe(true);
    expect(j.quarantined('cash', 'lost-1')).toBe(false);
    expect(j.quarantined('card', 'not-this')).toBe(false);
    await j.close();
    const again = await open(fs);
    expect(again.quarantined('card', 'lost-1')).toBe(true);
    expect(again.list().map((e: JournalEntry) => e.seq)).toEqual([1, 2]);
  });
});
