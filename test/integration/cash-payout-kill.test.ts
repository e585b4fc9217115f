/**
 * kill -9 of the daemon at random moments of deposits and payouts (escrow, stacking, the payout intent,
 * notes leaving the recycler, coins leaving a hopper, the recovery after a restart), over and over. The
 * simulators run here, in the test process, over PTYs, so they outlive the daemon as real devices do.
 * After every restart: what the journal says was paid out equals what the simulators paid out, to the
 * unit; the levels the daemon publishes equal the simulators' own; no payout was started twice; credits
 * equal what the validator took. `npm run test:cash-kill` runs 120 kills and writes the report.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { cashConfigSchema } from '../../src/drivers/cash/config.js';
import { startCashSimulators, type CashSimulators } from '../../src/drivers/cash/sim.js';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

interface Line { type: string; key: string; data: Record<string, unknown> }
interface Detail { payout: { notes: { value: number; count: number }[]; coins: { value: number; count: number; hopper: number }[] } | null }

const KILLS = Number(process.env.CASH_PAYOUT_KILLS ?? 12);
const STEP_MS = 25;
const FIXED_KEY = '77aa1234abcd9876';

describe.skipIf(!hasMosquitto)('cash payouts: kill -9 at every step of a deposit and its change', () => {
  let broker: Broker;
  let sims: CashSimulators;
  let probe: Probe;
  let daemon: SpawnedDaemon | undefined;
  const stateDir = tempDir('kioskd-payout-kill-');
  const kioskId = `payoutkill${process.pid}`;
  let config: Record<string, unknown>;
  const seed = Number(process.env.CASH_KILL_SEED ?? Date.now() % 100_000);
  let rnd = seed;
  const random = (): number => {
    rnd = (rnd * 1103515245 + 12345) % 2147483648;
    return rnd / 2147483648;
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const journal = (): Line[] => {
    const path = join(stateDir, 'journal', 'money.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  };
  const simPaidOut = (): number => {
    const r = sims.validator.recycler!.state;
    return Object.entries(r.dispensed).reduce((a, [v, n]) => a + Number(v) * n, 0) + (sims.hoppers?.counts() ?? []).reduce((a, h) => a + h.value * h.dispensed, 0);
  };

  async function boot(): Promise<Detail> {
    const ready = probe.next('device/cash/state', (p: { status: string }) => p.status === 'ready', 60_000);
    const d = spawnDaemon({ brokerUrl: broker.url, config, stateDir, kioskId });
    daemon = d;
    try {
      return ((await ready).payload as { detail: Detail }).detail;
    } catch (err) {
      throw new Error(`daemon not ready: ${(err as Error).message}\n${d.logs.slice(-15).join('\n')}`);
    }
  }

  async function kill9(): Promise<void> {
    const d = daemon;
    daemon = undefined;
    if (!d) return;
    d.kill('SIGKILL');
    expect(await d.exited).toBe('SIGKILL');
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    const cash = {
      validator: { encryption: { enabled: true, fixedKey: FIXED_KEY } },
      payout: { recycler: true, recycle: [500, 1000] },
      hoppers: { units: [{ address: 3, value: 100 }, { address: 4, value: 200 }] },
      simulator: { stepMs: STEP_MS, hopperStepMs: 15, escrowTimeoutMs: 3000, coins: [], recyclerFloat: { '500': 20, '1000': 20 } },
    };
    sims = await startCashSimulators(cashConfigSchema.parse(cash), { workDir: join(stateDir, 'pty'), stateDir: join(stateDir, 'sim-state'), clock: systemClock });
    sims.hoppers!.pour(100, 400);
    sims.hoppers!.pour(200, 400);
    config = {
      logging: { level: 'info' },
      devices: {
        cash: {
          ...cash,
          validator: { port: { path: sims.validatorPath }, pollIntervalMs: 20, replyTimeoutMs: 100, retries: 2, encryption: { enabled: true, fixedKey: FIXED_KEY } },
          hoppers: { ...cash.hoppers, port: { path: sims.hopperPath }, pollIntervalMs: 20, replyTimeoutMs: 100 },
        },
      },
    };
    probe = await Probe.connect(broker.url, `kiosk/${kioskId}`);
  }, 30_000);

  afterAll(async () => {
    await kill9().catch(() => undefined);
    await probe?.close();
    await sims?.stop();
    await broker?.stop();
  });

  it(`${KILLS} randomised kills across deposits and payouts: journal, simulator counts and levels agree to the unit; nothing paid twice`, async () => {
    let detail = await boot();
    expect((await probe.technician('cash', 'refill', { technician: 'kill-loop', coins: { '100': 400, '200': 400 } })).status).toBe('ok');
    let kills = 0;
    const phases: Record<string, number> = {};
    let interruptedPayouts = 0;
    const started = Date.now();
    while (kills < KILLS) {
      const note = [1000, 2000, 5000][Math.floor(random() * 3)] ?? 2000;
      const change = [0, 100, 300, 700, 900][Math.floor(random() * 5)] ?? 0;
      const cancel = random() < 0.2;
      const midPayout = random() < 0.5;
      const accepting = probe.next('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting, 20_000);
      const payoutStarted = probe.next('device/cash/event/payout', (p: { phase: string }) => p.phase === 'started', 3000);
      payoutStarted.catch(() => undefined);
      probe.request('cash', 'accept', { amountDue: cancel ? note * 2 : note - change, currency: 'EUR', timeoutMs: 600_000 }, { timeoutMs: 600_000 }).catch(() => undefined);
      await accepting;
      sims.validator.insertNote(note);
      if (cancel) {
        await sleep(STEP_MS * 6);
        probe.request('cash', 'cancel', {}, { timeoutMs: 60_000 }).catch(() => undefined);
      }
      // a note's journey is ~4 steps; the change follows: kill anywhere in it, or (half the time) once
      // the payout intent is journaled, while notes and coins leave the devices
      if (midPayout && (change > 0 || cancel)) {
        await payoutStarted.catch(() => undefined);
        await sleep(Math.floor(random() * 150));
      } else {
        await sleep(Math.floor(random() * STEP_MS * 24));
      }
      const open = journal().filter((e) => e.type === 'payout.intent').length - journal().filter((e) => e.type === 'payout.finished').length;
      const phase = open > 0 ? (sims.validator.recycler!.busy ? 'paying-notes' : 'paying-coins-or-journal') : sims.validator.currentPhase;
      phases[phase] = (phases[phase] ?? 0) + 1;
      await kill9();
      kills++;
      if (open > 0) interruptedPayouts++;
      detail = await boot();
      if (random() < 0.1) {
        // kill again during the recovery of the new daemon
        await sleep(Math.floor(random() * 80));
        await kill9();
        kills++;
        phases.recovery = (phases.recovery ?? 0) + 1;
        detail = await boot();
      }
      const lines = journal();
      const intents = lines.filter((e) => e.type === 'payout.intent').map((e) => e.key);
      expect(new Set(intents).size, `seed ${seed}, kill ${kills}: a payout started twice`).toBe(intents.length);
      expect(lines.filter((e) => e.type === 'payout.finished').length, `seed ${seed}, kill ${kills}: payouts left open after recovery`).toBe(intents.length);
      const paid = lines.filter((e) => e.type === 'payout.finished').reduce((a, e) => a + Number(e.data.paid), 0);
      expect(paid, `seed ${seed}, kill ${kills}: journal vs simulators' paid out`).toBe(simPaidOut());
      const credited = lines.filter((e) => e.type === 'note.credited').reduce((a, e) => a + Number(e.data.value), 0);
      expect(credited, `seed ${seed}, kill ${kills}: credits vs taken`).toBe(sims.validator.stacked.reduce((a, b) => a + b, 0));
      const stored = sims.validator.recycler!.state.stored;
      for (const n of detail.payout?.notes ?? []) expect(n.count, `seed ${seed}, kill ${kills}: notes of ${n.value}`).toBe(stored[String(n.value)] ?? 0);
      for (const h of sims.hoppers!.counts()) expect(detail.payout?.coins.find((c) => c.hopper === h.address)?.count, `seed ${seed}, kill ${kills}: coins of ${h.value}`).toBe(h.level);
    }
    const lines = journal();
    const report = {
      seed, kills, seconds: Math.round((Date.now() - started) / 1000), phases, interruptedPayouts,
      payouts: lines.filter((e) => e.type === 'payout.finished').length,
      recovered: lines.filter((e) => e.type === 'payout.finished' && e.data.recovered === true).length,
      paidOut: simPaidOut(), credited: sims.validator.stacked.reduce((a, b) => a + b, 0),
      byStatus: lines.filter((e) => e.type === 'payout.finished').reduce<Record<string, number>>((a, e) => ({ ...a, [String(e.data.status)]: (a[String(e.data.status)] ?? 0) + 1 }), {}),
    };
    process.stderr.write(`cash payout kill loop: ${JSON.stringify(report)}\n`);
    const out = process.env.CASH_KILL_REPORT;
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    }
    expect(report.payouts).toBeGreaterThan(0);
  }, 1_800_000);
});
