/** The printer's byte stream from its config, made by the transports the daemon hands the driver. */
import { KioskError } from '../../core/errors.js';
import type { ByteStream, Transports } from '../../core/transport.js';
import type { PrinterConfig } from './config.js';

export async function createPrinterTransport(t: PrinterConfig['transport'], transports: Transports): Promise<ByteStream> {
  if (!t) throw new KioskError('CONFIG_INVALID', 'devices.printer.transport is required unless the printer is simulated');
  return transports.stream(t);
}

/** Seconds per byte on the wire, when the link has a known line rate (serial): 10 bits per byte. */
export function wireSecondsPerByte(t: PrinterConfig['transport']): number | undefined {
  return t?.type === 'serial' ? 10 / t.baudRate : undefined;
}
