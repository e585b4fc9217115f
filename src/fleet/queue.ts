/**
 * The fleet link's store-and-forward queue: alert events and health snapshots wait here, on disk, until
 * the remote broker has acknowledged them. Records keep their order and get a sequence number that
 * rises by one per record across daemon restarts.
 *
 * On disk: `queue.jsonl` (one record per line, appended; alerts are fdatasync'ed, health is not) and
 * `acked.json` ({ acked: last acknowledged seq }, replaced by rename). Every kind but health and KPI
 * summaries (which the next one supersedes) is fdatasync'ed before push resolves. At open, lines with seq <= acked are
 * skipped and a torn last line is ignored. Delivery is at-least-once: after a crash a few acknowledged
 * records may be sent again; the fleet de-duplicates by seq.
 *
 * Bounded by records and bytes: when full, the oldest health record is dropped (the record after it
 * counts it in `dropped`); an alert is never dropped, even beyond the bound.
 */
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fleetRecordSchema, type FleetRecord } from '../api/alerts.js';
import type { Clock, Timer } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

export interface QueueLimits {
  maxRecords: number;
  maxBytes: number;
}

interface Entry {
  rec: FleetRecord;
  bytes: number;
}

export class DiskQueue {
  private entries: Entry[] = [];
  private bytes = 0;
  private fh: FileHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private ackedSeq: number;
  private ackTimer: Timer | undefined;
  private linesInFile: number;
  /** Health records dropped since the queue was opened (for health and tests). */
  droppedTotal = 0;

  private constructor(
    private readonly dir: string,
    private readonly limits: QueueLimits,
    private readonly log: Logger,
    private readonly clock: Pick<Clock, 'setTimeout'>,
    private nextSeq: number,
    acked: number,
    entries: Entry[],
    linesInFile: number,
  ) {
    this.ackedSeq = acked;
    this.entries = entries;
    this.bytes = entries.reduce((n, e) => n + e.bytes, 0);
    this.linesInFile = linesInFile;
  }

  static async open(dir: string, limits: QueueLimits, log: Logger, clock: Pick<Clock, 'setTimeout'>): Promise<DiskQueue> {
    await mkdir(dir, { recursive: true });
    let acked = -1;
    try {
      const v = JSON.parse(await readFile(join(dir, 'acked.json'), 'utf8')) as { acked?: unknown };
      if (typeof v.acked === 'number') acked = v.acked;
    } catch {
      /* first start */
    }
    let text = '';
    try {
      text = await readFile(join(dir, 'queue.jsonl'), 'utf8');
    } catch {
      /* empty */
    }
    const entries: Entry[] = [];
    let maxSeq = acked;
    const lines = text.split('\n').filter((l) => l.length > 0);
    for (const line of lines) {
      let rec: FleetRecord;
      try {
        rec = fleetRecordSchema.parse(JSON.parse(line));
      } catch {
        continue; // a torn write at a crash or power cut
      }
      maxSeq = Math.max(maxSeq, rec.seq);
      if (rec.seq > acked && (entries.length === 0 || rec.seq > entries[entries.length - 1]!.rec.seq)) {
        entries.push({ rec, bytes: Buffer.byteLength(line) + 1 });
      }
    }
    const q = new DiskQueue(dir, limits, log, clock, maxSeq + 1, acked, entries, lines.length);
    await q.rewrite(); // drop acknowledged and torn lines; start from a clean file
    if (entries.length > 0) log.info({ pending: entries.length, firstSeq: entries[0]!.rec.seq }, 'fleet queue reopened with records to send');
    return q;
  }

  get length(): number {
    return this.entries.length;
  }
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Records waiting, oldest first (the sender publishes them in this order). */
  pending(): readonly FleetRecord[] {
    return this.entries.map((e) => e.rec);
  }

