import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/fleet/store/group-commit.js';

describe('group commit', () => {
  it('commits the first item alone and everything that queued meanwhile together', async () => {
    const batches: number[][] = [];
    let release: (() => void) | undefined;
    const gc = new GroupCommit<number, void>(async (b) => {
      batches.push(b);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    }, 100);
    const first = gc.add(1);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map((i) => gc.add(i));
    release?.();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('an item added just as the loop ends is still written (no stall)', async () => {
    const gc = new GroupCommit<number, void>(async () => undefined, 10);
    for (let i = 0; i < 50; i++) {
      await gc.add(i); // each add after the previous loop finished
    }
    const late = gc.add(99);
    await gc.idle();
    await expect(late).resolves.toBeUndefined();
  });

  it('a failed write rejects its own batch only, and respects maxBatch', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, void>(async (b) => {
      batches.push(b);
      if (b.includes(2)) throw new Error('db down');
    }, 2);
    const r = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => gc.add(i)));
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });
});
