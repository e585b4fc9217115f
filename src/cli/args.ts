/**
 * The command line, strictly: every subcommand declares its options, and anything else (a typo such as
 * `--confg`, an unknown subcommand, a stray argument) is a usage error (exit 64) that names it, instead
 * of being ignored. `fleet` parses its own options (src/cli/fleet.ts).
 */
import { parseArgs } from 'node:util';

/** sysexits(3) codes the CLI uses; the systemd unit does not restart on EXIT.config. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 64,
  /** The daemon or its broker is not there (`kioskd ticket`, `kioskd status` uses 1 and 2). */
  unavailable: 69,
  cantCreate: 73,
  /** A port is taken: another kioskd, Mosquitto or web server; systemd retries. */
  tempFail: 75,
  config: 78,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure: one line for the technician, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

const CONFIG: OptionSpec = { config: { type: 'string' } };

/** Each command's options and how many positional arguments it takes. */
const COMMANDS = {
  run: { options: { ...CONFIG, playground: { type: 'string' }, 'no-simulators': { type: 'boolean' } }, positionals: 0 },
  simulate: { options: { ...CONFIG, 'with-parent': { type: 'boolean' } }, positionals: 0 },
  'config check': { options: {}, positionals: 1 },
  'gpio-safe': { options: CONFIG, positionals: 0 },
  status: { options: { ...CONFIG, json: { type: 'boolean' } }, positionals: 0 },
  doctor: { options: { ...CONFIG, user: { type: 'string' }, json: { type: 'boolean' } }, positionals: 0 },
  ticket: { options: CONFIG, positionals: 0 },
  sandbox: { options: { ...CONFIG, write: { type: 'boolean' }, path: { type: 'string' } }, positionals: 0 },
  'ui-credential': { options: { passwd: { type: 'string' }, user: { type: 'string' }, out: { type: 'string' } }, positionals: 0 },
  'journal verify': { options: { ...CONFIG, json: { type: 'boolean' } }, positionals: 0 },
  report: { options: { ...CONFIG, day: { type: 'string' }, json: { type: 'boolean' } }, positionals: 0 },
  'end-of-day': { options: { ...CONFIG, print: { type: 'boolean' } }, positionals: 0 },
  'audit verify': { options: { ...CONFIG, json: { type: 'boolean' } }, positionals: 0 },
  'journal recover': { options: { ...CONFIG, technician: { type: 'string' }, reason: { type: 'string' }, prefer: { type: 'string' } }, positionals: 0 },
  attention: { options: { ...CONFIG, json: { type: 'boolean' } }, positionals: 0 },
  'attention resolve': { options: { ...CONFIG, technician: { type: 'string' }, reason: { type: 'string' } }, positionals: 1 },
  'cash levels': { options: { ...CONFIG, json: { type: 'boolean' } }, positionals: 0 },
  'cash refill': {
    options: { ...CONFIG, json: { type: 'boolean' }, technician: { type: 'string' }, coins: { type: 'string' }, 'notes-timeout': { type: 'string' }, comment: { type: 'string' } },
    positionals: 0,
  },
  'cash empty': { options: { ...CONFIG, json: { type: 'boolean' }, technician: { type: 'string' }, target: { type: 'string' }, 'no-smart': { type: 'boolean' } }, positionals: 0 },
  'cash dispense': {
    options: {
      ...CONFIG, json: { type: 'boolean' }, amount: { type: 'string' }, key: { type: 'string' }, reason: { type: 'string' }, currency: { type: 'string' },
      reference: { type: 'string' }, session: { type: 'string' }, 'allow-partial': { type: 'boolean' },
    },
    positionals: 0,
  },
} as const satisfies Record<string, { options: OptionSpec; positionals: number }>;

export type CommandName = keyof typeof COMMANDS;

export type ParsedCommand =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'fleet'; rest: string[] }
  | { name: CommandName; values: Record<string, string | boolean | undefined>; positionals: string[] };

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

