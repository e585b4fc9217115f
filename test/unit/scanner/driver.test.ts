import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/test-clocks.js';
import type { DriverHost } from '../../../src/core/driver.js';
import { KioskError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { scannerApi, type ScannerApi } from '../../../src/drivers/scanner/api.js';
import { scannerConfigSchema } from '../../../src/drivers/scanner/config.js';
import { createScannerDriver } from '../../../src/drivers/scanner/driver.js';
import { buildKeymap } from '../../../src/drivers/scanner/keymap.js';
import { specimenMrz } from '../../../src/drivers/scanner/mrz-builder.js';
import { encodeInputEvents, typeText } from '../../../src/drivers/scanner/wedge.js';
import { Listeners, type ByteStream } from '../../../src/transports/byte-stream.js';
import { streamsFrom } from '../../helpers/transports.js';

/** A ByteStream with test hooks, as node-serialport's binding-mock has. */
class FakeStream implements ByteStream {
  isOpen = false;
  written: Buffer[] = [];
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();
  constructor(readonly label: string) {}
  async open(): Promise<void> {
    this.isOpen = true;
  }
  async write(d: Uint8Array): Promise<void> {
    this.written.push(Buffer.from(d));
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
  onData(l: (c: Buffer) => void): () => void {
    return this.data.add(l);
  }
  onClose(l: (e?: Error) => void): () => void {
    return this.closed.add(l);
  }
  emitData(s: string | Buffer): void {
    this.data.emit(Buffer.isBuffer(s) ? s : Buffer.from(s));
  }
  unplug(): void {
    this.isOpen = false;
    this.closed.emit(Object.assign(new Error('disconnected'), { code: 'EIO' }));
  }
}

let clock = new ManualClock(new Date(2026, 10, 25, 12).getTime());

function setup(inputs: Record<string, unknown>, arming: 'on-request' | 'always' = 'on-request') {
  const config = scannerConfigSchema.parse({ inputs, arming });
  const streams = new Map<string, FakeStream>();
  const events: Array<{ name: string; payload: Record<string, unknown> }> = [];
  const counters: Record<string, number> = {};
  const lost: unknown[] = [];
  const logs: string[] = [];
  let detail: Record<string, unknown> = {};
  const host: DriverHost<ScannerApi> = {
    device: 'scanner',
    setState: (_s, d) => (detail = d ?? detail),
    patchDetail: (p) => (detail = { ...detail, ...p }),
    emit: (name, payload) => events.push({ name, payload }),
    lost: (err) => lost.push(err),
    count: (c, by = 1) => (counters[c] = (counters[c] ?? 0) + by),
    noteError: () => undefined,
  };
  const log = createLogger({ level: 'debug', journald: false, write: (l) => logs.push(l) });
  const transports = streamsFrom((spec) => {
    const path = (spec as { path: string }).path;
    const s = new FakeStream(path);
    streams.set(path, s);
    return s;
  }, clock);
  const driver = createScannerDriver(config, { host, log, clock, transports, journal: undefined, stateDir: '/tmp', simulatorLink: undefined }, { presenceCheckMs: 0 });
  return { driver, streams, events, counters, lost, logs, detail: () => detail, stream: (p: string) => streams.get(p)! };
}

const serial = (path: string, model = 'generic') => ({ type: 'serial', path, model });
const td1 = specimenMrz('TD1', { expiry: '300101' });
const ctx = { transaction: undefined, signal: new AbortController().signal, requester: 'test', role: 'ui' as const };

beforeEach(() => (clock = new ManualClock(new Date(2026, 10, 25, 12).getTime())));

describe('scanner driver', () => {
  it('drops and counts scans while disarmed; publishes them once armed', async () => {
    const t = setup({ mrz: serial('/dev/a') });
    await t.driver.start(new AbortController().signal);
    expect(t.detail()).toMatchObject({ armed: false, inputs: { mrz: { type: 'serial', model: 'generic' } } });
    t.stream('/dev/a').emitData(']Q1HELLO\r\n');
    expect(t.counters.scans_dropped_disarmed).toBe(1);
    expect(t.events.filter((e) => e.name === 'barcode')).toEqual([]);

    await t.driver.commands.enable({}, ctx);
    t.stream('/dev/a').emitData(']Q1HELLO\r\n');
    t.stream('/dev/a').emitData(td1.map((l) => `${l}\r`).join(''));
    const barcode = t.events.find((e) => e.name === 'barcode')!.payload;
    expect(scannerApi.events.barcode.payload.parse(barcode)).toMatchObject({ input: 'mrz', data: 'HELLO', symbology: 'qr', aim: ']Q1' });
    const doc = scannerApi.events.document.payload.parse(t.events.find((e) => e.name === 'document')!.payload);
    expect(doc).toMatchObject({ input: 'mrz', format: 'TD1', valid: true, surname: 'ERIKSSON', expired: false });
    expect(t.counters).toMatchObject({ barcodes: 1, documents: 1 });
  });

  it('never logs the document or barcode contents, only type and scan id', async () => {
    const t = setup({ mrz: serial('/dev/a') }, 'always');
    await t.driver.start(new AbortController().signal);
    t.stream('/dev/a').emitData(td1.map((l) => `${l}\r\n`).join('') + ']C0SECRET-BARCODE-77\r\n');
    const doc = t.events.find((e) => e.name === 'document')!.payload;
    const all = t.logs.join('\n');
    for (const secret of ['ERIKSSON', 'ANNA', 'D23145890', '740812', '1974-08-12', 'SECRET-BARCODE-77', td1[1]!]) expect(all).not.toContain(secret);
    expect(all).toContain(doc.scanId as string);
    expect(all).toContain('"documentType":"I"');
  });

  it('disarms by itself after timeoutMs and says so', async () => {
    const t = setup({ mrz: serial('/dev/a') });
    await t.driver.start(new AbortController().signal);
    const armed = await t.driver.commands.enable({ timeoutMs: 5000 }, ctx);
    expect(armed).toEqual({ armed: true, until: new Date(clock.now() + 5000).toISOString() });
    await clock.advanceAsync(5000);
    expect(t.detail()).toMatchObject({ armed: false, armedUntil: null });
    expect(t.events.filter((e) => e.name === 'armed').map((e) => e.payload.reason)).toEqual(['request', 'timeout']);
    t.stream('/dev/a').emitData('123\r');
    expect(t.counters.scans_dropped_disarmed).toBe(1);
  });

  it('a document cut short (gap timer) is an incomplete document event', async () => {
    const t = setup({ mrz: serial('/dev/a') }, 'always');
    await t.driver.start(new AbortController().signal);
    t.stream('/dev/a').emitData(`${td1[0]}\r`);
    await clock.advanceAsync(100);
    t.stream('/dev/a').emitData(`${td1[1]}\r`);
    expect(t.events.filter((e) => e.name === 'document')).toEqual([]);
    await clock.advanceAsync(300);
    expect(t.events.find((e) => e.name === 'document')?.payload).toMatchObject({ valid: false, problem: 'incomplete', format: 'TD1' });
  });

  it('an unplug mid-document flushes an incomplete document, then reports the loss', async () => {
    const t = setup({ mrz: serial('/dev/a') }, 'always');
    await t.driver.start(new AbortController().signal);
    t.stream('/dev/a').emitData(`${td1[0]}\r`);
    t.stream('/dev/a').unplug();
    expect(t.events.find((e) => e.name === 'document')?.payload).toMatchObject({ problem: 'incomplete', lines: [td1[0]] });
    expect(t.lost).toHaveLength(1);
    await t.driver.stop();
  });

  it('counts noise and header lines instead of publishing them', async () => {
    const t = setup({ mrz: { ...serial('/dev/a'), dropLines: ['^@HDR'] } }, 'always');
    await t.driver.start(new AbortController().signal);
    t.stream('/dev/a').emitData(Buffer.from([0x81, 0x07, 0xfe, 0x0d, 0x0a]));
    t.stream('/dev/a').emitData('@HDR 12\r\n');
    expect(t.counters).toMatchObject({ noise_lines: 1, lines_dropped: 1 });
    expect(t.events.filter((e) => e.name !== 'armed')).toEqual([]);
  });

  it('serves a document reader and a keyboard-wedge barcode scanner as one device', async () => {
    const t = setup({ mrz: serial('/dev/a', 'desko-cute'), barcode: { type: 'hid', path: '/dev/input/kbd', eventSize: 24 } }, 'always');
    await t.driver.start(new AbortController().signal);
    t.stream('/dev/a').emitData(`\x1cO\x02${specimenMrz('TD3').join('\r')}\r\x03\x1d`);
    t.stream('/dev/input/kbd').emitData(encodeInputEvents(typeText(']E04006381333931', buildKeymap('us'), 1e15), 24));
    expect(t.events.find((e) => e.name === 'document')?.payload).toMatchObject({ input: 'mrz', format: 'TD3', valid: true, expired: true });
    expect(t.events.find((e) => e.name === 'barcode')?.payload).toMatchObject({ input: 'barcode', data: '4006381333931', symbology: 'ean13' });
    expect(t.detail()).toMatchObject({ inputs: { mrz: { type: 'serial', model: 'desko-cute' }, barcode: { type: 'hid', model: 'hid-us' } } });
  });

  it('beeps with the model preset bytes, refuses where the reader has no such command', async () => {
    const t = setup({ hw: serial('/dev/a', 'honeywell-serial'), plain: serial('/dev/b') });
    await t.driver.start(new AbortController().signal);
    expect(await t.driver.commands.beep({ signal: 'beep' }, ctx)).toEqual({ input: 'hw', sent: 2 });
    expect(t.stream('/dev/a').written).toEqual([Buffer.from([0x1b, 0x35])]);
    await expect(t.driver.commands.beep({ input: 'plain', signal: 'beep' }, ctx)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(t.driver.commands.beep({ input: 'nope', signal: 'led' }, ctx)).rejects.toBeInstanceOf(KioskError);
    await expect(t.driver.commands.beep({ input: 'nope', signal: 'led' }, ctx)).rejects.toMatchObject({ code: 'SCANNER_INPUT_UNKNOWN' });
  });

  it('rejects a config without inputs or with a bad preset', () => {
    expect(scannerConfigSchema.safeParse({ inputs: {} }).success).toBe(false);
    expect(scannerConfigSchema.safeParse({ inputs: { a: { type: 'serial', path: '/x', model: 'acme' } } }).success).toBe(false);
    expect(scannerConfigSchema.safeParse({ inputs: { a: { type: 'serial', path: '/x', dropLines: ['('] } } }).success).toBe(false);
  });
});
