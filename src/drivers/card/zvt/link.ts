/**
 * The ZVT transport layer over any ByteStream. TCP carries bare APDUs. Serial wraps each APDU in a
 * DLE STX ... DLE ETX CRC frame that the receiver answers with ACK (06) or NAK (15); a NAK or a missing
 * answer makes the sender repeat the frame, up to three times (ZVT serial transport protocol).
 */
import type { Clock } from '../../../core/clock.js';
import { KioskError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { ByteStream } from '../../../core/transport.js';
import { ApduReader, apduName, decodeApdu, type Apdu } from './apdu.js';
import { ACK, encodeFrame, NAK, SerialFrameReader } from './serial-frame.js';

export type LinkMode = 'tcp' | 'serial';

const MAX_FRAME_ATTEMPTS = 3;

export class ZvtLink {
  private readonly apduReader = new ApduReader();
  private readonly frameReader = new SerialFrameReader();
  private readonly listeners = new Set<(apdu: Apdu) => void>();
  private frameWaiter: ((ok: boolean) => void) | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly stream: ByteStream,
    private readonly mode: LinkMode,
    private readonly log: Logger,
    private readonly ackMs: number,
    /** Frame acknowledgement timeouts run on it. */
    readonly clock: Clock,
  ) {}

  attach(): void {
    this.apduReader.reset();
    this.frameReader.reset();
    this.unsubscribe?.();
    this.unsubscribe = this.stream.onData((chunk) => this.receive(chunk));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.frameWaiter?.(false);
  }

  onApdu(listener: (apdu: Apdu) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Send one APDU (already encoded). Serial: resolves once the peer acknowledged the frame. */
  send(apdu: Uint8Array): Promise<void> {
    const run = (): Promise<void> => (this.mode === 'tcp' ? this.stream.write(apdu) : this.sendFrame(apdu));
    const result = this.sending.then(run, run);
    this.sending = result.catch(() => undefined);
    return result;
  }

  private async sendFrame(apdu: Uint8Array): Promise<void> {
    const frame = encodeFrame(apdu);
    for (let attempt = 1; attempt <= MAX_FRAME_ATTEMPTS; attempt++) {
      const acked = new Promise<boolean>((resolve) => {
        const timer = this.clock.setTimeout(() => resolve(false), this.ackMs);
        this.frameWaiter = (ok) => {
          timer.cancel();
          resolve(ok);
        };
      });
      await this.stream.write(frame);
      const ok = await acked;
      this.frameWaiter = undefined;
      if (ok) return;
      if (!this.stream.isOpen) break;
      this.log.debug({ apdu: apduName({ cls: apdu[0] ?? 0, ins: apdu[1] ?? 0 }), attempt }, 'zvt frame not acknowledged, repeating');
    }
    throw new KioskError('TIMEOUT', 'the terminal did not acknowledge the frame');
  }

  private receive(chunk: Buffer): void {
    if (this.mode === 'tcp') {
      let apdus: Apdu[];
      try {
        apdus = this.apduReader.push(chunk);
      } catch {
        this.apduReader.reset();
        return;
      }
      for (const apdu of apdus) this.deliver(apdu);
      return;
    }
    for (const event of this.frameReader.push(chunk)) {
      switch (event.type) {
        case 'ack':
          this.frameWaiter?.(true);
          break;
        case 'nak':
          this.frameWaiter?.(false);
          break;
        case 'bad-frame':
          this.stream.write(Uint8Array.of(NAK)).catch(() => undefined);
          break;
        case 'frame': {
          this.stream.write(Uint8Array.of(ACK)).catch(() => undefined);
          try {
            this.deliver(decodeApdu(event.apdu));
          } catch {
            // a frame with a good CRC but an impossible length: drop it, the session's timeout recovers
          }
          break;
        }
      }
    }
  }

  private deliver(apdu: Apdu): void {
    for (const l of [...this.listeners]) l(apdu);
  }
}
