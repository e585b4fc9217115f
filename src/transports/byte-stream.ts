/**
 * The one interface every byte transport implements (serial, TCP, line-printer file, USB bulk), so a
 * driver runs the same code whatever the wire. Error semantics:
 * - `open` rejects with the OS error (ENOENT: not plugged in, EACCES: permissions) and may be retried.
 * - `write` resolves when the bytes were handed to the OS (drained); rejects if the stream is closed.
 * - `onClose` fires once per open, with the error if the device went away (unplug, peer reset).
 */
export interface ByteStream {
  readonly isOpen: boolean;
  /** A label for logs (path or host:port); never contains secrets. */
  readonly label: string;
  open(): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Subscribe to incoming bytes; returns an unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Subscribe to the stream closing (cleanly: no error; unplugged/reset: the error). */
  onClose(listener: (err?: Error) => void): () => void;
}

/** Small listener set used by transports. */
export class Listeners<T extends unknown[]> {
  private readonly set = new Set<(...args: T) => void>();
  add(listener: (...args: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(...args: T): void {
    for (const l of [...this.set]) l(...args);
  }
}
