/**
 * An in-memory {@link JournalFs} for journal tests: files are Buffers, every call is logged in order
 * (`write path`, `datasync path`, ...), and a test can make the next write, fsync or open fail, or hold
 * an fsync until it says so — what a failing SD card does, without one.
 */
import type { JournalFile, JournalFs } from '../../src/core/journal-fs.js';

export class MemoryJournalFs implements JournalFs {
  readonly files = new Map<string, Buffer>();
  readonly ops: string[] = [];
  /** Called before each operation; throw from it to make that operation fail. */
  fail: ((op: 'write' | 'datasync' | 'open' | 'truncate' | 'rename', path: string) => void) | undefined;
  /** Set to make each write accept at most this many bytes (a short write). */
  writeLimit: number | undefined;
  /** When set, datasync waits for this promise. */
  datasyncGate: Promise<void> | undefined;

  async read(path: string): Promise<Buffer | undefined> {
    const b = this.files.get(path);
    return b ? Buffer.from(b) : undefined;
  }

  async openAppend(path: string): Promise<JournalFile> {
    this.fail?.('open', path);
    this.ops.push(`open ${path}`);
    if (!this.files.has(path)) this.files.set(path, Buffer.alloc(0));
    return {
      write: async (buffer, offset, length) => {
        this.fail?.('write', path);
        if (offset < 0 || length < 0 || offset + length > buffer.length) throw new RangeError(`write of ${length} at ${offset} outside a ${buffer.length}-byte buffer`);
        const n = Math.min(length, this.writeLimit ?? length);
        this.files.set(path, Buffer.concat([this.files.get(path) ?? Buffer.alloc(0), Buffer.from(buffer.subarray(offset, offset + n))]));
        this.ops.push(`write ${path}`);
        return { bytesWritten: n };
      },
      datasync: async () => {
        this.fail?.('datasync', path);
        if (this.datasyncGate) await this.datasyncGate;
        this.ops.push(`datasync ${path}`);
      },
      truncate: async (length) => {
        this.fail?.('truncate', path);
        this.files.set(path, (this.files.get(path) ?? Buffer.alloc(0)).subarray(0, length));
        this.ops.push(`truncate ${path} ${length}`);
      },
      close: async () => {
        this.ops.push(`close ${path}`);
      },
    };
  }

  async mkdirp(): Promise<void> {}

  async syncDir(dir: string): Promise<void> {
    this.ops.push(`syncdir ${dir}`);
  }

  async rename(from: string, to: string): Promise<void> {
    this.fail?.('rename', from);
    const b = this.files.get(from);
    if (!b) throw Object.assign(new Error(`ENOENT ${from}`), { code: 'ENOENT' });
    this.files.delete(from);
    this.files.set(to, b);
    this.ops.push(`rename ${from} ${to}`);
  }

  text(path: string): string {
    return (this.files.get(path) ?? Buffer.alloc(0)).toString('utf8');
  }

  setText(path: string, text: string): void {
    this.files.set(path, Buffer.from(text, 'utf8'));
  }
}
