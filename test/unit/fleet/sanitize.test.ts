import { describe, expect, it } from 'vitest';
import { fleetDeviceState, fleetInfo, scrub } from '../../../src/fleet/sanitize.js';

describe('fleet sanitising', () => {
  it('drops keys that name personal or card data, at any depth', () => {
    const out = scrub({ paper: 'ok', lastRead: { mrz: 'P<UTO', documentNumber: 'L898902C3', names: ['A'] }, card: { pan: '4111' }, nested: { a: { surname: 'X', ok: 1 } } });
    expect(out).toEqual({ paper: 'ok', lastRead: {}, card: {}, nested: { a: { ok: 1 } } });
  });

  it('replaces string values shaped like an MRZ or a card number', () => {
    expect(scrub({ note: 'P<UTOERIKSSON<<ANNA', ref: '4111 1111 1111 1111', at: '2026-11-25T20:30:37.123Z', id: 'T1234' })).toEqual({
      note: '[redacted]', ref: '[redacted]', at: '2026-11-25T20:30:37.123Z', id: 'T1234',
    });
  });

  it('keeps the printer, cash and gpio details the alerts need', () => {
    const s = fleetDeviceState({
      status: 'ready', since: 'x',
      detail: { paper: 'near_end', cover: 'closed', cashbox: { nearFull: true, full: false, present: true, count: 3 }, inputs: { door: true } },
    });
    expect(s.detail).toEqual({ paper: 'near_end', cover: 'closed', cashbox: { nearFull: true, full: false, present: true, count: 3 }, inputs: { door: true } });
  });

  it('keeps the card terminal\'s identity and the technician list (no personal data in them)', () => {
    const identity = { terminalId: '52500245', model: 'cVEND box+', serialNumber: '11e930ec', softwareVersion: 'GER-APP-v2.0.9;cR02.01.01-00.09-2-2;CC26' };
    const attention = [{ idempotencyKey: 'fee-77', operation: 'sale', reason: 'AMOUNT_MISMATCH', requested: { amount: 125000, currency: 'AED' }, terminal: { amount: 100, currency: 'EUR', trace: 12, receiptNo: 7, terminalId: '52500245' }, charged: 'no', at: '2026-11-25T09:00:00.000Z' }];
    const s = fleetDeviceState({ status: 'ready', since: 'x', detail: { protocol: 'zvt', link: 'tcp', identity, attention, pendingRecovery: 0 } });
    expect(s.detail).toEqual({ protocol: 'zvt', link: 'tcp', identity, attention, pendingRecovery: 0 });
  });

  it('info keeps versions and device kinds, not command lists', () => {
    const i = fleetInfo(
      { kioskId: 'k', version: '1', bootId: 'b', startedAt: 's', simulation: true, mqtt: { root: 'kiosk', protocolVersion: 5 }, devices: { gpio: { kind: 'gpio', enabled: true, simulated: true, commands: { set: { summary: 'x' } }, events: ['change'] } }, bridgeOps: [] },
      'eu',
    );
    expect(i).toEqual({ kioskId: 'k', version: '1', bootId: 'b', startedAt: 's', simulation: true, region: 'eu', devices: { gpio: { kind: 'gpio', enabled: true, simulated: true } } });
  });
});
