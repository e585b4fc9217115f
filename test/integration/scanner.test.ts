/**
 * The scanner end to end: the real daemon with the scanner simulated over a real PTY (a serial MRZ/barcode
 * reader) and a FIFO of kernel-format input events (a keyboard-wedge scanner), against a real Mosquitto.
 * Ends by grepping every log line and every retained message for the personal data that went through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceStateSchema, healthSchema } from '../../src/api/envelope.js';
import { scannerApi } from '../../src/drivers/scanner/api.js';
import { checkDigit } from '../../src/drivers/scanner/mrz-builder.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { bootKiosk, type Kiosk } from '../helpers/kiosk.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { Probe } from '../helpers/mqtt-probe.js';

const config = {
  simulation: true,
  devices: {
    scanner: {
      inputs: {
        reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200, model: 'generic' },
        wedge: { type: 'hid', path: '/dev/input/by-id/usb-simulated-event-kbd', keymap: 'us' },
      },
    },
  },
};

/** An Emirates ID: no filler in line 1 (card number, then the 15-digit identity number to the end). */
function emiratesId(): string[] {
  const card = '739104528';
  const l1 = `ILARE${card}${checkDigit(card)}784198712345670`;
  const mid = `870412${checkDigit('870412')}M310301${checkDigit('310301')}ARE<<<<<<<<<<<`;
  const l2 = mid + checkDigit(l1.slice(5) + mid.slice(0, 7) + mid.slice(8, 15) + mid.slice(18, 29));
  return [l1, l2, 'AL<MANSOORI<<HAMDAN<RASHED<<<<<'.slice(0, 30)];
}

/** Everything personal that this test makes the simulator send. */
const SECRETS = ['739104528', '784198712345670', 'MANSOORI', 'HAMDAN', '870412', '1987-04-12', 'ERIKSSON', 'ANNA', 'MARIA', 'D23145890', 'L898902C3', 'ZE184226B', '740812', '1974-08-12', 'UTOD2314', 'PAY-REF-93817', 'WEDGE-7731'];

