/**
 * Sending one rendered job: chunks in order, real-time status between chunks (never inside a command),
 * then GS r 1 as the completion marker, polling status until its reply arrives. Any sign that the
 * printer stopped (paper out, cover opened, error, silence, link lost) fails the job with a code that
 * says it may be partly printed. Nothing here ever resends a byte.
 */
import { KioskError, toKioskError } from '../../core/errors.js';
import * as esc from './codec.js';
import type { PrinterLink } from './link.js';
import type { RenderedJob } from './render.js';
import type { PrinterStatus } from './status.js';

export interface SendOptions {
  readonly link: PrinterLink;
  readonly job: RenderedJob;
  /** Poll status at most this often while sending and while waiting for the marker. */
  readonly pollMs: number;
  /** Known line rate (serial), to allow for bytes still on the wire when timing out. */
  readonly secondsPerByte: number | undefined;
  /** Largest write (consecutive whole commands joined); default 4096. */
  readonly writeBytes?: number;
  onStatus(status: PrinterStatus): void;
  onProgress(phase: 'sending' | 'finishing', bytesSent: number): void;
}

/** Codes that mean "the job started and did not finish". */
export const MID_JOB_CODES = new Set(['PAPER_OUT_MID_JOB', 'PRINT_INTERRUPTED']);

function check(status: PrinterStatus): void {
  if (status.paper === 'out') throw new KioskError('PAPER_OUT_MID_JOB');
  if (status.cover === 'open') throw new KioskError('PRINT_INTERRUPTED', 'The printer cover was opened while printing: the receipt may be partly printed; it will not be reprinted');
  if (status.cutterError || status.unrecoverableError) throw new KioskError('PRINT_INTERRUPTED', 'The printer reported an error while printing: the receipt may be partly printed; it will not be reprinted');
}

/** Everything that goes wrong mid-job becomes one of MID_JOB_CODES. */
export function asMidJobError(err: unknown): KioskError {
  const k = toKioskError(err);
  if (MID_JOB_CODES.has(k.code)) return k;
  return new KioskError('PRINT_INTERRUPTED', `Printing was interrupted (${k.code}: ${k.message}); the receipt may be partly printed; it will not be reprinted`, { cause: err });
}

/** Chunks are whole commands; writing them in groups of up to this many bytes saves a drain per command. */
const WRITE_BYTES = 4096;

/** Join consecutive chunks into writes of at most `max` bytes (a chunk larger than that goes alone). */
export function coalesce(chunks: readonly Uint8Array[], max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let size = 0;
  for (const c of chunks) {
    if (size > 0 && size + c.length > max) {
      out.push(esc.concat(group));
      group = [];
      size = 0;
    }
    group.push(c);
    size += c.length;
  }
  if (size > 0) out.push(esc.concat(group));
  return out;
}

export async function sendJob(o: SendOptions): Promise<void> {
  const clock = o.link.clock;
  const started = clock.monotonic();
  let sent = 0;
  let lastPoll = started;
  let lastProgress = started;
  // bytes the printer has not yet received (a paced link): a status reply waits behind them
  const backlogMs = (): number => (o.secondsPerByte ? Math.max(0, sent * o.secondsPerByte * 1000 - (clock.monotonic() - started)) : 0);
  const poll = async (): Promise<void> => {
    const status = await o.link.queryStatus(backlogMs());
    o.onStatus(status);
    check(status);
    lastPoll = clock.monotonic();
  };

  o.onProgress('sending', 0);
  for (const chunk of coalesce(o.job.chunks, o.writeBytes ?? WRITE_BYTES)) {
    await o.link.write(chunk);
    sent += chunk.length;
    const now = clock.monotonic();
    if (now - lastProgress >= 250) {
      o.onProgress('sending', sent);
      lastProgress = now;
    }
    if (now - lastPoll >= o.pollMs) await poll();
  }
  o.onProgress('finishing', sent);
  const { reply } = await o.link.sendCompletionMarker();
  let finished = false;
  const marker = reply.then((paper) => {
    finished = true;
    return paper;
  });
  marker.catch(() => undefined); // awaited below; a failed job stops waiting for it
  // printing is slower than the wire only by the mechanism; 3x the wire time plus 15 s is generous
  const wireMs = o.secondsPerByte ? o.job.bytes * o.secondsPerByte * 1000 : 0;
  const deadline = clock.monotonic() + 3 * wireMs + 15_000;
  while (!finished) {
    await Promise.race([marker, clock.sleep(o.pollMs)]);
    if (finished) break;
    await poll();
    if (clock.monotonic() > deadline) throw new KioskError('PRINT_INTERRUPTED', 'The printer did not confirm the end of the job in time: the receipt may be partly printed; it will not be reprinted');
  }
  await marker;
}
