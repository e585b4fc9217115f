import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { tempDir } from '../../helpers/daemon.js';
import { mountTinyFs } from '../../helpers/tiny-fs.js';

describe('Journal', () => {
  it('appends durably and reloads every entry in order', async () => {
    const path = join(tempDir(), 'j', 'money.jsonl');
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
    expect(again.repairedBytes).toBe(0);
    await again.close();
  });

  it('cuts off a torn last line (power cut mid-write) and keeps appending after it', async () => {
    const path = join(tempDir(), 'money.jsonl');
    const j = await Journal.open(path);
    await j.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { value: 500 } });
    await j.close();
    appendFileSync(path, '{"seq":2,"at":"2026-01-01","stream":"cash","ty');
    const again = await Journal.open(path);
    expect(again.list()).toHaveLength(1);
    expect(again.repairedBytes).toBeGreaterThan(0);
    const e = await again.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { value: 200 } });
    expect(e.seq).toBe(2);
    await again.close();
    expect((await Journal.open(path)).list()).toHaveLength(2);
  });

  it('refuses to open when a line in the middle was altered', async () => {
    const path = join(tempDir(), 'money.jsonl');
    const j = await Journal.open(path);
    await j.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { value: 500 } });
    await j.append({ stream: 'cash', type: 'note.credited', key: 's1', data: { value: 500 } });
    await j.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace('"value":500', '"value":900'));
    await expect(Journal.open(path)).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
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

  it('a full disk fails the append that does not fit, and every later one', async () => {
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
      // What was acknowledged is what is on disk (a torn tail, if any, is cut at the next open).
      fs.readWrite();
      expect((await Journal.open(join(fs.dir, 'money.jsonl'))).list()).toHaveLength(stored);
    } finally {
      fs.unmount();
    }
  });
});
