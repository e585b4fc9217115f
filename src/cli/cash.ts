/**
 * `kioskd cash levels|refill|empty|dispense`: the technician's hands on the payout units (note recycler,
 * coin hoppers), asked from the running daemon on the technician's namespace (docs/cash.md).
 *
 * - `levels [--json]`: notes and coins per denomination, the payout state, near-empty/empty values.
 * - `refill --technician NAME [--coins 100=20,200=10] [--notes-timeout MS] [--comment TEXT]`: float
 *   counted in (coins told, notes taken by the validator for MS); audited in the journal.
 * - `empty --technician NAME [--target notes|coins|all] [--no-smart]`: recycler to the cashbox, hoppers
 *   to the tray; audited.
 * - `dispense --amount MINOR --key KEY --reason service-failed|overpayment|cancelled|other
 *   [--currency EUR] [--reference REF] [--session ID] [--allow-partial]`: a refund in cash; the same
 *   key never pays twice (the recorded outcome is shown, marked replayed).
 *
 * Exit 0 ok, 1 the device refused or failed (its error code printed), 64 usage; no daemon or broker
 * ends with 69 (src/cli/failure.ts).
 */
import type { KioskConfig } from '../daemon/config/schema.js';
import { cashApi } from '../drivers/cash/api.js';
import { EXIT } from './args.js';
import { connectLocal, localTopics, requestLocal, table } from './common.js';

export type CashAction = 'levels' | 'refill' | 'empty' | 'dispense';

export interface CashOptions {
  json?: boolean;
  technician?: string | undefined;
  coins?: string | undefined;
  notesTimeout?: string | undefined;
  comment?: string | undefined;
  target?: string | undefined;
  noSmart?: boolean;
  amount?: string | undefined;
  key?: string | undefined;
  reason?: string | undefined;
  currency?: string | undefined;
  reference?: string | undefined;
  session?: string | undefined;
  allowPartial?: boolean;
}

const USAGE: Record<CashAction, string> = {
  levels: 'kioskd cash levels [--json]',
  refill: 'kioskd cash refill --technician NAME [--coins VALUE=COUNT,...] [--notes-timeout MS] [--comment TEXT]',
  empty: 'kioskd cash empty --technician NAME [--target notes|coins|all] [--no-smart]',
  dispense: 'kioskd cash dispense --amount MINOR --key KEY --reason service-failed|overpayment|cancelled|other [--currency CUR] [--reference REF] [--session ID] [--allow-partial]',
};

class Usage extends Error {}

/** `100=20,200=10` -> {"100": 20, "200": 10}; anything else is a usage error. */
export function parseCoins(text: string | undefined): Record<string, number> {
  if (text === undefined) return {};
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^(\d{1,9})=(\d{1,6})$/.exec(part.trim());
    if (!m?.[1] || !m[2]) throw new Usage(`--coins: "${part}" is not VALUE=COUNT (minor units)`);
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  }
  return out;
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,12}$/.test(text) || Number(text) < 1) throw new Usage(`--${name}: "${text}" is not a positive whole number`);
  return Number(text);
}

/** The request's payload, checked with the command's own schema before anything is sent. */
function payloadFor(action: Exclude<CashAction, 'levels'>, o: CashOptions, currency: string | undefined): Record<string, unknown> {
  if (action === 'dispense') {
    const amount = positiveInt('amount', o.amount);
    if (amount === undefined || !o.key || !o.reason) throw new Usage('dispense needs --amount, --key and --reason');
    if (!currency) throw new Usage('dispense: no currency known (the payout units report none): give --currency');
    return {
      amount, currency, idempotencyKey: o.key, reason: o.reason, reference: o.reference ?? o.key,
      ...(o.session ? { sessionId: o.session } : {}), ...(o.allowPartial ? { allowPartial: true } : {}),
    };
  }
  if (!o.technician) throw new Usage(`${action} needs --technician NAME (audited)`);
  if (action === 'refill') {
    const notesTimeoutMs = positiveInt('notes-timeout', o.notesTimeout);
    return { technician: o.technician, coins: parseCoins(o.coins), ...(notesTimeoutMs ? { notesTimeoutMs } : {}), ...(o.comment ? { comment: o.comment } : {}) };
  }
  return { technician: o.technician, ...(o.target ? { target: o.target } : {}), smart: o.noSmart !== true };
}

