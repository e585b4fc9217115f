/**
 * Linux input event devices (/dev/input/by-id/*-event-kbd) as a read-only byte stream of
 * `struct input_event` records, for keyboard-wedge scanners.
 *
 * The device is opened O_NONBLOCK and polled: a blocking read would park a libuv pool thread until the
 * next keystroke and make `close()` wait for it. Reads drain everything available at once, so a scan
 * typed at 1-2 ms per key costs one wake-up per poll interval, not one per key.
 *
 * Node cannot issue EVIOCGRAB (an ioctl), so this does not keep keystrokes from the console or the UI;
 * the udev rule in docs/scanner.md does (it tells libinput and the X/Wayland session to ignore the device).
 *
 * Error semantics (see ByteStream): `open` rejects with ENOENT/EACCES; an unplug makes the next read fail
 * with ENODEV, which closes the stream with that error; `write` always rejects (ENOTSUP).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Listeners, type ByteStream } from './byte-stream.js';

export interface InputEventsOptions {
  path: string;
  /** Poll interval while no data is waiting (ms). */
  pollMs?: number;
  /** Read buffer; a multiple of the event size (24 bytes on 64-bit, 16 on 32-bit). */
  readBytes?: number;
}

export class InputEventTransport implements ByteStream {
  private fh: FileHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
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
    this.fh = await open(this.options.path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.schedule(0);
  }

  async write(_data: Uint8Array): Promise<void> {
    throw Object.assign(new Error(`${this.label} is an input device`), { code: 'ENOTSUP' });
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    clearTimeout(this.timer);
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
