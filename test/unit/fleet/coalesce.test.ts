import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/test-clocks.js';
import { Coalescer } from '../../../src/fleet/coalesce.js';

describe('device state coalescing on the fleet link', () => {
  let clock = new ManualClock();
  beforeEach(() => (clock = new ManualClock()));

  it('sends the first change at once, folds a flicker into one trailing send of the latest value', () => {
    const sent: Array<[string, string]> = [];
    const c = new Coalescer<string>(10_000, clock, (k, v) => sent.push([k, v]));
    c.push('printer', 'ready');
    expect(sent).toEqual([['printer', 'ready']]);
    c.push('printer', 'busy');
    c.push('printer', 'ready');
    c.push('cash', 'busy'); // another key is not held back
    expect(sent).toEqual([['printer', 'ready'], ['cash', 'busy']]);
    clock.advance(9_999);
    expect(sent).toHaveLength(2);
    clock.advance(1);
    expect(sent).toEqual([['printer', 'ready'], ['cash', 'busy'], ['printer', 'ready']]);
    clock.advance(20_000);
    c.push('printer', 'fault'); // quiet long enough: at once again
    expect(sent.at(-1)).toEqual(['printer', 'fault']);
    expect([...c.values()]).toEqual([['printer', 'fault'], ['cash', 'busy']]);
  });

  it('0 forwards every change; clear cancels pending sends', () => {
    const every: string[] = [];
    const c0 = new Coalescer<string>(0, clock, (_k, v) => every.push(v));
    c0.push('a', '1');
    c0.push('a', '2');
    expect(every).toEqual(['1', '2']);
    const held: string[] = [];
    const c = new Coalescer<string>(5_000, clock, (_k, v) => held.push(v));
    c.push('a', '1');
    c.push('a', '2');
    c.clear();
    clock.advance(10_000);
    expect(held).toEqual(['1']);
  });
});
