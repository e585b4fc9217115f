/**
 * `kioskd audit verify` (verifyAudit) names each kind of tampering with the audit trail — an edited
 * amount, a deleted line, two swapped lines, a cut tail — and the money journal's own tamper handling is
 * tested the same way, including both copies deleted, which only the audit trail's pin can see.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KioskError } from '../../../../src/core/errors.js';
import { inspectJournal } from '../../../../src/core/journal-recover.js';
import { ManualClock } from '../../../../src/core/test-clocks.js';
import { createLogger } from '../../../../src/core/logger.js';
import { auditOfMoney, pinnedJournalHead } from '../../../../src/health/audit/money.js';
import { AuditTrail } from '../../../../src/health/audit/trail.js';
import { verifyAudit } from '../../../../src/health/audit/verify.js';
import { MoneyJournal } from '../../../../src/daemon/money-journal.js';

const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });

/** A state dir with a money journal of 6 cash credits, each pinned in an audit trail of 7 records. */
async function kiosk() {
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-audit-'));
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8));
  const audit = new AuditTrail({ dir: join(dir, 'audit'), clock, log });
  await audit.open();
  await audit.append('daemon', 'daemon.started', 'boot-1', { version: 't' });
  const money = new MoneyJournal({ stateDir: dir, clock, log, expectHead: () => pinnedJournalHead(audit.list()) });
  const journal = await money.open();
  journal.onAppend((e, h) => {
    const a = auditOfMoney(e, h);
    void audit.append(a.stream, a.type, a.key, a.data);
  });
  for (let i = 1; i <= 6; i++) await journal.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { channel: 1, value: 1000 * i, total: 0, via: 'live' } });
  await audit.close();
  await money.close();
  const verify = () => verifyAudit(join(dir, 'audit'), money.path, money.mirrorPath);
  const file = join(dir, 'audit', 'audit.jsonl');
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const write = (ls: string[]) => writeFileSync(file, ls.map((l) => `${l}\n`).join(''));
  return { dir, clock, money, verify, lines, write };
}

describe('kioskd audit verify names what was done to the audit trail', () => {
  it('an untouched trail verifies with no finding', async () => {
    const k = await kiosk();
    expect(await k.verify()).toMatchObject({ records: 7, verified: 7, findings: [] });
  });

  it('an edited amount', async () => {
    const k = await kiosk();
    const ls = k.lines();
    ls[3] = (ls[3] as string).replace('"amount":', '"x":').replace('"value":3000', '"value":9000');
    k.write(ls);
    const { findings } = await k.verify();
    expect(findings).toEqual([expect.objectContaining({ kind: 'edited', line: 4, seq: [4] })]);
    expect(findings[0]?.message).toMatch(/record 4 \(money cash.note.credited s1\) was edited/);
  });

  it('a deleted line', async () => {
    const k = await kiosk();
    const ls = k.lines();
    ls.splice(2, 1);
    k.write(ls);
    expect((await k.verify()).findings).toEqual([expect.objectContaining({ kind: 'deleted', line: 3, seq: [3], message: 'record 3 is missing before line 3 (deleted)' })]);
  });

  it('two swapped lines', async () => {
    const k = await kiosk();
    const ls = k.lines();
    [ls[4], ls[5]] = [ls[5] as string, ls[4] as string];
    k.write(ls);
    expect((await k.verify()).findings).toEqual([expect.objectContaining({ kind: 'reordered', seq: [5, 6], message: 'records 5 and 6 are swapped (lines 5 and 6)' })]);
  });

  it('a cut tail (at a line boundary, which the chain alone cannot see): named from the head marker', async () => {
    const k = await kiosk();
    k.write(k.lines().slice(0, 5));
    const { findings } = await k.verify();
    expect(findings).toEqual([expect.objectContaining({ kind: 'truncated', seq: [6, 7] })]);
    expect(findings[0]?.message).toMatch(/ends at record 5 but the head marker says it had 7: records 6-7 were cut off/);
  });

  it('a damaged trail is moved aside at open and a new chain starts with what was found', async () => {
    const k = await kiosk();
    k.write(k.lines().slice(0, 5));
    const audit = new AuditTrail({ dir: join(k.dir, 'audit'), clock: k.clock, log });
    await audit.open();
    expect(audit.list()).toEqual([expect.objectContaining({ seq: 1, type: 'audit.restarted', data: expect.objectContaining({ records: 5 }) })]);
    expect(JSON.stringify(audit.list()[0]?.data.findings)).toMatch(/cut off/);
    await audit.close();
  });
});

describe('the money journal, tampered with the same way', () => {
  const refusal = async (k: Awaited<ReturnType<typeof kiosk>>) => (await inspectJournal(k.money.path, k.money.mirrorPath)).refusal;
  const edit = (path: string, f: (ls: string[]) => string[]) => {
    const ls = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    writeFileSync(path, f(ls).map((l) => `${l}\n`).join(''));
  };

  it('an edited amount, a deleted line and two swapped lines in one copy are refused, naming file and line', async () => {
    for (const [what, f, line, reason] of [
      ['edited', (ls: string[]) => ls.map((l, i) => (i === 2 ? l.replace('"value":3000', '"value":9000') : l)), 3, /hash mismatch/],
      ['deleted', (ls: string[]) => ls.filter((_, i) => i !== 2), 3, /sequence gap: record 4 where 3/],
      ['swapped', (ls: string[]) => [ls[0], ls[2], ls[1], ...ls.slice(3)] as string[], 2, /sequence gap: record 3 where 2/],
    ] as const) {
      const k = await kiosk();
      edit(k.money.path, f);
      expect(await refusal(k), what).toMatchObject({ file: k.money.path, line, reason: expect.stringMatching(reason) });
    }
  });

  it('a cut tail in one copy is refused (the other copy is longer)', async () => {
    const k = await kiosk();
    edit(k.money.path, (ls) => ls.slice(0, 4));
    expect(await refusal(k)).toMatchObject({ file: k.money.path });
  });

  it('both copies deleted: the audit trail pin makes the journal refuse to open (JOURNAL_CORRUPT) and audit verify names it', async () => {
    const k = await kiosk();
    rmSync(k.money.path);
    rmSync(k.money.mirrorPath);
    expect((await k.verify()).findings).toEqual([expect.objectContaining({ kind: 'truncated', message: expect.stringMatching(/both copies are missing but the audit trail saw record 6: records 1-6 were deleted from both copies/) })]);
    const audit = new AuditTrail({ dir: join(k.dir, 'audit'), clock: k.clock, log });
    await audit.open();
    const money = new MoneyJournal({ stateDir: k.dir, clock: k.clock, log, expectHead: () => pinnedJournalHead(audit.list()) });
    const err = await money.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    expect(err).toMatchObject({ code: 'JOURNAL_CORRUPT', details: { line: 1, reason: expect.stringMatching(/records 1-6 missing from both copies/) } });
    await audit.close();
  });

  it('both copies cut at the same line: refused as well', async () => {
    const k = await kiosk();
    edit(k.money.path, (ls) => ls.slice(0, 4));
    edit(k.money.mirrorPath, (ls) => ls.slice(0, 4));
    expect(await refusal(k)).toBeUndefined(); // the copies agree: issue 20's gap
    expect((await k.verify()).findings[0]?.message).toMatch(/verifies 4 records but the audit trail saw record 6: records 5-6 were deleted/);
  });
});
