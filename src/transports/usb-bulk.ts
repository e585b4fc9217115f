/**
 * Raw USB bulk transport (the `usb` package, WebUSB-style API over nusb), for printers whose usblp
 * binding is missing or that expose a vendor interface. Finds the device by vendor:product (and serial),
 * claims the printer-class interface (class 7) or the first one with a bulk OUT endpoint, detaching a
 * kernel driver if one is bound. The `usb` module is imported on open, never at load time.
 */
import { Listeners, type ByteStream } from './byte-stream.js';

/** The part of the `usb` package API this transport uses (structural, so tests can pass a fake). */
export interface UsbEndpointLike { endpointNumber: number; direction: 'in' | 'out'; type: string; packetSize: number }
export interface UsbInterfaceLike { interfaceNumber: number; alternate: { interfaceClass: number; endpoints: UsbEndpointLike[] } }
export interface UsbDeviceLike {
  vendorId: number;
  productId: number;
  readonly serialNumber?: string | null;
  readonly opened: boolean;
  readonly configuration?: { interfaces: UsbInterfaceLike[] } | null;
  readonly configurations?: Array<{ configurationValue: number }>;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(value: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver?(n: number): Promise<void>;
  transferOut(endpoint: number, data: Uint8Array): Promise<{ status: string; bytesWritten: number }>;
  transferIn(endpoint: number, length: number): Promise<{ status: string; data?: DataView }>;
}
export interface UsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
  removeEventListener(type: 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
}

export interface UsbBulkOptions {
  vendorId: number;
  productId: number;
  serialNumber?: string;
  /** For tests: where the usb API comes from. Default: `import('usb')`. */
  loadUsb?: () => Promise<UsbLike>;
}

const PRINTER_CLASS = 7;
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

async function defaultLoad(): Promise<UsbLike> {
  const mod = await import('usb');
  return mod.usb as unknown as UsbLike;
}

export class UsbBulkTransport implements ByteStream {
  private device: UsbDeviceLike | undefined;
  private usb: UsbLike | undefined;
  private iface = -1;
  private outEp = 0;
  private inEp: UsbEndpointLike | undefined;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();
  private readonly onDisconnect = (ev: { device: UsbDeviceLike }): void => {
    if (ev.device === this.device) void this.lose(Object.assign(new Error(`${this.label} was unplugged`), { code: 'ENODEV' }));
  };

  constructor(private readonly options: UsbBulkOptions) {}

  get isOpen(): boolean {
    return this.device !== undefined;
  }

  get label(): string {
    return `usb:${hex4(this.options.vendorId)}:${hex4(this.options.productId)}${this.options.serialNumber ? `:${this.options.serialNumber}` : ''}`;
  }

  async open(): Promise<void> {
    if (this.device) return;
    const usb = (this.usb ??= await (this.options.loadUsb ?? defaultLoad)());
    const devices = await usb.getDevices().catch((err: unknown) => {
      // no USB bus at all (container, missing /sys/bus/usb): as "not plugged in", so it is retried
      throw Object.assign(new Error(`${this.label}: cannot list USB devices (${err instanceof Error ? err.message : String(err)})`), { code: 'ENOENT', cause: err });
    });
    const device = devices.find(
      (d) => d.vendorId === this.options.vendorId && d.productId === this.options.productId && (this.options.serialNumber === undefined || d.serialNumber === this.options.serialNumber),
    );
    if (!device) throw Object.assign(new Error(`${this.label} is not connected`), { code: 'ENOENT' });
    if (!device.opened) await device.open();
    if (!device.configuration) await device.selectConfiguration(device.configurations?.[0]?.configurationValue ?? 1);
    const ifaces = device.configuration?.interfaces ?? [];
    const hasBulkOut = (i: UsbInterfaceLike): boolean => i.alternate.endpoints.some((e) => e.direction === 'out' && e.type === 'bulk');
    const chosen = ifaces.find((i) => i.alternate.interfaceClass === PRINTER_CLASS && hasBulkOut(i)) ?? ifaces.find(hasBulkOut);
    if (!chosen) {
      await device.close();
      throw Object.assign(new Error(`${this.label} has no bulk OUT endpoint`), { code: 'ENODEV' });
    }
    // usblp may own the interface; detaching fails harmlessly when no driver is bound
    await device.detachKernelDriver?.(chosen.interfaceNumber).catch(() => undefined);
    await device.claimInterface(chosen.interfaceNumber);
    this.iface = chosen.interfaceNumber;
    this.outEp = chosen.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk')?.endpointNumber ?? 1;
    this.inEp = chosen.alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'bulk');
    this.device = device;
    usb.addEventListener('disconnect', this.onDisconnect);
    if (this.inEp) void this.readLoop(device, this.inEp);
  }

  async write(data: Uint8Array): Promise<void> {
    const device = this.device;
    if (!device) throw Object.assign(new Error(`${this.label} is not open`), { code: 'EIO' });
    let off = 0;
    while (off < data.length) {
      const res = await device.transferOut(this.outEp, data.subarray(off)).catch(async (err: unknown) => {
        await this.lose(err instanceof Error ? err : new Error(String(err)));
        throw Object.assign(new Error(`${this.label}: write failed`), { code: 'EIO', cause: err });
      });
      if (res.status !== 'ok') throw Object.assign(new Error(`${this.label}: bulk OUT ${res.status}`), { code: 'EIO' });
      off += res.bytesWritten;
    }
  }

  async close(): Promise<void> {
    const device = this.device;
    this.device = undefined;
    this.usb?.removeEventListener('disconnect', this.onDisconnect);
    if (!device) return;
    await device.releaseInterface(this.iface).catch(() => undefined);
    await device.close().catch(() => undefined);
    this.closed.emit(undefined);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }

  private async readLoop(device: UsbDeviceLike, ep: UsbEndpointLike): Promise<void> {
    while (this.device === device) {
      try {
        const res = await device.transferIn(ep.endpointNumber, ep.packetSize || 64);
        if (res.data && res.data.byteLength > 0) this.data.emit(Buffer.from(res.data.buffer, res.data.byteOffset, res.data.byteLength));
      } catch (err) {
        if (this.device === device) await this.lose(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
  }

  private async lose(err: Error): Promise<void> {
    const device = this.device;
    if (!device) return;
    this.device = undefined;
    this.usb?.removeEventListener('disconnect', this.onDisconnect);
    await device.close().catch(() => undefined);
    this.closed.emit(err);
  }
}