  /** Append a record; resolves once written (alerts, settlements, audit heads: and flushed to the disk). */
  push(kind: FleetRecord['kind'], bootId: string, at: string, body: unknown): Promise<FleetRecord> {
    const rec: FleetRecord = { seq: this.nextSeq++, bootId, at, kind, body };
    const line = `${JSON.stringify(rec)}\n`;
    this.entries.push({ rec, bytes: Buffer.byteLength(line) });
    this.bytes += Buffer.byteLength(line);
    return this.serial(async () => {
      const fh = await this.handle();
      await fh.appendFile(line);
      this.linesInFile++;
      if (kind !== 'health' && kind !== 'kpi') await fh.datasync();
      if (this.overLimits() && this.dropOldestHealth()) await this.rewrite();
      return rec;
    });
  }

  /** The remote broker acknowledged this record. */
  ack(seq: number): void {
    const i = this.entries.findIndex((e) => e.rec.seq === seq);
    if (i < 0) return;
    const [gone] = this.entries.splice(i, 1);
    this.bytes -= gone!.bytes;
    this.ackedSeq = Math.max(this.ackedSeq, this.entries[0] ? this.entries[0].rec.seq - 1 : this.nextSeq - 1);
    // Marker writes are batched: a burst of acks after a reconnect costs one rename, not thousands.
    if (!this.ackTimer) {
      this.ackTimer = this.clock.setTimeout(() => {
        this.ackTimer = undefined;
        void this.serial(() => this.persistAcked());
      }, 200);
      this.ackTimer.unref();
    }
  }

  /** Persist the acknowledged position now (at stop). */
  async close(): Promise<void> {
    this.ackTimer?.cancel();
    this.ackTimer = undefined;
    await this.serial(() => this.persistAcked());
    await this.fh?.close();
    this.fh = undefined;
  }

  private overLimits(): boolean {
    return this.entries.length > this.limits.maxRecords || this.bytes > this.limits.maxBytes;
  }

  /** Drop health records, oldest first, until within limits. True when something was dropped. */
  private dropOldestHealth(): boolean {
    let dropped = 0;
    while (this.overLimits()) {
      const i = this.entries.findIndex((e) => e.rec.kind === 'health');
      if (i < 0) break;
      const [gone] = this.entries.splice(i, 1);
      this.bytes -= gone!.bytes;
      const next = this.entries[i];
      if (next) next.rec = { ...next.rec, dropped: (next.rec.dropped ?? 0) + 1 + (gone!.rec.dropped ?? 0) };
      dropped++;
    }
    if (dropped > 0) {
      this.droppedTotal += dropped;
      this.log.warn({ dropped, pending: this.entries.length }, 'fleet queue full: oldest health records dropped');
    }
    if (this.overLimits()) this.log.warn({ pending: this.entries.length }, 'fleet queue over its bound with alerts only; keeping them');
    return dropped > 0;
  }

  private async persistAcked(): Promise<void> {
    const tmp = join(this.dir, 'acked.json.tmp');
    await writeFile(tmp, JSON.stringify({ acked: this.ackedSeq }));
    await rename(tmp, join(this.dir, 'acked.json'));
    // Compact once the file is mostly acknowledged lines (or empty of pending ones).
    if (this.entries.length === 0 || this.linesInFile > 2 * this.entries.length + 100) await this.rewrite();
  }

  /** Replace queue.jsonl by the pending records only (write a temporary file, then rename). */
  private async rewrite(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    const tmp = join(this.dir, 'queue.jsonl.tmp');
    await writeFile(tmp, this.entries.map((e) => `${JSON.stringify(e.rec)}\n`).join(''));
    await rename(tmp, join(this.dir, 'queue.jsonl'));
    this.linesInFile = this.entries.length;
  }

  private async handle(): Promise<FileHandle> {
    this.fh ??= await open(join(this.dir, 'queue.jsonl'), 'a');
    return this.fh;
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step, step);
    this.chain = next.catch((err: unknown) => this.log.error({ err }, 'fleet queue write failed'));
    return next;
  }
}
