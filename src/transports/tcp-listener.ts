/**
 * TCP server side, for simulators that play a network device (a ZVT payment terminal on 20007). Each
 * accepted connection is a {@link ByteStream}, so a simulator speaks through the same interface as the
 * driver it talks to.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Listeners, type ByteStream } from './byte-stream.js';

/** One accepted connection. `open` is a no-op: it is open when accepted. */
class AcceptedStream implements ByteStream {
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();
  private open_ = true;

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    let lastError: Error | undefined;
    socket.on('error', (err) => (lastError = err));
    socket.on('data', (chunk: Buffer) => this.data.emit(chunk));
    socket.on('close', () => {
      this.open_ = false;
      this.closed.emit(lastError);
    });
  }

  get isOpen(): boolean {
    return this.open_;
  }

  get label(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  async open(): Promise<void> {}

  async write(data: Uint8Array): Promise<void> {
    if (!this.open_) throw Object.assign(new Error(`${this.label} is closed`), { code: 'EPIPE' });
    await new Promise<void>((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    if (!this.open_) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}

export class TcpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** Listen on host:port (port 0 picks a free one); resolves with the bound port. */
  async listen(port: number, host: string, onConnection: (stream: ByteStream) => void): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      onConnection(new AcceptedStream(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Drop every open connection (the device lost power), keep listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
