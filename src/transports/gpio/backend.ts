/**
 * One small interface for every GPIO backend (libgpiod tools, sysfs via onoff, simulated). Backends deal
 * in physical levels; active-low inversion, debouncing and safe values live in the driver.
 */
export interface GpioLineSpec {
  /** The configured name (used in topics). */
  readonly name: string;
  /** Line name (found on any chip) or offset on the configured chip. */
  readonly line: string | number;
  readonly bias?: 'as-is' | 'pull-up' | 'pull-down' | 'disable';
}

export interface GpioOutputSpec extends GpioLineSpec {
  /** Physical level to drive from the moment the line is requested. */
  readonly initial: boolean;
}

export interface GpioBackend {
  readonly kind: 'gpiod' | 'sysfs' | 'sim';
  /** Request the lines. Rejects (ENOENT, EBUSY, EACCES...) when a line cannot be had. */
  open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void>;
  /** Current physical level of a requested line. */
  read(name: string): Promise<boolean>;
  /** Drive an output's physical level. */
  write(name: string, level: boolean): Promise<void>;
  /**
   * Raw (undebounced) input edges with the new physical level and when the edge happened: the kernel's
   * timestamp (CLOCK_MONOTONIC, ms) where the backend has one (gpiod), else when it was seen. The driver
   * debounces on these times, so edges it gets late (a stalled event loop) still count as they happened.
   */
  onEdge(listener: (name: string, level: boolean, atMs: number) => void): () => void;
  /** The backend lost its lines (chip gone, monitor process died). */
  onLost(listener: (err: Error) => void): () => void;
  /** Release every line. Outputs should have been written to their safe values first. */
  close(): Promise<void>;
}

/** CLOCK_MONOTONIC in milliseconds: the time base of the kernel's GPIO edge timestamps (and of every process here). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
