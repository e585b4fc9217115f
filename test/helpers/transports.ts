/**
 * Transports for tests: the real ones on the test's clock, or streams the test hands over (a fake, one
 * end of an in-memory pair, a PTY's slave side opened through the real serial transport).
 */
import { systemClock, type Clock } from '../../src/core/clock.js';
import type { ByteStream, StreamSpec, Transports } from '../../src/core/transport.js';
import { Listeners } from '../../src/transports/byte-stream.js';
import { createTransports } from '../../src/transports/factory.js';

/** The daemon's transports (serial, TCP, GPIO, sound...), with protocol deadlines on `clock`. */
export function realTransports(clock: Clock = systemClock): Transports {
  return createTransports({ clock });
}

/** The real transports, except that byte streams come from `make` (called once per stream asked for). */
export function streamsFrom(make: (spec: StreamSpec) => ByteStream | Promise<ByteStream>, clock: Clock = systemClock): Transports {
  return { ...realTransports(clock), stream: async (spec) => make(spec) };
}

/** One end of an in-memory wire: what one end writes, the other receives (asynchronously, in order). */
class MemoryEnd implements ByteStream {
  isOpen = false;
  peer: MemoryEnd | undefined;
  readonly data = new Listeners<[Buffer]>();
  readonly closed = new Listeners<[Error | undefined]>();
  constructor(readonly label: string) {}

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) throw Object.assign(new Error(`${this.label} is not open`), { code: 'EIO' });
    const peer = this.peer;
    const copy = Buffer.from(data);
    // delivered on a later turn, as bytes from a kernel buffer are
    setImmediate(() => {
      if (peer?.isOpen) peer.data.emit(copy);
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closed.emit(undefined);
  }

  /** The cable is cut: this end closes with an error (as an unplugged device's does). */
  cut(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closed.emit(Object.assign(new Error(`${this.label} disconnected`), { code: 'EIO' }));
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}

/** Two connected in-memory byte streams: the driver's end and the device's (a simulator's) end. */
export function memoryPair(label = 'memory'): { driverEnd: MemoryEnd; deviceEnd: MemoryEnd } {
  const driverEnd = new MemoryEnd(`${label}:driver`);
  const deviceEnd = new MemoryEnd(`${label}:device`);
  driverEnd.peer = deviceEnd;
  deviceEnd.peer = driverEnd;
  return { driverEnd, deviceEnd };
}
