/** Serial transport (USB-CDC, RS-232) over node-serialport. */
import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { withErrno } from '../core/transport.js';
import { Listeners, type ByteStream } from './byte-stream.js';

export { withErrno };

export interface SerialOptions {
  /** Prefer stable paths: /dev/serial/by-id/... */
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  stopBits?: 1 | 2;
  parity?: 'none' | 'even' | 'odd';
  /** Hardware flow control (RTS/CTS), e.g. for receipt printers. */
  rtscts?: boolean;
  /**
   * How often to check that the device path still names the device that was opened (ms; 0: never).
   * A USB unplug removes /dev/serial/by-id/... at once, but the port does not always report the hangup
   * (a PTY whose other side went away never does); a different node there means unplugged and replugged.
   */
  presenceCheckMs?: number;
}

export class SerialTransport implements ByteStream {
  private port: SerialPort | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();
  private presence: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialOptions) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  get label(): string {
    return this.options.path;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate,
      dataBits: this.options.dataBits ?? 8,
      stopBits: this.options.stopBits ?? 1,
      parity: this.options.parity ?? 'none',
      rtscts: this.options.rtscts ?? false,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(withErrno(err)) : resolve())));
    let reason: Error | undefined;
    port.on('data', (chunk: Buffer) => this.data.emit(chunk));
    port.on('close', (err?: Error | null) => {
      if (this.port === port) this.port = undefined;
      clearInterval(this.presence);
      // node-serialport reports an unplug as a close carrying a "disconnected" error
      const e = reason ?? err ?? undefined;
      this.closed.emit(e ? withErrno(e) : undefined);
    });
    port.on('error', () => {
      // errors surface through close or the failing write; listening keeps Node from throwing
    });
    this.port = port;
    const interval = this.options.presenceCheckMs ?? 500;
    if (interval > 0) {
      const opened = await stat(this.options.path).catch(() => undefined);
      this.presence = setInterval(() => {
        void stat(this.options.path).then(
          (now) => (opened && now.rdev !== opened.rdev ? 'replaced' : undefined),
          (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 'gone' : undefined),
        ).then((what) => {
          if (!what || this.port !== port) return;
          reason = Object.assign(new Error(`${this.label} ${what === 'gone' ? 'disappeared' : 'is another device now'}`), { code: 'ENODEV' });
          clearInterval(this.presence);
          port.close(() => undefined);
        });
      }, interval);
      this.presence.unref();
    }
  }

  async write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw Object.assign(new Error(`${this.label} is not open`), { code: 'EIO' });
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(data), (err) => {
        if (err) reject(err);
      });
      port.drain((err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.presence);
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}
