/**
 * Fuzzing the payout decoders — SSP payout events and replies (value data, INCOMPLETE PAYOUT, GET ALL
 * LEVELS) and ccTalk hopper replies (status, dispense count, test flags, dispense guard) — 10,000 cases
 * each (FUZZ_RUNS): arbitrary bytes never crash them beyond their documented RangeError, and every
 * event or reply they encode decodes back to itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePollEvents, parsePollEvents, type SspEvent } from '../../src/drivers/cash/ssp/commands.js';
import { encodeAllLevels, parseAllLevels, PAYOUT_EVENTS } from '../../src/drivers/cash/ssp/payout.js';
import {
  encodeDispense, encodeDispenseCount, encodeHopperStatus, parseDispense, parseDispenseCount, parseHighLow, parseHopperStatus, parseTestHopper,
} from '../../src/drivers/cash/cctalk/hopper.js';
import { fuzz } from './harness.js';

const currency = fc.constantFrom('EUR', 'AED', 'GBP');
const value = fc.nat(0xffffffff);
const values = fc.array(fc.record({ value, currency }), { maxLength: 4 });
const payoutEvent: fc.Arbitrary<SspEvent> = fc.constantFrom(...[...PAYOUT_EVENTS.values()]).chain((def) => {
  if (def.data === 'none') return fc.constant({ name: def.name });
  if (def.data === 'incomplete') return fc.array(fc.record({ dispensed: value, requested: value, currency }), { maxLength: 3 }).map((incomplete) => ({ name: def.name, payout: { incomplete } }));
  if (def.data === 'valuesAndError') return fc.tuple(values, fc.nat(255)).map(([v, error]) => ({ name: def.name, payout: { values: v, error } }));
  return values.map((v) => ({ name: def.name, payout: { values: v } }));
});
const noteEvent: fc.Arbitrary<SspEvent> = fc.oneof(
  fc.constantFrom<SspEvent>({ name: 'stacking' }, { name: 'stacked' }, { name: 'disabled' }, { name: 'slaveReset' }),
  fc.nat({ max: 16 }).map((channel): SspEvent => ({ name: 'credit', channel })),
);
const ok = (err: unknown): void => {
  if (!(err instanceof RangeError)) throw err;
};

describe('SSP payout events and replies', () => {
  it('poll replies mixing note and payout events encode and decode back to themselves', () => {
    fuzz(fc.array(fc.oneof(payoutEvent, noteEvent), { maxLength: 8 }), (events) => {
      const parsed = parsePollEvents(encodePollEvents(events));
      expect(parsed.unknown).toBeUndefined();
      expect(parsed.events).toEqual(events.map((e) => ({ ...e })));
    });
  });

  it('arbitrary bytes: poll replies never throw, GET ALL LEVELS only with RangeError', () => {
    fuzz(fc.uint8Array({ maxLength: 96 }), (bytes) => {
      const r = parsePollEvents(bytes);
      expect(r.events.length).toBeLessThanOrEqual(bytes.length);
      try {
        const levels = parseAllLevels(bytes);
        expect(levels.length).toBe(bytes[0]);
      } catch (err) {
        ok(err);
      }
    });
  });

  it('GET ALL LEVELS round-trips', () => {
    fuzz(fc.array(fc.record({ count: fc.nat(0xffff), value, currency }), { maxLength: 20 }), (levels) => {
      expect(parseAllLevels(encodeAllLevels(levels))).toEqual(levels);
    });
  });
});

describe('ccTalk hopper replies', () => {
  it('arbitrary bytes: status, dispense count, test and level replies throw only RangeError', () => {
    fuzz(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      for (const parse of [parseHopperStatus, parseDispenseCount, parseTestHopper, parseHighLow]) {
        try {
          parse(bytes);
        } catch (err) {
          ok(err);
        }
      }
      for (const security of ['serial', 'cipher-none', 'plain'] as const) {
        const d = parseDispense(bytes, security, Uint8Array.of(1, 2, 3));
        if (d) expect(d.count).toBe(bytes[bytes.length - 1]);
      }
    });
  });

  it('status, dispense count and the guarded dispense round-trip; a wrong serial is not guarded', () => {
    const serial = fc.uint8Array({ minLength: 3, maxLength: 3 });
    fuzz(fc.record({ s: fc.record({ eventCounter: fc.nat(255), remaining: fc.nat(255), paid: fc.nat(255), unpaid: fc.nat(255) }), n: fc.nat(0xffffff), count: fc.integer({ min: 1, max: 255 }), sn: serial, other: serial }), ({ s, n, count, sn, other }) => {
      expect(parseHopperStatus(encodeHopperStatus(s))).toEqual(s);
      expect(parseDispenseCount(encodeDispenseCount(n))).toBe(n);
      expect(parseDispense(encodeDispense(count, 'serial', sn), 'serial', sn)).toEqual({ count, guarded: true });
      const same = other.every((b, i) => b === sn[i]);
      expect(parseDispense(encodeDispense(count, 'serial', other), 'serial', sn)?.guarded).toBe(same);
      expect(parseDispense(encodeDispense(count, 'cipher-none'), 'cipher-none', sn)).toEqual({ count, guarded: true });
    });
  });
});
