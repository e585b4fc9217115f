/**
 * Linux input event devices (/dev/input/by-id/*-event-kbd) as a read-only byte stream of
 * `struct input_event` records, for keyboard-wedge scanners.
 *
 * The device is opened O_NONBLOCK and read when it is readable: libuv cannot watch a character device,
 * so poll(2) waits for it on a koffi worker thread (`ReadinessWaiter`, src/transports/libc.ts) and an
 * idle scanner costs nothing — no timer, no read (issue 18: the 10 ms poll it replaces was most of an
 * idle kiosk's CPU). Each wake-up drains everything waiting, so a scan typed at 1-2 ms per key costs a
 * few wake-ups, not one per key. Where the FFI cannot load, it falls back to polling every `pollMs`.
 * A FIFO (the simulator's stand-in) whose writer has gone reads as end-of-file and is polled every
 * `pollMs` until a writer comes back.
 *
 * Node cannot issue EVIOCGRAB (an ioctl), so this does not keep keystrokes from the console or the UI;
 * the udev rule in docs/scanner.md does (it tells libinput and the X/Wayland session to ignore the device).
 *
 * Error semantics (see ByteStream): `open` rejects with ENOENT/EACCES; an unplug makes the next read fail
 * with ENODEV, which closes the stream with that error; `write` always rejects (ENOTSUP).
 */
import { constants, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Listeners, type ByteStream } from './byte-stream.js';
import { libcAvailable, POLLERR, POLLHUP, POLLNVAL, ReadinessWaiter } from './libc.js';

export interface InputEventsOptions {
  path: string;
  /** Poll interval where readiness cannot be waited for (no FFI), or of a FIFO without a writer (ms). */
  pollMs?: number;
  /** Read buffer; a multiple of the event size (24 bytes on 64-bit, 16 on 32-bit). */
  readBytes?: number;
}

export class InputEventTransport implements ByteStream {
  private fh: FileHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private waiter: ReadinessWaiter | undefined;
  /** One read buffer for the life of the transport: an idle or busy scanner allocates only what it emits. */
  private buf: Buffer | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();

  constructor(private readonly options: InputEventsOptions) {}

  get isOpen(): boolean {
    return this.fh !== undefined;
  }

  get label(): string {
    return this.options.path;
  }

  async open(): Promise<void> {
    if (this.fh) return;
    const fh = await open(this.options.path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.fh = fh;
    this.buf ??= Buffer.alloc(this.options.readBytes ?? 24 * 256);
    if (libcAvailable()) {
      this.waiter = new ReadinessWaiter(fh.fd);
      void this.watch(fh, this.waiter);
    } else {
      this.schedule(0);
    }
  }

  /** Drain, then wait until the device is readable again; until closed. */
  private async watch(fh: FileHandle, waiter: ReadinessWaiter): Promise<void> {
    for (;;) {
      const got = this.drain(fh);
      if (got === 'gone') return;
      if (got === 'eof') {
        // a FIFO whose writer left stays "readable" (POLLHUP) until one comes back: poll it slowly
        await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 10));
      } else {
        let revents: number;
        try {
          revents = await waiter.wait();
        } catch (err) {
          return this.fail(fh, err as Error);
        }
        if (this.fh !== fh) return;
        if (revents & (POLLERR | POLLNVAL) && !(revents & POLLHUP)) return this.fail(fh, Object.assign(new Error(`${this.label}: poll error`), { code: 'EIO' }));
      }
      if (this.fh !== fh) return;
    }
  }

  /** Read everything waiting (never blocks: the descriptor is non-blocking). */
  private drain(fh: FileHandle): 'data' | 'empty' | 'eof' | 'gone' {
    const buf = this.buf!;
    let any = false;
    for (;;) {
      let n: number;
      try {
        n = readSync(fh.fd, buf, 0, buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return any ? 'data' : 'empty';
        void this.fail(fh, err as Error);
        return 'gone';
      }
      if (n === 0) return any ? 'data' : 'eof';
      any = true;
      this.data.emit(Buffer.from(buf.subarray(0, n)));
      if (this.fh !== fh) return 'gone';
      if (n < buf.length) return 'data';
    }
  }

  private async fail(fh: FileHandle, err: Error): Promise<void> {
    if (this.fh !== fh) return;
    this.fh = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    await waiter?.close();
    await fh.close().catch(() => undefined);
    this.closed.emit(err);
  }

  async write(_data: Uint8Array): Promise<void> {
    throw Object.assign(new Error(`${this.label} is an input device`), { code: 'ENOTSUP' });
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    clearTimeout(this.timer);
    const waiter = this.waiter;
    this.waiter = undefined;
    // The waiter's poll must have returned before the descriptor closes (a reused number would be polled).
    await waiter?.close();
    if (fh) await fh.close().catch(() => undefined);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    const fh = this.fh;
    if (!fh || this.reading) return;
    this.reading = true;
    try {
      const buf = Buffer.alloc(this.options.readBytes ?? 24 * 256);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (this.fh !== fh) return;
      if (bytesRead > 0) this.data.emit(buf.subarray(0, bytesRead));
      // a full buffer means more is waiting; EOF (a FIFO with no writer, a file) is just "nothing now"
      this.schedule(bytesRead === buf.length ? 0 : (this.options.pollMs ?? 10));
    } catch (err) {
      if (this.fh !== fh) return;
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        this.schedule(this.options.pollMs ?? 10);
        return;
      }
      this.fh = undefined;
      await fh.close().catch(() => undefined);
      this.closed.emit(err as Error);
    } finally {
      this.reading = false;
    }
  }
}

/** Make a FIFO (the simulator's stand-in for an event device; tests). */
export async function makeFifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', ['-m', '0600', path]);
}