function suggest(word: string, candidates: readonly string[]): string {
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? ` (did you mean ${best.c}?)` : '';
}

const SUBCOMMANDS = ['config', 'simulate', 'gpio-safe', 'status', 'doctor', 'ticket', 'sandbox', 'fleet', 'ui-credential', 'journal', 'report', 'end-of-day', 'audit', 'attention', 'cash'];

/** `--playground` takes an optional port: give it the default when none follows. */
function normalisePlayground(args: readonly string[]): string[] {
  const out = [...args];
  const i = out.indexOf('--playground');
  if (i >= 0 && !/^\d+$/.test(out[i + 1] ?? '')) out.splice(i, 1, '--playground=8080');
  return out;
}

function parse(name: CommandName, args: readonly string[]): ParsedCommand {
  const spec = COMMANDS[name];
  const label = name === 'run' ? 'kioskd' : name;
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, strict: true, allowPositionals: true });
  } catch (err) {
    const m = /Unknown option '([^']+)'/.exec((err as Error).message);
    const known = Object.keys(spec.options).map((o) => `--${o}`);
    const where = name === 'run' ? '' : `${label}: `;
    if (m?.[1]) throw new UsageError(`${where}unknown option ${m[1]}${suggest(m[1], known)}`);
    throw new UsageError(`${where}${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  if (name === 'run' && parsed.positionals.length > 0) {
    const word = parsed.positionals[0] ?? '';
    throw new UsageError(`unknown command "${word}"${suggest(word, SUBCOMMANDS)}`);
  }
  const wanted: number = spec.positionals;
  if (parsed.positionals.length > wanted) throw new UsageError(`${label}: unexpected argument "${parsed.positionals[wanted] ?? ''}"`);
  if (parsed.positionals.length < wanted) throw new UsageError(`${label} needs ${name === 'attention resolve' ? 'an ID (from kioskd attention)' : 'a FILE'}`);
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string' && v === '') throw new UsageError(`${label}: --${k} needs a value`);
  }
  return { name, values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const [first, second] = argv;
  if (argv.includes('--help') || argv.includes('-h') || first === 'help') return { name: 'help' };
  if (first === '--version' || first === '-V') return { name: 'version' };
  if (first === 'fleet') return { name: 'fleet', rest: argv.slice(1) };
  if (first === 'config') {
    if (second !== 'check') throw new UsageError(`config: unknown subcommand "${second ?? ''}" (kioskd config check FILE)`);
    return parse('config check', argv.slice(2));
  }
  if (first === 'journal') {
    if (second !== 'verify' && second !== 'recover') throw new UsageError(`journal: unknown subcommand "${second ?? ''}" (kioskd journal verify | kioskd journal recover)`);
    return parse(`journal ${second}`, argv.slice(2));
  }
  if (first === 'audit') {
    if (second !== 'verify') throw new UsageError(`audit: unknown subcommand "${second ?? ''}" (kioskd audit verify)`);
    return parse('audit verify', argv.slice(2));
  }
  if (first === 'cash') {
    if (second !== 'levels' && second !== 'refill' && second !== 'empty' && second !== 'dispense') throw new UsageError(`cash: unknown subcommand "${second ?? ''}" (kioskd cash levels|refill|empty|dispense)`);
    return parse(`cash ${second}`, argv.slice(2));
  }
  if (first === 'attention' && second === 'resolve') return parse('attention resolve', argv.slice(2));
  if (first === undefined || first.startsWith('-')) return parse('run', normalisePlayground(argv));
  if (first === 'run') return parse('run', normalisePlayground(argv.slice(1)));
  if (first in COMMANDS && !first.includes(' ')) return parse(first as CommandName, argv.slice(1));
  throw new UsageError(`unknown command "${first}"${suggest(first, SUBCOMMANDS)}`);
}
