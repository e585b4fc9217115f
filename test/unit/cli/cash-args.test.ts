/** The command line of `kioskd cash levels|refill|empty|dispense` (src/cli/args.ts, src/cli/cash.ts). */
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../../src/cli/args.js';
import { parseCoins } from '../../../src/cli/cash.js';

describe('cash command lines', () => {
  it('each action takes its own options', () => {
    expect(parseCommandLine(['cash', 'levels', '--json'])).toMatchObject({ name: 'cash levels', values: { json: true } });
    expect(parseCommandLine(['cash', 'refill', '--technician', 'T', '--coins', '100=5', '--notes-timeout', '5000'])).toMatchObject({
      name: 'cash refill', values: { technician: 'T', coins: '100=5', 'notes-timeout': '5000' },
    });
    expect(parseCommandLine(['cash', 'empty', '--technician', 'T', '--target', 'notes', '--no-smart'])).toMatchObject({ name: 'cash empty', values: { target: 'notes', 'no-smart': true } });
    expect(parseCommandLine(['cash', 'dispense', '--amount', '500', '--key', 'k', '--reason', 'other', '--allow-partial'])).toMatchObject({
      name: 'cash dispense', values: { amount: '500', key: 'k', reason: 'other', 'allow-partial': true },
    });
  });

  it('an unknown action or option is a usage error naming it', () => {
    expect(() => parseCommandLine(['cash', 'payout'])).toThrow(/cash: unknown subcommand "payout"/);
    expect(() => parseCommandLine(['cash'])).toThrow(UsageError);
    expect(() => parseCommandLine(['cash', 'dispense', '--ammount', '5'])).toThrow(/did you mean --amount\?/);
    expect(() => parseCommandLine(['cash', 'levels', '--coins', '1=1'])).toThrow(UsageError);
  });

  it('--coins is VALUE=COUNT in minor units, nothing else', () => {
    expect(parseCoins('100=20, 200=10,100=1')).toEqual({ '100': 21, '200': 10 });
    expect(parseCoins(undefined)).toEqual({});
    expect(() => parseCoins('1.00=2')).toThrow(/not VALUE=COUNT/);
    expect(() => parseCoins('100=')).toThrow(/not VALUE=COUNT/);
  });
});
