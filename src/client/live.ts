/** A value that changes over time: read it now, or subscribe to every change. */
export interface Live<T> {
  /** The current value. */
  get(): T;
  /** Calls `fn` now with the current value, then on every change. Returns the unsubscribe function. */
  subscribe(fn: (value: T) => void): () => void;
}

/** The writable side, kept inside the client. */
export class LiveValue<T> implements Live<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  subscribe(fn: (value: T) => void): () => void {
    this.listeners.add(fn);
    fn(this.value);
    return () => {
      this.listeners.delete(fn);
    };
  }

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    // A throwing listener must not starve the others (a UI bug in one tile must not blind the rest).
    for (const fn of [...this.listeners]) {
      try {
        fn(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
