import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LpFileTransport } from '../../../src/transports/lp-file.js';
import { UsbBulkTransport, type UsbDeviceLike, type UsbLike } from '../../../src/transports/usb-bulk.js';

describe('LpFileTransport', () => {
  it('writes to the device file and reports a clean close', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kioskd-lp-')), 'lp0');
    writeFileSync(path, '');
    const t = new LpFileTransport({ path });
    const closes: Array<Error | undefined> = [];
    t.onClose((e) => closes.push(e));
    await t.open();
    expect(t.isOpen).toBe(true);
    await t.write(Uint8Array.of(0x1b, 0x40));
    await t.write(Buffer.from('hello\n'));
    expect(readFileSync(path)).toEqual(Buffer.from([0x1b, 0x40, ...Buffer.from('hello\n')]));
    await t.close();
    expect(closes).toEqual([undefined]);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'EIO' });
  });
  it('rejects with ENOENT when the printer is not plugged in', async () => {
    await expect(new LpFileTransport({ path: '/dev/usb/lp-does-not-exist' }).open()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

class FakeDevice implements UsbDeviceLike {
  opened = false;
  claimed: number[] = [];
  detached: number[] = [];
  out: number[] = [];
  inbox: Uint8Array[] = [];
  private pendingIn: ((v: { status: string; data?: DataView }) => void) | undefined;
  private failIn: ((e: Error) => void) | undefined;
  readonly configuration = {
    interfaces: [
      { interfaceNumber: 0, alternate: { interfaceClass: 255, endpoints: [{ endpointNumber: 5, direction: 'out' as const, type: 'bulk', packetSize: 64 }] } },
      {
        interfaceNumber: 1,
        alternate: {
          interfaceClass: 7,
          endpoints: [
            { endpointNumber: 2, direction: 'out' as const, type: 'bulk', packetSize: 64 },
            { endpointNumber: 1, direction: 'in' as const, type: 'bulk', packetSize: 64 },
          ],
        },
      },
    ],
  };
  constructor(readonly vendorId: number, readonly productId: number, readonly serialNumber: string) {}
  async open(): Promise<void> { this.opened = true; }
  async close(): Promise<void> {
    this.opened = false;
    this.failIn?.(new Error('device closed'));
  }
  async selectConfiguration(): Promise<void> {}
  async claimInterface(n: number): Promise<void> { this.claimed.push(n); }
  async releaseInterface(): Promise<void> {}
  async detachKernelDriver(n: number): Promise<void> { this.detached.push(n); }
  async transferOut(ep: number, data: Uint8Array): Promise<{ status: string; bytesWritten: number }> {
    expect(ep).toBe(2);
    const n = Math.min(64, data.length); // a short write: the transport must continue
    this.out.push(...data.subarray(0, n));
    return { status: 'ok', bytesWritten: n };
  }
  transferIn(ep: number): Promise<{ status: string; data?: DataView }> {
    expect(ep).toBe(1);
    return new Promise((resolve, reject) => {
      this.pendingIn = resolve;
      this.failIn = reject;
    });
  }
  reply(bytes: number[]): void {
    const u = Uint8Array.from(bytes);
    this.pendingIn?.({ status: 'ok', data: new DataView(u.buffer) });
  }
}

class FakeUsb implements UsbLike {
  listeners = new Set<(ev: { device: UsbDeviceLike }) => void>();
  constructor(readonly devices: UsbDeviceLike[]) {}
  async getDevices(): Promise<UsbDeviceLike[]> { return this.devices; }
  addEventListener(_t: 'disconnect', l: (ev: { device: UsbDeviceLike }) => void): void { this.listeners.add(l); }
  removeEventListener(_t: 'disconnect', l: (ev: { device: UsbDeviceLike }) => void): void { this.listeners.delete(l); }
  unplug(device: UsbDeviceLike): void { for (const l of [...this.listeners]) l({ device }); }
}

describe('UsbBulkTransport', () => {
  it('claims the printer-class interface, writes in bulk transfers, reads status bytes, and reports unplug', async () => {
    const other = new FakeDevice(0x04b8, 0x0202, 'B');
    const dev = new FakeDevice(0x04b8, 0x0202, 'A');
    const usb = new FakeUsb([other, dev]);
    const t = new UsbBulkTransport({ vendorId: 0x04b8, productId: 0x0202, serialNumber: 'A', loadUsb: async () => usb });
    expect(t.label).toBe('usb:04b8:0202:A');
    const got: Buffer[] = [];
    const closes: Array<Error | undefined> = [];
    t.onData((c) => got.push(c));
    t.onClose((e) => closes.push(e));
    await t.open();
    expect(dev.claimed).toEqual([1]);
    expect(dev.detached).toEqual([1]);
    expect(other.opened).toBe(false);
    const big = Uint8Array.from({ length: 200 }, (_, i) => i);
    await t.write(big);
    expect(dev.out).toEqual([...big]);
    dev.reply([0x12]);
    await new Promise((r) => setImmediate(r));
    expect(got.map((b) => [...b])).toEqual([[0x12]]);
    usb.unplug(dev);
    await new Promise((r) => setImmediate(r));
    expect(t.isOpen).toBe(false);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ code: 'ENODEV' });
  });
  it('rejects with ENOENT when no such device is connected', async () => {
    const t = new UsbBulkTransport({ vendorId: 1, productId: 2, loadUsb: async () => new FakeUsb([]) });
    await expect(t.open()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
