import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { verifyChain } from '../../../src/core/journal-chain.js';
import { inspectJournal, keysInLines, recoverJournal } from '../../../src/core/journal-recover.js';
import { MemoryJournalFs } from '../../helpers/memory-journal-fs.js';

const J = '/state/journal/money.jsonl';
const M = '/state/journal-mirror/money.jsonl';
const NOW = (): string => '2026-03-04T05:06:07.089Z';

async function journalWith(keys: string[]): Promise<MemoryJournalFs> {
  const fs = new MemoryJournalFs();
  const j = await Journal.open(J, { fs, mirrorPath: M, now: NOW });
  for (const key of keys) await j.append({ stream: 'card', type: 'sale.intent', key, data: { amount: 1500 } });
  await j.close();
  return fs;
}

const lines = (text: string): string[] => text.split('\n').slice(0, -1).map((l) => `${l}\n`);
const damage = (line: string): string => line.replace('1500', '9500');

function recover(fs: MemoryJournalFs, prefer?: 'journal' | 'mirror'): ReturnType<typeof recoverJournal> {
  return recoverJournal({ path: J, mirrorPath: M, technician: 'tech-7', reason: 'SD card swap', requester: 'cli', now: NOW, fs, ...(prefer ? { prefer } : {}) });
}

describe('journal recovery (technician)', () => {
  it('a damaged journal line with an intact mirror: the whole history comes back from the mirror, nothing is deleted', async () => {
    const fs = await journalWith(['a', 'b', 'c', 'd']);
    const original = fs.text(J);
    const l = lines(original);
    l[3] = damage(l[3] ?? '');
    fs.setText(J, l.join(''));
    expect((await inspectJournal(J, M, fs)).refusal).toMatchObject({ file: J, line: 4 });
    const report = await recover(fs);
    expect(report).toMatchObject({ from: 'mirror', kept: 4, quarantined: [], journal: { records: 3, damage: { line: 4 } }, mirror: { records: 4 } });
    expect(report.movedAside).toEqual([`${J}.damaged-2026-03-04T05-06-07-089Z`, `${M}.damaged-2026-03-04T05-06-07-089Z`]);
    expect(fs.text(report.movedAside[0] ?? '')).toBe(l.join(''));
    expect(fs.text(J)).toBe(fs.text(M));
    expect(fs.text(J).startsWith(original)).toBe(true);
    const j = await Journal.open(J, { fs, mirrorPath: M, now: NOW });
    expect(j.list().map((e) => e.key)).toEqual(['a', 'b', 'c', 'd', 'recovery-2026-03-04T05-06-07-089Z']);
    expect(j.list({ stream: 'journal' })[0]?.data).toMatchObject({ technician: 'tech-7', reason: 'SD card swap', requester: 'cli', from: 'mirror', kept: 4 });
    expect((await inspectJournal(J, M, fs)).refusal).toBeUndefined();
  });

  it('both copies damaged: keeps what verifies and quarantines every key named after the cut', async () => {
    const fs = await journalWith(['a', 'b', 'c', 'd']);
    const l = lines(fs.text(J));
    fs.setText(J, [l[0], l[1], damage(l[2] ?? ''), l[3]].join(''));
    fs.setText(M, [l[0], l[1], l[2], 'x'.repeat(20)].join(''));
    const report = await recover(fs);
    expect(report).toMatchObject({ from: 'mirror', kept: 3 });
    expect(report.quarantined).toEqual([{ stream: 'card', key: 'd' }]);
    const j = await Journal.open(J, { fs, mirrorPath: M, now: NOW });
    expect(j.quarantined('card', 'd')).toBe(true);
    expect(j.quarantined('card', 'c')).toBe(false);
    expect(j.list({ stream: 'card' }).map((e) => e.key)).toEqual(['a', 'b', 'c']);
  });

  it('the journal deleted: restored from the mirror', async () => {
    const fs = await journalWith(['a', 'b']);
    fs.files.delete(J);
    const report = await recover(fs);
    expect(report).toMatchObject({ from: 'mirror', kept: 2, movedAside: [`${M}.damaged-2026-03-04T05-06-07-089Z`] });
    expect(verifyChain(fs.text(J)).entries.map((e) => e.key)).toEqual(['a', 'b', 'recovery-2026-03-04T05-06-07-089Z']);
  });

  it('refuses when there is nothing to recover', async () => {
    const fs = await journalWith(['a']);
    await expect(recover(fs)).rejects.toMatchObject({ code: 'JOURNAL_NOT_DAMAGED' });
    expect(fs.ops.filter((o) => o.startsWith('rename'))).toEqual([]);
  });

  it('copies that verify but disagree: refuses until told which to keep; the other copy\'s keys are quarantined', async () => {
    const fs = await journalWith(['a', 'b']);
    const other = await journalWith(['a', 'z']);
    fs.setText(M, other.text(M));
    await expect(recover(fs)).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', details: { file: M, line: 2 } });
    const report = await recover(fs, 'journal');
    expect(report).toMatchObject({ from: 'journal', kept: 2 });
    expect(verifyChain(fs.text(M)).entries.map((e) => e.key).slice(0, 2)).toEqual(['a', 'b']);
  });

  it('keysInLines finds keys in damaged lines, skips the journal\'s own records, decodes escapes', () => {
    const text = ['{"seq":1,"stream":"card","key":"ok"}', 'garbage "stream":"cash","key":"s-1" more', '{"stream":"journal","key":"recovery-x"}', '{"stream":"card","key":"q\\"x"}', ''].join('\n');
    expect(keysInLines(text, 1)).toEqual([{ stream: 'cash', key: 's-1' }, { stream: 'card', key: 'q"x' }]);
  });
});
