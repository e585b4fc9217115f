/**
 * One scanner input: a byte stream (serial port or input event device), its decoder (lines, or
 * keystrokes -> lines), and the read grouping with its gap timer. Reports reads, noise and loss to the
 * driver; knows nothing about arming or events.
 */
import { stat } from 'node:fs/promises';
import type { Clock, Timer } from '../../core/clock.js';
import { withErrno, type ByteStream, type Transports } from '../../core/transport.js';
import type { HidInputConfig, ScannerInputConfig, SerialInputConfig } from './config.js';
import { isNoise, ReadGrouper, type Read } from './grouping.js';
import { buildKeymap } from './keymap.js';
import { LineSplitter, terminatorBytes } from './lines.js';
import { READER_PRESETS, type ReaderPreset } from './presets.js';
import { InputEventReader, KeystrokeDecoder, nativeEventSize } from './wedge.js';

export interface InputSink {
  read(read: Read): void;
  /** Something was discarded: `noise_lines`, `lines_dropped` (header/checksum), `unknown_keys`. */
  discarded(counter: string, n: number): void;
  /** The stream closed by itself (unplug); pending reads were already flushed. */
  lost(err: Error): void;
}

/** The byte stream of an input: an input event device (hid) or a serial port. */
export function inputStream(cfg: ScannerInputConfig, transports: Transports): Promise<ByteStream> {
  return cfg.type === 'hid' ? transports.stream({ type: 'input-events', path: cfg.path, pollMs: cfg.pollMs }) : transports.stream(cfg);
}

/** A serial input's framing: its model preset with the input's overrides applied. */
export function serialFraming(cfg: SerialInputConfig): ReaderPreset {
  const preset: ReaderPreset = READER_PRESETS[cfg.model];
  return {
    ...preset,
    terminators: cfg.terminators ?? preset.terminators,
    dropLines: cfg.dropLines ?? preset.dropLines,
    groupGapMs: cfg.groupGapMs ?? preset.groupGapMs,
    commands: { ...preset.commands, ...cfg.commands },
  };
}

type Decoder = (chunk: Buffer, emitLine: (text: string) => void, frameEnd: () => void) => void;

function serialDecoder(cfg: SerialInputConfig, sink: InputSink): Decoder {
  const framing = serialFraming(cfg);
  const splitter = new LineSplitter({ terminators: framing.terminators.map(terminatorBytes), frame: framing.frame });
  const drop = framing.dropLines.map((s) => new RegExp(s));
  return (chunk, emitLine, frameEnd) => {
    for (const t of splitter.push(chunk)) {
      if (t.kind === 'end') {
        frameEnd();
        continue;
      }
      if (isNoise(t.bytes, cfg.encoding)) {
        sink.discarded('noise_lines', 1);
        continue;
      }
      const text = t.bytes.toString(cfg.encoding).trimEnd();
      if (drop.some((r) => r.test(text))) sink.discarded('lines_dropped', 1);
      else emitLine(text);
    }
  };
}

function hidDecoder(cfg: HidInputConfig, sink: InputSink): Decoder {
  const events = new InputEventReader(cfg.eventSize ?? nativeEventSize());
  const keys = new KeystrokeDecoder(buildKeymap(cfg.keymap, cfg.keymapOverrides));
  return (chunk, emitLine) => {
    const unknownBefore = keys.unknownKeys;
    for (const e of events.push(chunk)) {
      const line = keys.feed(e);
      if (line !== undefined) emitLine(line);
    }
    if (keys.unknownKeys > unknownBefore) sink.discarded('unknown_keys', keys.unknownKeys - unknownBefore);
  };
}

export class ScannerInput {
  private stream: ByteStream | undefined;
  private readonly grouper: ReadGrouper;
  private readonly decode: Decoder;
  private timer: Timer | undefined;
  private presence: Timer | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly cfg: ScannerInputConfig,
    private readonly clock: Clock,
    private readonly sink: InputSink,
    private readonly transports: Transports,
    /** How often the device path is checked while open (0: never). */
    private readonly presenceCheckMs = 500,
  ) {
    this.grouper = new ReadGrouper({ groupGapMs: cfg.type === 'hid' ? cfg.groupGapMs : serialFraming(cfg).groupGapMs, detectMrz: cfg.detectMrz });
    this.decode = cfg.type === 'hid' ? hidDecoder(cfg, sink) : serialDecoder(cfg, sink);
  }

  get label(): string {
    return this.stream?.label ?? this.cfg.path;
  }

  async open(): Promise<void> {
    const stream = await inputStream(this.cfg, this.transports);
    this.stream = stream;
    this.unsubscribe = [
      stream.onData((chunk) => this.onData(chunk)),
      stream.onClose((err) => this.onClose(err)),
    ];
    await stream.open().catch((err: unknown) => {
      throw withErrno(err);
    });
    if (this.presenceCheckMs > 0) {
      const opened = await stat(this.cfg.path).catch(() => undefined);
      this.presence = this.clock.setInterval(() => void this.checkPresence(stream, opened?.rdev), this.presenceCheckMs);
    }
  }

  /**
   * An unplugged USB reader's /dev/serial/by-id link disappears at once, but node-serialport does not
   * always report the hangup (a PTY whose master went away never does), so the path is watched too: gone,
   * or now naming another device node (unplugged and replugged between two checks), means lost.
   */
  private async checkPresence(stream: ByteStream, rdev: number | undefined): Promise<void> {
    let err: NodeJS.ErrnoException | undefined;
    try {
      const now = await stat(this.cfg.path);
      if (rdev !== undefined && now.rdev !== rdev) err = Object.assign(new Error(`${this.cfg.path} is another device now`), { code: 'ENODEV' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') err = e as NodeJS.ErrnoException;
    }
    if (!err || this.stream !== stream) return;
    await stream.close().catch(() => undefined);
    if (this.stream === stream) this.onClose(err);
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.timer?.cancel();
    this.presence?.cancel();
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.stream) throw Object.assign(new Error(`${this.name} is not open`), { code: 'EIO' });
    await this.stream.write(bytes);
  }

  private onData(chunk: Buffer): void {
    const now = this.clock.monotonic();
    this.deliver(this.grouper.tick(now));
    this.grouper.activity(now);
    this.decode(
      chunk,
      (text) => this.deliver(this.grouper.line(text, now)),
      () => this.deliver(this.grouper.flush()),
    );
    this.arm();
  }

  private onClose(err: Error | undefined): void {
    this.timer?.cancel();
    this.presence?.cancel();
    this.deliver(this.grouper.flush());
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.stream = undefined;
    this.sink.lost(err ? withErrno(err) : Object.assign(new Error(`${this.name} closed`), { code: 'EIO' }));
  }

  /**
   * (Re)arm the gap timer for the pending group. The callback re-arms too: whatever clock this input was
   * given, a timer that fires before the group is really due (Node's can, by a millisecond) must not be
   * the last one, or the read would stay open until the next scan and merge into it.
   */
  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const due = this.grouper.dueAt;
    if (due === undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.deliver(this.grouper.tick(this.clock.monotonic()));
      this.arm();
    }, due - this.clock.monotonic());
  }

  private deliver(reads: Read[]): void {
    for (const r of reads) this.sink.read(r);
  }
}
