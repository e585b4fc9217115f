/** Availability from the catalogue and the devices' retained states (pure). */
import { describe, expect, it } from 'vitest';
import { catalogueSchema } from '../../../src/api/catalogue.js';
import { computeAvailability, type DeviceView } from '../../../src/services/availability.js';

const names = { ar: 'x', en: 'x', es: 'x', fr: 'x', de: 'x', ru: 'x', zh: 'x' };
const catalogue = catalogueSchema.parse([
  { id: 'fee', names, fee: 15000, currency: 'AED', methods: ['cash', 'card', 'split'], requires: ['printer'] },
  { id: 'fine', names, feeRange: { min: 100, max: 900 }, currency: 'AED', methods: ['card'] },
]);
const ok = (detail: Record<string, unknown> = {}): DeviceView => ({ status: 'ready', detail });
const cashOk = { cashbox: { full: false, present: true }, fault: null };
const printerOk = { paper: 'ok', cover: 'closed', online: true, cutterError: false };
const all = (over: Record<string, DeviceView | undefined> = {}) => ({ cash: ok(cashOk), card: ok(), printer: ok(printerOk), ...over });

describe('availability', () => {
  it('everything up: every method of every service', () => {
    const a = computeAvailability(catalogue, all(), false);
    expect(a).toEqual({ kiosk: 'available', sessionActive: false, services: [{ id: 'fee', available: true, methods: ['cash', 'card', 'split'], reasons: [] }, { id: 'fine', available: true, methods: ['card'], reasons: [] }] });
  });

  it('paper out (the printer reports fault): services needing the printer are not offered, with PAPER_OUT', () => {
    const a = computeAvailability(catalogue, all({ printer: { status: 'fault', detail: { ...printerOk, paper: 'out' } } }), false);
    expect(a.services[0]).toEqual({ id: 'fee', available: false, methods: [], reasons: [{ code: 'PAPER_OUT', device: 'printer' }] });
    expect(a.services[1]?.available).toBe(true);
  });

  it('terminal down: card and split go, cash stays; a card-only service goes', () => {
    const a = computeAvailability(catalogue, all({ card: { status: 'offline', detail: {} } }), true);
    expect(a.services[0]).toMatchObject({ available: true, methods: ['cash'], reasons: [{ code: 'DEVICE_DOWN', device: 'card' }] });
    expect(a.services[1]).toEqual({ id: 'fine', available: false, methods: [], reasons: [{ code: 'DEVICE_DOWN', device: 'card' }, { code: 'NO_PAYMENT_METHOD' }] });
    expect(a.sessionActive).toBe(true);
  });

  it('cashbox full or removed, a cash fault, a journal that refuses: cash methods go with the reason', () => {
    const full = computeAvailability(catalogue, all({ cash: { status: 'fault', detail: { cashbox: { full: true, present: true }, fault: { code: 'CASH_CASHBOX_FULL', codes: ['CASH_CASHBOX_FULL'] } } } }), false);
    expect(full.services[0]).toMatchObject({ methods: ['card'], reasons: [{ code: 'CASHBOX_FULL', device: 'cash' }] });
    const jam = computeAvailability(catalogue, all({ cash: { status: 'fault', detail: { cashbox: { full: false, present: true }, fault: { code: 'CASH_JAM', codes: ['CASH_JAM'] } } } }), false);
    expect(jam.services[0]?.reasons).toEqual([{ code: 'CASH_FAULT', device: 'cash' }]);
    const corrupt = computeAvailability(catalogue, all({ card: { status: 'fault', detail: {}, error: { code: 'JOURNAL_CORRUPT' } } }), false);
    expect(corrupt.services[1]?.reasons[0]).toEqual({ code: 'JOURNAL_UNAVAILABLE', device: 'card' });
  });

  it('nothing can be sold: the kiosk is unavailable; a missing device is not configured', () => {
    const a = computeAvailability(catalogue, { printer: ok(printerOk) }, false);
    expect(a.kiosk).toBe('unavailable');
    expect(a.services[1]?.reasons).toContainEqual({ code: 'DEVICE_NOT_CONFIGURED', device: 'card' });
  });

  it('the catalogue refuses a service with both or neither of fee and feeRange, and duplicate ids', () => {
    expect(catalogueSchema.safeParse([{ id: 'a', names, currency: 'AED', methods: ['cash'] }]).success).toBe(false);
    expect(catalogueSchema.safeParse([{ id: 'a', names, fee: 1, feeRange: { min: 1, max: 2 }, currency: 'AED', methods: ['cash'] }]).success).toBe(false);
    expect(catalogueSchema.safeParse([{ id: 'a', names, fee: 1, currency: 'AED', methods: ['cash'] }, { id: 'a', names, fee: 2, currency: 'AED', methods: ['cash'] }]).success).toBe(false);
  });
});
