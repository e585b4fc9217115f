/** The command line of `kioskd journal verify|recover` and `kioskd ui-credential` (src/cli/args.ts). */
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../../src/cli/args.js';

describe('journal and ui-credential command lines', () => {
  it('journal verify takes --config and --json', () => {
    expect(parseCommandLine(['journal', 'verify', '--json', '--config', 'k.yaml'])).toMatchObject({ name: 'journal verify', values: { json: true, config: 'k.yaml' } });
  });

  it('journal recover takes the technician, the reason and the copy to prefer', () => {
    expect(parseCommandLine(['journal', 'recover', '--technician', 'tech-9', '--reason', 'bad sector', '--prefer', 'mirror'])).toMatchObject({
      name: 'journal recover',
      values: { technician: 'tech-9', reason: 'bad sector', prefer: 'mirror' },
    });
  });

  it('a typo or an unknown subcommand is a usage error naming it', () => {
    expect(() => parseCommandLine(['journal', 'recover', '--technican', 'x'])).toThrow(/unknown option --technican \(did you mean --technician\?\)/);
    expect(() => parseCommandLine(['journal', 'repair'])).toThrow(UsageError);
    expect(() => parseCommandLine(['journal'])).toThrow(/journal: unknown subcommand/);
    expect(() => parseCommandLine(['jornal', 'verify'])).toThrow(/did you mean journal\?/);
  });

  it('ui-credential takes the password file, the user and the output file', () => {
    expect(parseCommandLine(['ui-credential', '--passwd', '/p', '--user', 'kiosk-ui', '--out', '/o'])).toMatchObject({ name: 'ui-credential', values: { passwd: '/p', user: 'kiosk-ui', out: '/o' } });
    expect(() => parseCommandLine(['ui-credential', '--config', 'x'])).toThrow(UsageError);
  });
});
