/**
 * Kernel line-printer device transport (/dev/usb/lp*, usblp). usblp allows one open at a time, so the
 * device is opened once, read-write and non-blocking: a blocking read would park a libuv thread until the
 * printer speaks. Reads are polled; EAGAIN on write means "previous write still in flight", retried.
 * A regular file works as a write-only sink (captures for the virtual printer, tests).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Listeners, type ByteStream } from './byte-stream.js';

export interface LpFileOptions {
  /** e.g. /dev/usb/lp0 or a udev link to it. */
  path: string;
  /** How often to poll for status bytes from the printer. */
  readPollMs?: number;
}

const GONE = new Set(['ENODEV', 'EIO', 'ENXIO', 'EBADF']);

export class LpFileTransport implements ByteStream {
  private fh: FileHandle | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();

  constructor(private readonly options: LpFileOptions) {}

  get isOpen(): boolean {
    return this.fh !== undefined;
  }

  get label(): string {
    return this.options.path;
  }

  async open(): Promise<void> {
    if (this.fh) return;
    const fh = await open(this.options.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_APPEND | constants.O_NOCTTY);
    this.fh = fh;
    const st = await fh.stat();
    if (st.isCharacterDevice()) this.scheduleRead(fh);
  }

  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const fh = this.fh;
      if (!fh) throw Object.assign(new Error(`${this.label} is not open`), { code: 'EIO' });
      try {
        const { bytesWritten } = await fh.write(data, off, data.length - off, null);
        off += bytesWritten;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        if (code && GONE.has(code)) await this.lose(err as Error);
        throw err;
      }
    }
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    clearTimeout(this.readTimer);
    if (!fh) return;
    await fh.close().catch(() => undefined);
    this.closed.emit(undefined);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }

  private scheduleRead(fh: FileHandle): void {
    this.readTimer = setTimeout(() => void this.readOnce(fh), this.options.readPollMs ?? 20);
  }

  private async readOnce(fh: FileHandle): Promise<void> {
    if (this.fh !== fh) return;
    try {
      const buf = Buffer.alloc(256);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead > 0) this.data.emit(buf.subarray(0, bytesRead));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code && GONE.has(code)) {
        await this.lose(err as Error);
        return;
      }
      // EAGAIN: nothing to read yet
    }
    if (this.fh === fh) this.scheduleRead(fh);
  }

  private async lose(err: Error): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    this.fh = undefined;
    clearTimeout(this.readTimer);
    await fh.close().catch(() => undefined);
    this.closed.emit(err);
  }
}
