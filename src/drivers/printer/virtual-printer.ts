/**
 * The virtual ESC/POS printer's brain, without I/O: bytes in, reply bytes out, paper out. Real-time
 * commands (DLE EOT, DLE DC4 8) are answered as they arrive, even while printing is stopped; everything
 * else is executed in order, or held while the printer is offline (paper out, cover open, cutter error),
 * as a real printer keeps data in its receive buffer and resumes when the cause is cleared.
 */
import { EscPosDecoder, type Decoded } from './decoder.js';
import type { VirtualPaper } from './page.js';
import { encodePaperReply, encodeStatus, type PaperState } from './status.js';

export interface VirtualPrinterState {
  paper: PaperState;
  cover: 'open' | 'closed';
  cutterError: boolean;
  /** Switched off: answers nothing, prints nothing. */
  silent: boolean;
}

export class VirtualPrinter {
  readonly state: VirtualPrinterState = { paper: 'ok', cover: 'closed', cutterError: false, silent: false };
  /** Bytes received since start. */
  received = 0;
  /** Time spent drawing onto the virtual paper (ms): the simulator's own cost, for benchmarks. */
  busyMs = 0;
  private decoder = new EscPosDecoder();
  private held: Decoded[] = [];
  private trigger: { bytes: number; patch: Partial<VirtualPrinterState> } | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly paper: VirtualPaper) {}

  get offline(): boolean {
    return this.state.paper === 'out' || this.state.cover === 'open' || this.state.cutterError;
  }

  /** Feed received bytes; resolves with the bytes to send back. Calls are processed in order. */
  receive(chunk: Uint8Array): Promise<Uint8Array> {
    const run = this.chain.then(() => this.process(chunk));
    this.chain = run.then(() => undefined, () => undefined);
    return run;
  }

  /** The link dropped: a command cut in half by it is discarded (held data stays in the buffer). */
  resetLink(): void {
    this.decoder = new EscPosDecoder();
  }

  /** Apply `patch` (paper out, cover open...) after `bytes` more received bytes: a mid-job event. */
  after(bytes: number, patch: Partial<VirtualPrinterState>): void {
    this.trigger = { bytes, patch };
  }

  /** Change paper/cover/cutter; resumes held data when the printer comes back online. */
  set(patch: Partial<VirtualPrinterState>): Promise<Uint8Array> {
    const run = this.chain.then(async () => {
      this.trigger = undefined;
      this.change(patch);
      if (this.offline) return new Uint8Array(0);
      const held = this.held;
      this.held = [];
      return this.execute(held);
    });
    this.chain = run.then(() => undefined, () => undefined);
    return run;
  }

  private async process(chunk: Uint8Array): Promise<Uint8Array> {
    if (this.state.silent) return new Uint8Array(0);
    const replies: number[] = [];
    const todo: Decoded[] = [];
    for (const d of this.decoder.push(chunk)) {
      this.received += d.size;
      if (d.cmd.op === 'realtimeStatus') {
        const n = d.cmd.n;
        if (n >= 1 && n <= 4) replies.push(encodeStatus(this.status())[n - 1] as number);
      } else if (d.cmd.op === 'clearBuffers') {
        this.held = [];
        todo.length = 0;
        replies.push(0x37, 0x25, 0x00);
      } else todo.push(d);
    }
    replies.push(...(await this.execute(todo)));
    return Uint8Array.from(replies);
  }

  private async execute(cmds: Decoded[]): Promise<Uint8Array> {
    const t0 = performance.now();
    try {
      return await this.executeAll(cmds);
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  private async executeAll(cmds: Decoded[]): Promise<Uint8Array> {
    const replies: number[] = [];
    for (const [i, d] of cmds.entries()) {
      if (this.trigger) {
        this.trigger.bytes -= d.size;
        if (this.trigger.bytes < 0) {
          this.change(this.trigger.patch);
          this.trigger = undefined;
        }
      }
      if (this.offline) {
        this.held.push(...cmds.slice(i));
        break;
      }
      if (d.cmd.op === 'transmitStatus') {
        if (d.cmd.n === 1) replies.push(encodePaperReply(this.state.paper));
        continue;
      }
      await this.paper.apply(d.cmd);
    }
    return Uint8Array.from(replies);
  }

  private change(patch: Partial<VirtualPrinterState>): void {
    // the printed part of a receipt leaves with the end of the roll
    if (patch.paper === 'out' && this.state.paper !== 'out' && this.paper.current().inkRows()) this.paper.cut();
    Object.assign(this.state, patch);
  }

  private status(): Parameters<typeof encodeStatus>[0] {
    return {
      online: !this.offline,
      cover: this.state.cover,
      paper: this.state.paper,
      feeding: false,
      cutterError: this.state.cutterError,
      unrecoverableError: false,
      recoverableError: false,
      stoppedForPaper: this.state.paper === 'out',
    };
  }
}
