/**
 * kill -9 of the daemon at random moments of a note's journey (reading, escrow, the journal write,
 * stacking, credit, the recovery drain after a restart), over and over: after every restart the money
 * journaled equals the money the validator stacked, exactly. The SSP and ccTalk simulators run here, in
 * the test process, over PTYs, so they outlive the daemon exactly as the real devices do.
 */
import { systemClock } from '../../src/core/clock.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashConfigSchema } from '../../src/drivers/cash/config.js';
import { startCashSimulators, type CashSimulators } from '../../src/drivers/cash/sim.js';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

interface JournalLine { type: string; key: string; data: { value?: number; status?: string } }

const KILLS = Number(process.env.CASH_KILLS ?? 100);
const STEP_MS = 30;
const NOTES = [500, 1000, 2000, 5000];
const FIXED_KEY = '5a5a1234abcd9876';

describe.skipIf(!hasMosquitto)('cash: kill -9 at every step of a note\'s journey', () => {
  let broker: Broker;
  let sims: CashSimulators;
  let probe: Probe;
  let daemon: SpawnedDaemon | undefined;
  const stateDir = tempDir('kioskd-cash-kill-');
  const kioskId = `cashkill${process.pid}`;
  let config: Record<string, unknown>;
  const seed = Number(process.env.CASH_KILL_SEED ?? Date.now() % 100_000);
  let rnd = seed;
  const random = (): number => {
    rnd = (rnd * 1103515245 + 12345) % 2147483648;
    return rnd / 2147483648;
  };

  const journal = (): JournalLine[] => {
    const path = join(stateDir, 'journal', 'money.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalLine);
  };
  const sum = (type: string): number => journal().filter((e) => e.type === type).reduce((a, e) => a + (e.data.value ?? 0), 0);
  const stackedTotal = (): number => sims.validator.stacked.reduce((a, b) => a + b, 0);

  const bootMs: number[] = [];
  async function boot(): Promise<{ status: string; detail: { cashbox: { value: number }; unsettled: { sessionId: string }[] } }> {
    const ready = probe.next('device/cash/state', (p: { status: string }) => p.status === 'ready', 30_000);
    const t0 = Date.now();
    const d = spawnDaemon({ brokerUrl: broker.url, config, stateDir, kioskId });
    daemon = d;
    try {
      const payload = (await ready).payload as Awaited<ReturnType<typeof boot>>;
      bootMs.push(Date.now() - t0);
      return payload;
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

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    broker = await startMosquitto();
    const simConfig = cashConfigSchema.parse({ validator: { encryption: { enabled: true, fixedKey: FIXED_KEY } }, simulator: { stepMs: STEP_MS, escrowTimeoutMs: 3000 } });
    sims = await startCashSimulators(simConfig, { workDir: join(stateDir, 'pty'), stateDir: join(stateDir, 'sim-state'), clock: systemClock });
    config = {
      logging: { level: 'info' },
      devices: {
        cash: {
          validator: {
            port: { path: sims.validatorPath }, pollIntervalMs: 20, replyTimeoutMs: 100, retries: 2,
            encryption: { enabled: true, fixedKey: FIXED_KEY },
          },
          coinAcceptor: { port: { path: sims.coinPath }, pollIntervalMs: 20, replyTimeoutMs: 100 },
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

  it(`${KILLS} randomised kills: journal == stacked after every restart, no credit lost or doubled (seed in the name of the failure)`, async () => {
    let state = await boot();
    let kills = 0;
    let notesInserted = 0;
    let interruptedSeen = false;
    /** Where the note was when the daemon died. */
    const phases: Record<string, number> = {};
    while (kills < KILLS) {
      const duringRecovery = random() < 0.15 && kills > 0;
      if (!duringRecovery) {
        const accepting = probe.next('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting, 15_000);
        probe.request('cash', 'accept', { amountDue: 10_000_000, currency: 'EUR', timeoutMs: 600_000 }, { timeoutMs: 600_000 }).catch(() => undefined);
        await accepting;
        sims.validator.insertNote(NOTES[Math.floor(random() * NOTES.length)] ?? 500);
        notesInserted++;
        if (random() < 0.3) sims.coins?.insertCoin(random() < 0.5 ? 100 : 200);
        // a note's journey takes about 4 steps plus a few polls: kill anywhere in it, or a bit after
        await sleep(Math.floor(random() * STEP_MS * 7));
      }
      phases[sims.validator.currentPhase] = (phases[sims.validator.currentPhase] ?? 0) + 1;
      await kill9();
      kills++;
      state = await boot();
      if (duringRecovery) {
        // kill again while the new daemon drains and reconciles
        await sleep(Math.floor(random() * 60));
        await kill9();
        kills++;
        state = await boot();
      }
      const stacked = stackedTotal();
      expect(sum('note.credited'), `seed ${seed}, kill ${kills}: journal vs stacked`).toBe(stacked);
      expect(state.detail.cashbox.value, `seed ${seed}, kill ${kills}: published cashbox`).toBe(stacked);
      interruptedSeen ||= state.detail.unsettled.length > 0;
    }
    // coins: the acceptor's buffer is re-read after each restart; give the coin loop a few polls
    for (let i = 0; i < 100 && sum('coin.credited') !== sims.coins!.coins.reduce((a, b) => a + b, 0); i++) await sleep(20);
    expect(sum('coin.credited')).toBe(sims.coins!.coins.reduce((a, b) => a + b, 0));
    expect(interruptedSeen).toBe(true);
    const closedInterrupted = journal().filter((e) => e.type === 'session.closed' && e.data.status === 'interrupted');
    expect(closedInterrupted.length).toBeGreaterThan(0);
    expect(sims.validator.stacked.length).toBeGreaterThan(notesInserted / 3);
    process.stderr.write(`cash kill loop: seed ${seed}, ${kills} kills, ${notesInserted} notes offered, ${sims.validator.stacked.length} stacked, ${stackedTotal()} credited, note phase at kill: ${JSON.stringify(phases)}, boot to ready p50 ${[...bootMs].sort((a, b) => a - b)[bootMs.length >> 1]} ms\n`);
    // the interrupted sessions were published for someone to settle, and settling is journaled
    const recovered = probe.messages.filter((m) => m.topic.endsWith('/device/cash/event/recovered'));
    expect(recovered.length).toBeGreaterThan(0);
    const open = state.detail.unsettled[0];
    expect(open).toBeDefined();
    {
      if (!open) return;
      const settled = probe.next('device/cash/state', (p: { detail: { unsettled: { sessionId: string }[] } }) => !p.detail.unsettled.some((u) => u.sessionId === open.sessionId));
      expect(await probe.technician('cash', 'settle', { sessionId: open.sessionId, resolution: 'voucher', by: 'tech-1' })).toMatchObject({ status: 'ok' });
      await settled;
      expect(journal().filter((e) => e.type === 'session.settled' && e.key === open.sessionId)).toHaveLength(1);
      expect(await probe.technician('cash', 'settle', { sessionId: open.sessionId, resolution: 'voucher', by: 'tech-1' })).toMatchObject({ status: 'error', error: { code: 'CASH_UNKNOWN_SESSION' } });
    }
    if (KILLS >= 50) for (const phase of ['reading', 'escrow', 'stacking', 'idle']) expect(phases[phase], `killed during ${phase}`).toBeGreaterThan(0);
  }, 400_000);
});