describe.skipIf(!hasMosquitto || !hasPty)('scanner through the daemon (PTY + input-event simulator, real Mosquitto)', () => {
  let kiosk: TestDaemon;
  let probe: Probe;

  const counters = async (): Promise<Record<string, number>> => {
    const health = await probe.bridge('health');
    return healthSchema.parse(health.status === 'ok' ? health.data : null).devices.scanner?.counters ?? {};
  };
  const droppedCount = async (): Promise<number | undefined> => (await counters()).scans_dropped_disarmed;
  /** Poll a condition (bounded); not a timing assertion, the failure is the condition never holding. */
  const waitFor = async (cond: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('condition never held');
  };
  const nextEvent = (name: 'document' | 'barcode') => probe.next(`device/scanner/event/${name}`);

  let fixture: Kiosk | undefined;
  beforeAll(async () => {
    fixture = await bootKiosk({ config, ready: ['scanner'] });
    ({ kiosk, probe } = fixture);
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  it('publishes a ready state with the inputs and arming, and arms on request', async () => {
    const state = deviceStateSchema.parse((await probe.waitFor('device/scanner/state')).payload);
    expect(scannerApi.stateDetail.parse(state.detail)).toMatchObject({ armed: false, inputs: { reader: { type: 'serial' }, wedge: { type: 'hid' } } });
    const armedEvent = probe.next('device/scanner/event/armed');
    expect(await probe.request('scanner', 'enable', {})).toMatchObject({ status: 'ok', data: { armed: true, until: null } });
    expect((await armedEvent).payload).toMatchObject({ armed: true, reason: 'request' });
  });

  it('a TD1 ID card arrives as one document event with every check digit verified', async () => {
    const ev = nextEvent('document');
    expect(await probe.sim('scanner', 'document', { format: 'TD1', expiresInDays: 400 })).toMatchObject({ status: 'ok', data: { lines: 3 } });
    const m = await ev;
    expect(m.retain).toBe(false);
    expect(scannerApi.events.document.payload.parse(m.payload)).toMatchObject({
      input: 'reader', format: 'TD1', valid: true, problem: null, documentType: 'I', issuingCountry: 'UTO', documentNumber: 'D23145890',
      surname: 'ERIKSSON', givenNames: 'ANNA MARIA', birthDate: '1974-08-12', sex: 'female', expired: false,
      checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
    });
  });

  it('a filler-free TD1 (Emirates ID) arrives as one document event with every field and the identity number, and no barcode', async () => {
    const ev = nextEvent('document');
    const before = probe.messages.filter((m) => m.topic.endsWith('/event/barcode')).length;
    expect(await probe.sim('scanner', 'document', { lines: emiratesId() })).toMatchObject({ status: 'ok', data: { lines: 3 } });
    expect(scannerApi.events.document.payload.parse((await ev).payload)).toMatchObject({
      format: 'TD1', valid: true, documentType: 'IL', issuingCountry: 'ARE', documentNumber: '739104528', surname: 'AL MANSOORI',
      givenNames: 'HAMDAN RASHED', nationality: 'ARE', birthDate: '1987-04-12', sex: 'male', expiryDate: '2031-03-01', expired: false,
      optionalData: ['784198712345670'], nationalId: { scheme: 'AE-EID', number: '784198712345670' },
      checks: { documentNumber: true, birthDate: true, expiryDate: true, composite: true },
    });
    // a barcode would have been published before the document; give a stray one time to show anyway
    await new Promise((r) => setTimeout(r, 100));
    expect(probe.messages.filter((m) => m.topic.endsWith('/event/barcode')).length).toBe(before);
  });

  it('the ICAO TD3 passport specimen arrives valid and expired (2012)', async () => {
    const ev = nextEvent('document');
    await probe.sim('scanner', 'document', { format: 'TD3' });
    expect((await ev).payload).toMatchObject({ format: 'TD3', valid: true, expiryDate: '2012-04-15', expired: true, optionalData: ['ZE184226B'] });
  });

  it('a QR code with an AIM prefix arrives as a barcode event', async () => {
    const ev = nextEvent('barcode');
    await probe.sim('scanner', 'barcode', { data: 'https://pay.example.ae/?ref=PAY-REF-93817', aim: ']Q1' });
    const m = await ev;
    expect(m.retain).toBe(false);
    expect(scannerApi.events.barcode.payload.parse(m.payload)).toMatchObject({ input: 'reader', data: 'https://pay.example.ae/?ref=PAY-REF-93817', symbology: 'qr', aim: ']Q1' });
  });

  it('a keyboard-wedge scanner typing into its event device arrives the same way', async () => {
    const ev = nextEvent('barcode');
    await probe.sim('scanner', 'barcode', { input: 'wedge', data: 'WEDGE-7731/Ab?', aim: ']C0' });
    expect((await ev).payload).toMatchObject({ input: 'wedge', data: 'WEDGE-7731/Ab?', symbology: 'code128' });
  });

  it('a bad check digit is an event with valid:false naming the field', async () => {
    const ev = nextEvent('document');
    await probe.sim('scanner', 'document', { format: 'TD3', expiresInDays: 400, badCheckDigit: 'documentNumber' });
    const p = scannerApi.events.document.payload.parse((await ev).payload);
    expect(p).toMatchObject({ valid: false, problem: 'check_digit', checks: { documentNumber: false, birthDate: true } });
    expect(p.invalidFields).toContain('documentNumberCheckDigit');
  });

  it('lines split across writes and line noise: noise is counted, the next read is intact', async () => {
    await probe.sim('scanner', 'noise', { bytes: 64 });
    const ev = nextEvent('document');
    await probe.sim('scanner', 'document', { format: 'TD1', expiresInDays: 10, split: true });
    expect((await ev).payload).toMatchObject({ format: 'TD1', valid: true });
    expect((await counters()).noise_lines).toBeGreaterThanOrEqual(1);
  });

  it('scans while disarmed are dropped and counted, not published', async () => {
    expect(await probe.request('scanner', 'disable', {})).toMatchObject({ status: 'ok', data: { armed: false } });
    await probe.sim('scanner', 'barcode', { data: 'DROPPED-1' });
    await probe.sim('scanner', 'barcode', { input: 'wedge', data: 'DROPPED-2' });
    // the simulator's write returns when the bytes are on the wire; wait until the driver has seen both
    await waitFor(async () => (await droppedCount()) === 2);
    await probe.request('scanner', 'enable', { timeoutMs: 60_000 });
    const ev = nextEvent('barcode');
    await probe.sim('scanner', 'barcode', { data: 'AFTER-ARMING' });
    expect((await ev).payload).toMatchObject({ data: 'AFTER-ARMING' });
    const seen = probe.messages.filter((m) => m.topic.endsWith('/event/barcode')).map((m) => (m.payload as { data: string }).data);
    expect(seen).not.toContain('DROPPED-1');
    expect(seen).not.toContain('DROPPED-2');
    expect(await droppedCount()).toBe(2);
  });

  it('a reader unplugged mid-document: incomplete document event, offline, back to ready at the same path without a restart', async () => {
    const doc = nextEvent('document');
    const offline = probe.next('device/scanner/state', (p: { status: string }) => p.status === 'offline');
    await probe.sim('scanner', 'document', { format: 'TD1', expiresInDays: 10, unplugAfterLines: 1, replugAfterMs: 400 });
    expect((await doc).payload).toMatchObject({ format: 'TD1', valid: false, problem: 'incomplete' });
    expect((await offline).payload).toMatchObject({ status: 'offline' });
    await probe.next('device/scanner/state', (p: { status: string }) => p.status === 'ready', 15_000);
    await probe.request('scanner', 'enable', {});
    const ev = nextEvent('document');
    await probe.sim('scanner', 'document', { format: 'TD3', expiresInDays: 10 });
    expect((await ev).payload).toMatchObject({ format: 'TD3', valid: true });
  });

  it('no personal data in any log line, retained message or state', async () => {
    expect(kiosk.logs.length).toBeGreaterThan(10);
    expect(kiosk.logs.some((l) => l.includes('document read'))).toBe(true);
    for (const line of kiosk.logs) {
      for (const secret of SECRETS) expect(line, `log line leaks ${secret}`).not.toContain(secret);
    }
    // everything but the local events themselves and the test's own simulator requests
    const exposed = probe.messages.filter((m) => m.retain || !(m.topic.includes('/event/') || m.topic.includes('/sim/scanner/request/')));
    expect(exposed.length).toBeGreaterThan(0);
    for (const m of exposed) {
      for (const secret of SECRETS) expect(m.raw.toString(), `${m.topic} leaks ${secret}`).not.toContain(secret);
    }
  });
});
