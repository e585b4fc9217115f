/** The byte stream contract lives with the other transport contracts (src/core/transport.ts). */
export type { ByteStream } from '../core/transport.js';

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
