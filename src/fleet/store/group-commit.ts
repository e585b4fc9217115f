/**
 * Group commit: callers add items and wait; one write runs at a time and takes everything that queued up
 * while the previous one ran (up to `maxBatch`). With one item in flight it commits alone; under load the
 * batches grow by themselves, with no timer and no added latency.
 */
export class GroupCommit<T, R> {
  private pending: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private running: Promise<void> | undefined;
  private active = false;

  constructor(
    private readonly write: (batch: T[]) => Promise<R>,
    private readonly maxBatch: number,
    private readonly onBatch?: (result: R, size: number) => void,
  ) {}

  /** Resolves once the item's batch is committed; rejects when that write failed. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.active) return; // the running loop takes it
      this.active = true;
      this.running = this.run();
    });
  }

  /** Items waiting or being written. */
  get size(): number {
    return this.pending.length;
  }

  /** Resolves when nothing is waiting or being written. */
  async idle(): Promise<void> {
    while (this.active) await this.running;
  }

  private async run(): Promise<void> {
    try {
      // Let the callers that are already runnable in this turn join the first batch.
      await new Promise<void>((r) => setImmediate(r));
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const result = await this.write(batch.map((b) => b.item));
          this.onBatch?.(result, batch.length);
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      // No await between the last look at `pending` and here: an add() after this starts a new loop.
      this.active = false;
    }
  }
}
