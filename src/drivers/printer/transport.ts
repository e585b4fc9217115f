/** The printer's byte stream from its config; each transport module is imported only when used. */
import { KioskError } from '../../core/errors.js';
import type { ByteStream } from '../../transports/byte-stream.js';
import type { PrinterConfig } from './config.js';

export async function createPrinterTransport(t: PrinterConfig['transport']): Promise<ByteStream> {
  if (!t) throw new KioskError('CONFIG_INVALID', 'devices.printer.transport is required unless the printer is simulated');
  switch (t.type) {
    case 'serial': {
      const { SerialTransport } = await import('../../transports/serial.js');
      return new SerialTransport(t);
    }
    case 'tcp': {
      const { TcpTransport } = await import('../../transports/tcp.js');
      return new TcpTransport(t);
    }
    case 'lp': {
      const { LpFileTransport } = await import('../../transports/lp-file.js');
      return new LpFileTransport({ path: t.path });
    }
    case 'usb': {
      const { UsbBulkTransport } = await import('../../transports/usb-bulk.js');
      return new UsbBulkTransport({ vendorId: t.vendorId, productId: t.productId, ...(t.serialNumber ? { serialNumber: t.serialNumber } : {}) });
    }
  }
}

/** Seconds per byte on the wire, when the link has a known line rate (serial): 10 bits per byte. */
export function wireSecondsPerByte(t: PrinterConfig['transport']): number | undefined {
  return t?.type === 'serial' ? 10 / t.baudRate : undefined;
}
