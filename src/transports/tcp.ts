/** TCP transport (ZVT on 20007, raw printing on 9100). Nagle off: small frames must not wait. */
import { Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import { Listeners, type ByteStream } from './byte-stream.js';

export interface TcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** The connect timeout runs on it (a protocol deadline a test can skip); Node's timers without one. */
  clock?: Pick<Clock, 'setTimeout'>;
}

export class TcpTransport implements ByteStream {
  private socket: Socket | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();

  constructor(private readonly options: TcpOptions) {}

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  get label(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const socket = new Socket();
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const clock = this.options.clock;
      const arm = (fn: () => void, ms: number): { cancel(): void } => {
        if (clock) return clock.setTimeout(fn, ms);
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      };
      const timer = arm(() => {
        socket.destroy();
        reject(Object.assign(new Error(`connect to ${this.label} timed out`), { code: 'ETIMEDOUT' }));
      }, this.options.connectTimeoutMs ?? 5000);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        timer.cancel();
        // Under systemd, IPAddressDeny answers connect() with EPERM: say which rule is missing.
        reject(
          err.code === 'EPERM'
            ? Object.assign(new Error(`connect to ${this.label} refused by the service's IP sandbox (EPERM): sudo kioskd sandbox --write && sudo systemctl daemon-reload && sudo systemctl restart kioskd`), { code: 'EPERM', cause: err })
            : err,
        );
      });
      socket.connect(this.options.port, this.options.host, () => {
        timer.cancel();
        resolve();
      });
    });
    let lastError: Error | undefined;
    socket.on('error', (err) => (lastError = err));
    socket.on('data', (chunk: Buffer) => this.data.emit(chunk));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.closed.emit(lastError);
    });
    this.socket = socket;
  }

  async write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) throw Object.assign(new Error(`${this.label} is not connected`), { code: 'EPIPE' });
    await new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 500).unref();
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}
