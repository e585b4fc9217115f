/**
 * Printer simulator: a virtual ESC/POS printer on the far end of a PTY pair. The driver opens the other
 * end exactly as it opens /dev/serial/by-id/..., so it runs the code it runs on a kiosk. With
 * `sim.wireBaud` the printer consumes bytes at that line rate (bytes x 10 / baud), like a real serial link.
 */
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import { PtyPair } from '../../transports/pty-pair.js';
import type { ByteStream } from '../../transports/byte-stream.js';
import { printerApi } from './api.js';
import { paperDots, type PrinterConfig } from './config.js';
import { loadFonts } from './fonts.js';
import { bitmapToPng } from './images.js';
import { VirtualPaper } from './page.js';
import { VirtualPrinter } from './virtual-printer.js';

export class PrinterSimulator implements SimulatorHandle<PrinterConfig> {
  readonly commands: Record<string, (input: unknown) => Promise<unknown>>;
  private port: ByteStream | undefined;
  private stopped = false;
  private wireFreeAt = 0;
  /** Bumped when the link drops: bytes still "on the wire" then are lost, as on a real unplug. */
  private epoch = 0;
  private paced: Promise<void> = Promise.resolve();
  /** Aborted when the link drops: bytes still waiting for the wire are gone at once. */
  private dropped = new AbortController();
  private reconnecting: Promise<void> | undefined;

  private constructor(
    readonly pty: PtyPair,
    readonly printer: VirtualPrinter,
    readonly driverConfig: PrinterConfig,
    private readonly config: PrinterConfig,
    private readonly deps: SimulatorDeps,
  ) {
    this.commands = this.makeCommands();
  }

  static async start(config: PrinterConfig, deps: SimulatorDeps): Promise<PrinterSimulator> {
    const canvas = await loadFonts(config.fonts);
    const printer = new VirtualPrinter(new VirtualPaper(canvas, paperDots(config.paperWidthMm), config.sim.keepPages));
    const pty = await PtyPair.create(deps.workDir, 'printer');
    const driverConfig: PrinterConfig = {
      ...config,
      // the driver sizes its timeouts by the line rate, so it is told the rate the virtual wire runs at
      transport: { type: 'serial', path: pty.devicePath, baudRate: config.sim.wireBaud || 115200, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false },
    };
    const sim = new PrinterSimulator(pty, printer, driverConfig, config, deps);
    await sim.connect();
    return sim;
  }

  /** The last cut page (index 0 = newest) as PNG. */
  async page(index = 0): Promise<{ png: Buffer; width: number; height: number; pages: number }> {
    const pages = this.printer.paper.pages;
    const bm = pages[pages.length - 1 - index];
    if (!bm) throw new KioskError('NOT_SUPPORTED', `no page ${index}: ${pages.length} page(s) cut so far`);
    return { png: await bitmapToPng(bm), width: bm.width, height: bm.height, pages: pages.length };
  }

  /** USB unplug: both PTY ends vanish; with `replugAfterMs` they come back at the same paths. */
  async unplug(replugAfterMs?: number): Promise<void> {
    this.linkDropped();
    await this.pty.unplug();
    if (replugAfterMs !== undefined) {
      void this.deps.clock.sleep(replugAfterMs).then(() => this.replug()).catch((err: unknown) => this.deps.log.warn({ err }, 'printer sim replug failed'));
    }
  }

  async replug(): Promise<void> {
    await this.pty.replug();
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.port?.close();
    await this.pty.close();
  }

  private async connect(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = this.pty.simEnd();
    await port.open();
    this.port = port;
    port.onData((chunk) => this.onData(port, chunk));
    port.onClose(() => {
      if (this.port === port) this.port = undefined;
      this.linkDropped();
      if (!this.stopped && this.pty.plugged) this.reconnect();
    });
  }

  private linkDropped(): void {
    this.epoch++;
    this.dropped.abort();
    this.dropped = new AbortController();
    this.wireFreeAt = 0;
    this.printer.resetLink();
  }

  private reconnect(): void {
    this.reconnecting ??= (async () => {
      for (let i = 0; i < 50 && !this.stopped && this.pty.plugged && !this.port; i++) {
        await this.deps.clock.sleep(100);
        await this.connect().catch(() => undefined);
      }
    })().finally(() => (this.reconnecting = undefined));
  }

  private onData(port: ByteStream, chunk: Buffer): void {
    const baud = this.config.sim.wireBaud;
    // the chunk is on the wire for chunk.length x 10 bits after the previous one has left
    if (baud > 0) this.wireFreeAt = Math.max(this.deps.clock.monotonic(), this.wireFreeAt) + (chunk.length * 10_000) / baud;
    const due = this.wireFreeAt;
    const epoch = this.epoch;
    const dropped = this.dropped.signal;
    // one chain, so chunks are processed in arrival order whatever their timers do
    const reply = this.paced.then(async () => {
      const wait = due - this.deps.clock.monotonic();
      if (baud > 0 && wait > 1 && epoch === this.epoch) await this.deps.clock.sleep(wait, dropped).catch(() => undefined);
      return epoch === this.epoch ? this.printer.receive(chunk) : new Uint8Array(0);
    });
    this.paced = reply.then(() => undefined, () => undefined);
    void reply
      .then((bytes) => (bytes.length > 0 && port.isOpen ? port.write(bytes) : undefined))
      .catch((err: unknown) => this.deps.log.debug({ err }, 'printer sim could not answer'));
  }

  private async answer(bytes: Uint8Array): Promise<void> {
    if (bytes.length > 0 && this.port?.isOpen) await this.port.write(bytes);
  }

  private makeCommands(): Record<string, (input: unknown) => Promise<unknown>> {
    const sim = printerApi.sim;
    return {
      paper: async (raw) => {
        const input = sim.paper.input.parse(raw);
        if (input.afterBytes !== undefined) {
          this.printer.after(input.afterBytes, { paper: input.state });
          return { paper: this.printer.state.paper };
        }
        await this.answer(await this.printer.set({ paper: input.state }));
        return { paper: this.printer.state.paper };
      },
      cover: async (raw) => {
        const input = sim.cover.input.parse(raw);
        if (input.afterBytes !== undefined) {
          this.printer.after(input.afterBytes, { cover: input.open ? 'open' : 'closed' });
          return { cover: this.printer.state.cover };
        }
        await this.answer(await this.printer.set({ cover: input.open ? 'open' : 'closed' }));
        return { cover: this.printer.state.cover };
      },
      cutter: async (raw) => {
        const input = sim.cutter.input.parse(raw);
        await this.answer(await this.printer.set({ cutterError: input.error }));
        return { cutterError: this.printer.state.cutterError };
      },
      silent: async (raw) => {
        const input = sim.silent.input.parse(raw);
        this.printer.state.silent = input.silent;
        return { silent: input.silent };
      },
      unplug: async (raw) => {
        const input = sim.unplug.input.parse(raw);
        await this.unplug(input.replugAfterMs);
        return { plugged: false };
      },
      replug: async () => {
        await this.replug();
        return { plugged: true };
      },
      lastPage: async (raw) => {
        const input = sim.lastPage.input.parse(raw);
        const p = await this.page(input.index);
        return { png: p.png.toString('base64'), width: p.width, height: p.height, bytes: p.png.length, pages: p.pages };
      },
    };
  }
}

export async function startPrinterSimulator(config: PrinterConfig, deps: SimulatorDeps): Promise<PrinterSimulator> {
  return PrinterSimulator.start(config, deps);
}
