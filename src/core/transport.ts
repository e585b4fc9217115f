/**
 * What a driver is given to reach its device: byte streams, GPIO lines, a sound output and speech
 * programs, all made by the {@link Transports} in its DriverDeps. A driver never constructs a transport
 * itself, so a test hands it a PTY, a socket or an in-memory pair, and only `src/transports/*` touches
 * hardware (the daemon passes `createTransports()` from src/transports/factory.ts).
 *
 * Factory methods do no I/O: what they return is opened by the driver in `start()`, and a missing
 * native module or tool surfaces there (or from the factory's promise, for lazily loaded modules).
 */

/**
 * The one interface every byte transport implements (serial, TCP, line-printer file, USB bulk, input
 * events), so a driver runs the same code whatever the wire. Error semantics:
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

/**
 * node-serialport reports "No such file or directory, cannot open ..." and disconnects without an errno
 * `code`; give such errors one so callers can tell "not plugged in" (ENOENT) from "no permission" (EACCES).
 */
export function withErrno(err: unknown): NodeJS.ErrnoException {
  const e = (err instanceof Error ? err : new Error(String(err))) as NodeJS.ErrnoException;
  if (e.code !== undefined) return e;
  const m = e.message;
  const code = /No such file|ENOENT/i.test(m) ? 'ENOENT' : /Permission denied|EACCES/i.test(m) ? 'EACCES' : /busy|EBUSY/i.test(m) ? 'EBUSY' : 'EIO';
  return Object.assign(e, { code });
}

/** A serial port (USB-CDC, RS-232). Prefer stable paths: /dev/serial/by-id/... */
export interface SerialSpec {
  readonly type: 'serial';
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits?: 5 | 6 | 7 | 8;
  readonly stopBits?: 1 | 2;
  readonly parity?: 'none' | 'even' | 'odd';
  /** Hardware flow control (RTS/CTS). */
  readonly rtscts?: boolean;
  /** How often the path is checked to still name the opened device (ms; 0: never). */
  readonly presenceCheckMs?: number;
}

export interface TcpSpec {
  readonly type: 'tcp';
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs?: number;
}

/** A line-printer character device (/dev/usb/lp0). */
export interface LpSpec {
  readonly type: 'lp';
  readonly path: string;
}

/** A USB printer class device's bulk endpoints, found by ids. */
export interface UsbSpec {
  readonly type: 'usb';
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string;
}

/** A Linux input event device (a keyboard-wedge scanner), read as raw events. */
export interface InputEventSpec {
  readonly type: 'input-events';
  readonly path: string;
  readonly pollMs?: number;
}

export type StreamSpec = SerialSpec | TcpSpec | LpSpec | UsbSpec | InputEventSpec;

/** One GPIO line as a backend requests it. */
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

/**
 * One small interface for every GPIO backend (libgpiod tools, sysfs via onoff, simulated). Backends deal
 * in physical levels; active-low inversion, debouncing and safe values live in the driver.
 */
export interface GpioBackend {
  readonly kind: 'gpiod' | 'sysfs' | 'sim';
  /** Request the lines. Rejects (ENOENT, EBUSY, EACCES...) when a line cannot be had. */
  open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void>;
  /** Current physical level of a requested line. */
  read(name: string): Promise<boolean>;
  /** Drive an output's physical level. */
  write(name: string, level: boolean): Promise<void>;
  /** Raw (undebounced) input edges with the new physical level. */
  onEdge(listener: (name: string, level: boolean) => void): () => void;
  /** The backend lost its lines (chip gone, monitor process died). */
  onLost(listener: (err: Error) => void): () => void;
  /** Release every line. Outputs should have been written to their safe values first. */
  close(): Promise<void>;
}

export type GpioSpec =
  | { readonly backend: 'gpiod'; readonly chip: string }
  | { readonly backend: 'sysfs'; readonly root: string; readonly chip: string }
  /** The simulator's line set (its SimulatorHandle.link). */
  | { readonly backend: 'sim'; readonly link: unknown };

export interface AudioPlayer {
  /** A label for logs and state (e.g. "aplay:default", "sim"). */
  readonly label: string;
  /**
   * Play a complete WAV. Resolves when it has been played to the end; rejects with code ABORT_ERR when
   * `signal` aborts (the sound stops at once), ENOENT when the player is not installed, EIO when the
   * device failed (busy, unplugged).
   */
  play(wav: Buffer, durationMs: number, signal: AbortSignal): Promise<void>;
}

export type PlayerSpec =
  | { readonly kind: 'aplay' | 'pw-play'; readonly device: string }
  /** The simulated sound card (its SimulatorHandle.link). */
  | { readonly kind: 'sim'; readonly link: unknown };

/** espeak-ng as a program: text in, WAV out (src/transports/audio/espeak.ts). */
export interface EspeakProgram {
  readonly kind: 'espeak-ng';
  version(): Promise<string>;
  /** Every voice name it accepts with -v. */
  voices(): Promise<Set<string>>;
  synthesize(req: { text: string; voice: string; wpm: number; signal?: AbortSignal }): Promise<Buffer>;
}

export interface PiperVoice {
  /** Binary name or path (default piper). */
  readonly bin: string;
  readonly model: string;
  readonly config?: string | undefined;
  readonly speaker?: number | undefined;
}

/** Piper as a program (src/transports/audio/piper.ts). */
export interface PiperProgram {
  readonly kind: 'piper';
  /** The model (and its .json config) exist and are readable. */
  check(voice: PiperVoice): Promise<void>;
  /** `lengthScale` > 1 speaks slower. */
  synthesize(voice: PiperVoice, text: string, lengthScale: number, signal?: AbortSignal): Promise<Buffer>;
}

/** Limits every speech program runs under. */
export interface SpeechLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** Makes what a driver talks to. The daemon's implementation is src/transports/factory.ts. */
export interface Transports {
  /** A byte stream for `spec`, not open yet. */
  stream(spec: StreamSpec): Promise<ByteStream>;
  /** A GPIO backend for `spec`, its lines not requested yet. */
  gpio(spec: GpioSpec): Promise<GpioBackend>;
  /** A sound output. Rejects with ENOENT when its program is not installed. */
  player(spec: PlayerSpec): Promise<AudioPlayer>;
  espeak(o: SpeechLimits & { readonly bin: string }): EspeakProgram;
  /** `workDir`: where it writes its WAV files (removed after reading). */
  piper(o: SpeechLimits & { readonly workDir: string }): PiperProgram;
}
