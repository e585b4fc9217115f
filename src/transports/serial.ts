/** Serial transport (USB-CDC, RS-232) over node-serialport. */
import { SerialPort } from 'serialport';
import { Listeners, type ByteStream } from './byte-stream.js';

export interface SerialOptions {
  /** Prefer stable paths: /dev/serial/by-id/... */
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  stopBits?: 1 | 2;
  parity?: 'none' | 'even' | 'odd';
  /** Hardware flow control (RTS/CTS), e.g. for receipt printers. */
  rtscts?: boolean;
}

export class SerialTransport implements ByteStream {
  private port: SerialPort | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();

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
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.data.emit(chunk));
    port.on('close', (err?: Error | null) => {
      if (this.port === port) this.port = undefined;
      // node-serialport reports an unplug as a close carrying a "disconnected" error
      this.closed.emit(err ?? undefined);
    });
    port.on('error', () => {
      // errors surface through close or the failing write; listening keeps Node from throwing
    });
    this.port = port;
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
