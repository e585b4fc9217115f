/** An in-memory pair of ByteStreams (what one end writes, the other reads), for link/simulator tests. */
import { Listeners, type ByteStream } from '../../../src/transports/byte-stream.js';

class End implements ByteStream {
  readonly data = new Listeners<[Buffer]>();
  readonly closed = new Listeners<[Error | undefined]>();
  peer!: End;
  isOpen = true;
  constructor(readonly label: string) {}
  async open(): Promise<void> {
    this.isOpen = true;
  }
  async write(data: Uint8Array): Promise<void> {
    const copy = Buffer.from(data);
    setImmediate(() => this.peer.data.emit(copy));
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }
  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}

export function pipe(): [ByteStream, ByteStream] {
  const a = new End('host');
  const b = new End('device');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
