import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/test-clocks.js';
import { createLogger } from '../../../src/core/logger.js';
import { DiskQueue } from '../../../src/fleet/queue.js';
import { tempDir } from '../../helpers/daemon.js';

const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const limits = { maxRecords: 5, maxBytes: 1_000_000 };

describe('fleet store-and-forward queue', () => {
  it('numbers records in order and survives a restart, acknowledged ones excluded', async () => {
    const dir = tempDir();
    const q = await DiskQueue.open(dir, limits, log, new ManualClock());
    for (let i = 0; i < 4; i++) await q.push(i % 2 ? 'alert' : 'health', 'boot1', `t${i}`, { i });
    expect(q.pending().map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    q.ack(0);
    q.ack(1);
    await q.close();
    const q2 = await DiskQueue.open(dir, limits, log, new ManualClock());
    expect(q2.pending().map((r) => [r.seq, r.kind, r.body])).toEqual([[2, 'health', { i: 2 }], [3, 'alert', { i: 3 }]]);
    const next = await q2.push('health', 'boot2', 't', {});
    expect(next.seq).toBe(4);
    await q2.close();
  });

  it('keeps numbering after the queue was emptied and compacted', async () => {
    const dir = tempDir();
    const q = await DiskQueue.open(dir, limits, log, new ManualClock());
    await q.push('alert', 'b', 't', {});
    await q.push('alert', 'b', 't', {});
    q.ack(0);
    q.ack(1);
    await q.close();
    expect(readFileSync(join(dir, 'queue.jsonl'), 'utf8')).toBe('');
    const q2 = await DiskQueue.open(dir, limits, log, new ManualClock());
    expect((await q2.push('health', 'b', 't', {})).seq).toBe(2);
    await q2.close();
  });

  it('under pressure drops the oldest health first, never an alert, and says how many were dropped', async () => {
    const q = await DiskQueue.open(tempDir(), limits, log, new ManualClock());
    const kinds = ['health', 'alert', 'health', 'health', 'alert', 'alert', 'alert', 'alert'] as const;
    for (const k of kinds) await q.push(k, 'b', 't', {});
    // 8 records, bound 5: the three health records (0, 2, 3) go; every alert stays.
    expect(q.pending().map((r) => [r.seq, r.kind])).toEqual([[1, 'alert'], [4, 'alert'], [5, 'alert'], [6, 'alert'], [7, 'alert']]);
    expect(q.pending().map((r) => r.dropped ?? 0)).toEqual([1, 2, 0, 0, 0]);
    await q.push('alert', 'b', 't', {});
    expect(q.length).toBe(6); // over the bound with alerts only: kept
    expect(q.droppedTotal).toBe(3);
    await q.close();
  });

  it('ignores a torn last line after a power cut', async () => {
    const dir = tempDir();
    const q = await DiskQueue.open(dir, limits, log, new ManualClock());
    await q.push('alert', 'b', 't', { a: 1 });
    await q.close();
    appendFileSync(join(dir, 'queue.jsonl'), '{"seq":1,"bootId":"b","at":"t","ki');
    const q2 = await DiskQueue.open(dir, limits, log, new ManualClock());
    expect(q2.pending().map((r) => r.seq)).toEqual([0]);
    expect((await q2.push('alert', 'b', 't', {})).seq).toBe(1);
    await q2.close();
    writeFileSync(join(dir, 'acked.json'), 'not json');
    const q3 = await DiskQueue.open(dir, limits, log, new ManualClock());
    expect(q3.pending().map((r) => r.seq)).toEqual([0, 1]);
    await q3.close();
  });
});
