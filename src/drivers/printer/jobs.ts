/**
 * Idempotency keys of print jobs, persisted in the device state dir so "the same key never prints twice"
 * holds across restarts and crashes. A key is recorded as `started` (fsynced) before the first byte goes
 * to the printer; a key whose job failed before any byte was sent is not recorded and may be retried.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KioskError } from '../../core/errors.js';

export interface JobRecord {
  readonly jobId: string;
  readonly state: 'started' | 'printed' | 'failed';
  readonly at: string;
  readonly code?: string;
  readonly bytes?: number;
  readonly rasterBlocks?: number;
  readonly durationMs?: number;
}

/** Keys older than this are forgotten (a receipt is not retried weeks later). */
const KEEP_MS = 30 * 24 * 3600_000;
const MAX_KEYS = 20_000;

export class JobStore {
  private records = new Map<string, JobRecord>();
  private writing: Promise<void> = Promise.resolve();
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'printer-jobs.json');
  }

  /** Load the keys. A corrupt file is refused: printing without it could print a receipt twice. */
  async load(now: number): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new KioskError('INTERNAL', `${this.path} is corrupt; move it away to print again (duplicate protection would be lost)`, { cause: err });
    }
    const entries = Object.entries((parsed as { keys?: Record<string, JobRecord> }).keys ?? {});
    this.records = new Map(entries.filter(([, r]) => now - Date.parse(r.at) < KEEP_MS).slice(-MAX_KEYS));
  }

  get(key: string): JobRecord | undefined {
    return this.records.get(key);
  }

  /** Record and persist (resolves after fsync and rename). */
  put(key: string, record: JobRecord): Promise<void> {
    this.records.delete(key);
    this.records.set(key, record);
    while (this.records.size > MAX_KEYS) this.records.delete(this.records.keys().next().value as string);
    const snapshot = JSON.stringify({ keys: Object.fromEntries(this.records) });
    const run = this.writing.then(() => this.persist(snapshot));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async persist(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync().catch(() => undefined);
    } finally {
      await dir.close();
    }
  }
}