function validate(action: Exclude<CashAction, 'levels'>, payload: Record<string, unknown>): void {
  const parsed = cashApi.commands[action].input.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Usage(`${action}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
}

type Levels = ReturnType<typeof cashApi.commands.levels.output.parse>;

const money = (n: number, c: string | null): string => `${(n / 100).toFixed(2)}${c ? ` ${c}` : ''}`;

function printLevels(l: Levels): void {
  const rows = [
    ...l.notes.map((n) => ['note', String(n.value), String(n.count), `recycler (${n.route})`]),
    ...l.coins.map((c) => ['coin', String(c.value), String(c.count), `hopper ${c.hopper}`]),
  ].map((r) => [...r, l.empty.includes(Number(r[1])) ? 'EMPTY' : l.nearEmpty.includes(Number(r[1])) ? 'near empty' : '']);
  process.stdout.write(`payout ${l.state}; payable now ${money(l.total, l.currency)}\n`);
  process.stdout.write(`${table(['kind', 'value', 'count', 'where', ''], rows)}\n`);
}

function printResult(action: Exclude<CashAction, 'levels'>, data: Record<string, unknown>): void {
  if (action === 'dispense') {
    const d = data as { payoutId: string; status: string; paid: number; remainder: number; currency: string; fault: string | null; replayed: boolean };
    process.stdout.write(`${d.payoutId}: ${d.status}, paid ${money(d.paid, d.currency)}, remainder ${money(d.remainder, d.currency)}${d.fault ? ` (${d.fault})` : ''}${d.replayed ? ' (replayed: already paid under this key, nothing dispensed now)' : ''}\n`);
    return;
  }
  const d = data as { notes: Record<string, number>; coins: Record<string, number>; value: number };
  const list = (r: Record<string, number>): string => Object.entries(r).map(([v, c]) => `${c}x${v}`).join(' ') || 'none';
  process.stdout.write(`${action === 'refill' ? 'added' : 'emptied'}: notes ${list(d.notes)}; coins ${list(d.coins)}; value ${d.value}\n`);
}

/** One `kioskd cash ...` action against the running daemon; the exit code as documented above. */
export async function cashCommand(config: KioskConfig, action: CashAction, o: CashOptions): Promise<number> {
  try {
    // Usage mistakes end here, before any connection (dispense's currency may still come from the levels).
    if (action === 'refill' || action === 'empty') validate(action, payloadFor(action, o, undefined));
    if (action === 'dispense' && (positiveInt('amount', o.amount) === undefined || !o.key || !o.reason)) throw new Usage('dispense needs --amount, --key and --reason');
  } catch (err) {
    if (!(err instanceof Usage)) throw err;
    process.stderr.write(`kioskd cash ${action}: ${err.message}\nusage: ${USAGE[action]}\n`);
    return EXIT.usage;
  }
  const client = await connectLocal(config);
  try {
    const topics = localTopics(config);
    const ask = async (command: string, payload: Record<string, unknown>, timeoutMs: number): Promise<{ status: string; data?: unknown; error?: { code: string; message: string } }> =>
      (await requestLocal(client, topics, { device: 'cash', role: 'technician' }, command, payload, timeoutMs)) as { status: string; data?: unknown; error?: { code: string; message: string } };
    const fail = (res: { error?: { code: string; message: string } }): number => {
      process.stderr.write(`kioskd cash ${action}: ${res.error?.code ?? 'error'}: ${res.error?.message ?? 'unexpected answer'}\n`);
      return EXIT.failure;
    };
    let currency = o.currency;
    if (action === 'levels' || (action === 'dispense' && !currency)) {
      const res = await ask('levels', {}, 10_000);
      const levels = cashApi.commands.levels.output.safeParse(res.data);
      if (res.status !== 'ok' || !levels.success) return fail(res);
      if (action === 'levels') {
        if (o.json) process.stdout.write(`${JSON.stringify(levels.data, null, 2)}\n`);
        else printLevels(levels.data);
        return EXIT.ok;
      }
      currency = levels.data.currency ?? undefined;
    }
    let payload: Record<string, unknown>;
    try {
      payload = payloadFor(action, o, currency);
      validate(action, payload);
    } catch (err) {
      if (!(err instanceof Usage)) throw err;
      process.stderr.write(`kioskd cash ${action}: ${err.message}\nusage: ${USAGE[action]}\n`);
      return EXIT.usage;
    }
    const timeoutMs = action === 'refill' ? (positiveInt('notes-timeout', o.notesTimeout) ?? 0) + 60_000 : 120_000;
    const res = await ask(action, payload, timeoutMs);
    if (res.status !== 'ok' || typeof res.data !== 'object' || res.data === null) return fail(res);
    if (o.json) process.stdout.write(`${JSON.stringify(res.data, null, 2)}\n`);
    else printResult(action, res.data as Record<string, unknown>);
    return EXIT.ok;
  } finally {
    await client.endAsync(true);
  }
}
