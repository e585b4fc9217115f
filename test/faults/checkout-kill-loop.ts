/**
 * The checkout kill loop (issue 16): the real daemon (built CLI, simulated printer, ZVT terminal and SSP
 * validator) is killed with SIGKILL at a randomised point of each checkout (cash, card or split), started
 * again, and the checkout is finished by a "reloaded page" with the same key. After each restart the
 * journal, the simulators' own persistent records and the checkout outcomes must agree:
 *
 * - cash: every note the simulated validator stacked (its own file) is credited once in the journal, and
 *   every cash session a checkout opened is counted by that checkout with the same total (no lost credit);
 * - card: every sale the terminal received was sent once per key, and what the terminal approved (its own
 *   store) is what the checkouts were paid by card, plus what sits on the attention list (no double charge);
 * - receipt: at most one receipt.started per checkout, and a printed one is in the printer's job store once;
 * - outcomes: a paid checkout got its amount; a checkout whose outcome cannot be known is on bridge/attention.
 *
 * Used by test/faults/checkout-kill.test.ts (a small loop in `npm test`) and by `npm run test:checkout-kill`
 * (100 checkouts, report in reports/checkout-kill.json).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { checkoutConfig, journalOf, newToken, op, type JournalLine } from '../helpers/checkout-kiosk.js';

export const KILL_POINTS = ['right-after-start', 'after-first-credit', 'at-card-prompt', 'card-authorising', 'while-printing', 'random-ms'] as const;
type KillPoint = (typeof KILL_POINTS)[number];
type Method = 'cash' | 'card' | 'split';

export interface IterationReport {
  i: number;
  method: Method;
  killPoint: KillPoint;
  killed: boolean;
  stateAfterRestart: string;
  final: string;
  paid: { cash: number; card: number };
  attention?: string | undefined;
}

export interface KillLoopReport {
  iterations: number;
  seed: number;
  byOutcome: Record<string, number>;
  byKillPoint: Record<string, number>;
  violations: string[];
  totals: { stackedByValidator: number; creditedInJournal: number; approvedByTerminal: number; paidByCardInCheckouts: number; salesReceived: number; cardIntents: number; receiptsPrinted: number };
  runs: IterationReport[];
  wallMs: number;
}

/** mulberry32: a seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const readJson = <T>(path: string, fallback: T): T => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback);

export async function runKillLoop(opts: { iterations: number; seed: number; log?: (line: string) => void; daemonLogs?: string }): Promise<KillLoopReport> {
  const started = Date.now();
  const random = prng(opts.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const broker: Broker = await startMosquitto();
  const stateDir = tempDir('kioskd-checkout-kill-');
  const kioskId = `kill${process.pid}`;
  const config = { ...checkoutConfig(), logging: { level: 'info' }, health: { intervalSec: 3600 }, systemd: { watchdog: false } };
  const probe = await Probe.connect(broker.url, `kiosk/${kioskId}`);
  const runs: IterationReport[] = [];
  let daemon: SpawnedDaemon | undefined;
  const boot = async (): Promise<SpawnedDaemon> => {
    const t0 = Date.now();
    const d = spawnDaemon({ brokerUrl: broker.url, config, kioskId, stateDir });
    await d.waitForLog(/kioskd started/, 60_000);
    // This process's own states (the previous one's retained states do not count).
    for (const dev of ['printer', 'card', 'cash']) {
      await probe.waitFor(`device/${dev}/state`, (p: { status: string }, m) => p.status === 'ready' && m.at >= t0, 60_000);
    }
    return d;
  };
  try {
    daemon = await boot();
    for (let i = 0; i < opts.iterations; i++) {
      const method = pick(['cash', 'card', 'split'] as const);
      const killPoint = pick(KILL_POINTS);
      const key = `kill-${opts.seed}-${i}`;
      const reference = `K-${opts.seed}-${i}`;
      const request = { service: 'good-conduct', method, reference, idempotencyKey: key, ...(method === 'split' ? { cashAmount: 10000 } : {}) };
      // The terminal takes its time, so that a kill can land while it authorises.
      await probe.sim('card', 'approve', { hostDelayMs: Math.floor(random() * 400) });
      const token = newToken();
      await op(probe, 'session-open', { token });
      const current = daemon;
      const killed = killAt(probe, current, killPoint, key, Math.floor(random() * 2500));
      const flow = payFlow(probe, token, request, current.exited).catch(() => undefined);
      const didKill = await Promise.race([killed, flow.then(() => false)]);
      if (!didKill) current.kill('SIGKILL'); // the checkout finished first: kill anyway, between checkouts
      await current.exited;
      await flow;
      if (opts.daemonLogs) writeFileSync(join(opts.daemonLogs, `run-${i}-killed.log`), current.logs.join('\n'));
      daemon = await boot();
      const after = await op(probe, 'checkout-get', { idempotencyKey: key });
      const stateAfterRestart = after.status === 'ok' ? (after.data as { state: string }).state : `error:${after.error.code}`;
      // The reloaded page: a new session, the same key.
      const resumed = (stateAfterRestart === 'suspended' || stateAfterRestart.startsWith('error:') ? await payFlow(probe, newToken(), request) : after) ?? after;
      const final = resumed.status === 'ok' ? resumed : await op(probe, 'checkout-get', { idempotencyKey: key });
      const rec = (final.status === 'ok' ? final.data : undefined) as { state: string; paid: { cash: number; card: number }; attention?: string } | undefined;
      if (opts.daemonLogs) writeFileSync(join(opts.daemonLogs, `run-${i}-restarted.log`), daemon.logs.join('\n'));
      if (rec && rec.state !== 'paid' && !rec.attention) opts.log?.(`#${i}: daemon logs in ${stateDir} (state ${rec.state})`);
      runs.push({ i, method, killPoint, killed: didKill, stateAfterRestart, final: rec?.state ?? 'unknown', paid: rec?.paid ?? { cash: 0, card: 0 }, attention: rec?.attention });
      opts.log?.(`#${i} ${method} kill ${killPoint}${didKill ? '' : ' (after the end)'}: after restart ${stateAfterRestart}, final ${rec?.state ?? '?'} ${JSON.stringify(rec?.paid ?? {})}${rec?.attention ? ` attention ${rec.attention}` : ''}`);
    }
    const audit = await auditKiosk(probe, stateDir, runs);
    const byOutcome: Record<string, number> = {};
    const byKillPoint: Record<string, number> = {};
    for (const r of runs) {
      byOutcome[r.final] = (byOutcome[r.final] ?? 0) + 1;
      byKillPoint[r.killPoint] = (byKillPoint[r.killPoint] ?? 0) + 1;
    }
    return { iterations: opts.iterations, seed: opts.seed, byOutcome, byKillPoint, violations: audit.violations, totals: audit.totals, runs, wallMs: Date.now() - started };
  } finally {
    daemon?.kill('SIGTERM');
    await daemon?.exited;
    await probe.close();
    await broker.stop();
  }
}

/** Resolves true once it has killed the daemon at `point` (false if the daemon exited first). */
async function killAt(probe: Probe, d: SpawnedDaemon, point: KillPoint, key: string, ms: number): Promise<boolean> {
  const mine = (p: { idempotencyKey?: string }) => p.idempotencyKey === key;
  const wait: Record<KillPoint, () => Promise<unknown>> = {
    'right-after-start': () => probe.next('bridge/event/checkout', (p: { step: string } & { idempotencyKey?: string }) => mine(p) && p.step === 'started', 60_000),
    'after-first-credit': () => probe.next('bridge/event/checkout', (p: { messageKey: string; idempotencyKey?: string }) => mine(p) && p.messageKey === 'checkout.cashCredited', 60_000),
    'at-card-prompt': () => probe.next('bridge/event/checkout', (p: { messageKey: string; idempotencyKey?: string }) => mine(p) && p.messageKey === 'checkout.presentCard', 60_000),
    'card-authorising': () => probe.next('bridge/event/checkout', (p: { messageKey: string; idempotencyKey?: string }) => mine(p) && p.messageKey === 'card.AUTHORISING', 60_000),
    'while-printing': () => probe.next('bridge/event/checkout', (p: { messageKey: string; idempotencyKey?: string }) => mine(p) && p.messageKey === 'checkout.printing', 60_000),
    'random-ms': () => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const exited = d.exited.then(() => 'exited' as const);
  const hit = await Promise.race([wait[point]().then(() => 'hit' as const, () => 'missed' as const), exited]);
  if (hit !== 'hit') return false;
  d.kill('SIGKILL');
  return true;
}

/** Act as the page: open a session, start (or resume) the checkout, insert 50 AED notes whenever cash is wanted. */
async function payFlow(probe: Probe, token: string, request: Record<string, unknown>, gone?: Promise<unknown>): Promise<Awaited<ReturnType<typeof op>> | undefined> {
  const died = gone?.then(() => undefined);
  const untilGone = <T>(p: Promise<T>): Promise<T | undefined> => {
    p.catch(() => undefined);
    return died ? Promise.race([p, died]) : p;
  };
  await untilGone(op(probe, 'session-open', { token }));
  let done = false;
  const stateTopic = `${probe.base}/device/cash/state`;
  const accepting = (): boolean => (probe.messages.filter((m) => m.topic === stateTopic).at(-1)?.payload as { detail?: { accepting?: boolean } } | undefined)?.detail?.accepting === true;
  const feeding = (async () => {
    while (!done) {
      if (!accepting()) {
        await probe.next('device/cash/state', () => true, 1000).catch(() => undefined);
        continue;
      }
      const credited = probe.next('device/cash/event/credit', () => true, 3000).catch(() => undefined);
      await probe.sim('cash', 'insert-note', { value: 5000 }).catch(() => undefined);
      await credited;
    }
  })();
  // As the client library does: the session's client says it is still there.
  const keepalive = setInterval(() => void op(probe, 'session-keepalive', {}, token, 5000).catch(() => undefined), 2000);
  try {
    return await untilGone(op(probe, 'checkout-start', request, token, 120_000));
  } finally {
    done = true;
    clearInterval(keepalive);
    await feeding;
    if (!died || (await Promise.race([died.then(() => true), Promise.resolve(false)])) === false) await untilGone(op(probe, 'session-close', {}, token, 5000)).catch(() => undefined);
  }
}

/** The three records agree (see the file comment); returns every disagreement found. */
export async function auditKiosk(probe: Probe, stateDir: string, runs: readonly IterationReport[]): Promise<{ violations: string[]; totals: KillLoopReport['totals'] }> {
  const violations: string[] = [];
  const journal = journalOf(stateDir);
  const of = (stream: string, type?: string): JournalLine[] => journal.filter((e) => e.stream === stream && (type === undefined || e.type === type));
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  // Cash: the validator's own stacked log against the journal's credits.
  const validator = readJson<{ stacked: number[] }>(join(stateDir, 'sim-state', 'cash', 'validator.json'), { stacked: [] });
  const stacked = validator.stacked.reduce((a, b) => a + b, 0);
  const credited = of('cash', 'note.credited').reduce((a, e) => a + num(e.data.value), 0);
  if (stacked !== credited) violations.push(`cash: the validator stacked ${stacked}, the journal credited ${credited}`);
  // Every cash session a checkout opened is counted by that checkout, with the same total.
  for (const opened of of('cash', 'session.opened')) {
    const m = /^co:(.+):cash(\d+)$/.exec((typeof opened.data.transaction === 'string' ? opened.data.transaction : ''));
    if (!m) continue;
    const total = of('cash', 'note.credited').filter((e) => e.key === opened.key).reduce((a, e) => a + num(e.data.value), 0);
    const ended = of('checkout', 'cash.ended').find((e) => e.key === m[1] && num(e.data.n) === Number(m[2]));
    const uncertain = of('checkout', 'attention.raised').some((e) => e.key === m[1] && e.data.reason === 'CASH_UNCERTAIN');
    if (!ended && !uncertain) violations.push(`cash session ${opened.key} of ${m[1]} (${total}) is not counted by its checkout`);
    else if (ended && num(ended.data.total) !== total && !uncertain) violations.push(`cash session ${opened.key}: credited ${total}, checkout ${m[1]} counted ${num(ended.data.total)}`);
  }
  // Card: the terminal's own store against the checkouts.
  const terminal = readJson<{ transactions: { kind: string; amount: number; resultCode: number; reversed: boolean }[] }>(join(stateDir, 'sim-state', 'card', 'zvt-terminal.json'), { transactions: [] });
  const approvedByTerminal = terminal.transactions.filter((t) => t.kind === 'sale' && t.resultCode === 0 && !t.reversed).reduce((a, t) => a + t.amount, 0);
  const cardEnded = of('checkout', 'card.ended').filter((e) => e.data.result === 'approved');
  const paidByCard = cardEnded.reduce((a, e) => a + num(e.data.amount), 0);
  const unknownCard = of('checkout', 'attention.raised').filter((e) => String(e.data.reason).startsWith('CARD_')).map((e) => e.key);
  const unknownAmount = of('checkout', 'card.started').filter((e) => unknownCard.includes(e.key) && !cardEnded.some((c) => c.key === e.key && c.data.n === e.data.n)).reduce((a, e) => a + num(e.data.amount), 0);
  if (approvedByTerminal < paidByCard || approvedByTerminal > paidByCard + unknownAmount) {
    violations.push(`card: the terminal approved ${approvedByTerminal}, checkouts were paid ${paidByCard} by card (+${unknownAmount} unknown, on the attention list)`);
  }
  const receivedPath = join(stateDir, 'sim-state', 'card', 'zvt-received.jsonl');
  const received = (existsSync(receivedPath) ? readFileSync(receivedPath, 'utf8') : '').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { command: string });
  const salesReceived = received.filter((r) => r.command === 'sale').length;
  const cardIntents = new Set(of('card').filter((e) => e.type.includes('intent') || e.type === 'sale.started' || e.type === 'operation.started').map((e) => e.key)).size;
  const cardKeys = new Set(of('checkout', 'card.started').map((e) => String(e.data.cardKey)));
  if (salesReceived > cardKeys.size) violations.push(`card: the terminal received ${salesReceived} sales for ${cardKeys.size} card keys: a key was sent twice`);
  for (const [key, n] of countBy(cardEnded.map((e) => e.key))) if (n > 1) violations.push(`card: checkout ${key} approved ${n} times`);
  // Receipts: started at most once per checkout; a printed one is printed once in the printer's job store.
  const receiptStarts = countBy(of('checkout', 'receipt.started').map((e) => e.key));
  for (const [key, n] of receiptStarts) if (n > 1) violations.push(`receipt: checkout ${key} started printing ${n} times`);
  const jobs = readJson<Record<string, { state: string }>>(join(stateDir, 'devices', 'printer', 'printer-jobs.json'), {});
  const jobState = (k: string): string | undefined => (jobs as Record<string, { state: string } | undefined>)[k]?.state ?? (jobs as { keys?: Record<string, { state: string }> }).keys?.[k]?.state;
  let receiptsPrinted = 0;
  for (const e of of('checkout', 'receipt.ended').filter((x) => x.data.result === 'printed')) {
    receiptsPrinted++;
    const state = jobState(`${e.key}.rcpt`);
    if (state !== undefined && state !== 'printed') violations.push(`receipt: checkout ${e.key} says printed, the printer's job store says ${state}`);
  }
  // Outcomes.
  const attention = await op(probe, 'attention', {});
  const listed = new Set(attention.status === 'ok' ? (attention.data as { items: { id: string }[] }).items.map((x) => x.id) : []);
  for (const r of runs) {
    const key = `${r.i}`;
    if (r.final === 'paid' && r.paid.cash + r.paid.card < 15000) violations.push(`#${key}: paid with only ${JSON.stringify(r.paid)}`);
    if (r.final === 'attention' && !r.attention) violations.push(`#${key}: in attention without a reason`);
    if (!['paid', 'attention', 'cancelled', 'declined'].includes(r.final)) violations.push(`#${key}: ended ${r.final}`);
  }
  for (const e of of('checkout', 'attention.raised')) {
    const resolved = of('checkout', 'attention.resolved').some((x) => x.key === e.key);
    const resumed = e.data.reason === 'CREDIT_HELD' && of('checkout', 'checkout.resumed').some((x) => x.key === e.key);
    if (!resolved && !resumed && !listed.has(`checkout:${e.key}`)) violations.push(`attention: ${e.key} (${String(e.data.reason)}) is not on bridge/attention`);
  }
  return { violations, totals: { stackedByValidator: stacked, creditedInJournal: credited, approvedByTerminal, paidByCardInCheckouts: paidByCard, salesReceived, cardIntents, receiptsPrinted } };
}

function countBy(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
