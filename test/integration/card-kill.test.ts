/**
 * kill -9 of the daemon in each phase of a card sale, then restart: the journal and the terminal agree,
 * the true outcome is published (event/recovered) and queryable, and no sale is ever sent twice, as the
 * terminal's own log shows. The ZVT simulator runs here in the test process over TCP, so it outlives the
 * daemon exactly as a real terminal on the LAN does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { cardApi, outcomeSchema, transactionRecordSchema } from '../../src/drivers/card/api.js';
import { cardConfigSchema } from '../../src/drivers/card/config.js';
import { startCardSimulator, type CardSimulator } from '../../src/drivers/card/sim.js';
import { SIM_PAN } from '../../src/drivers/card/zvt/sim-messages.js';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';

interface JournalLine { type: string; key: string; data: Record<string, unknown> }

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 25) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe.skipIf(!hasMosquitto)('card: kill -9 of the daemon in each phase of a sale', { timeout: 90_000 }, () => {
  let broker: Broker;
  let sim: CardSimulator;
  let probe: Probe;
  let daemon: SpawnedDaemon | undefined;
  const allLogs: string[] = [];
  const stateDir = tempDir('kioskd-card-kill-');
  const kioskId = `cardkill${process.pid}`;
  let config: Record<string, unknown>;

  const journal = (): JournalLine[] => {
    const path = join(stateDir, 'journal', 'money.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalLine);
  };
  const salesReceived = (amount: number) => sim.store.log.filter((e) => e.command === 'sale' && e.amount === amount);

  /** Await `p`; on failure say what the daemon and the terminal were doing. */
  async function explained<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      const tail = (daemon?.logs ?? []).slice(-15).join('\n');
      const terminal = `terminal: holding=${sim.terminal.holding} silent=${sim.terminal.silent} powered=${sim.terminal.powered} last=${JSON.stringify(sim.store.last)}`;
      throw new Error(`${(err as Error).message}\n${terminal}\ndaemon log tail:\n${tail}`);
    }
  }

  async function boot(): Promise<void> {
    const ready = probe.next('device/card/state', (p) => p.status === 'ready', 30_000);
    daemon = spawnDaemon({ brokerUrl: broker.url, config, stateDir, kioskId });
    await explained(ready);
  }

  async function kill9(): Promise<void> {
    const d = daemon;
    daemon = undefined;
    if (!d) return;
    d.kill('SIGKILL');
    expect(await d.exited).toBe('SIGKILL');
    allLogs.push(...d.logs);
  }

  function startSale(key: string, amount: number): void {
    probe.request('card', 'sale', { amount, currency: 'AED', reference: `ref-${key}`, idempotencyKey: key }, { timeoutMs: 60_000 }).catch(() => undefined);
  }

  async function restartAndRecover(key: string) {
    const recovered = probe.next('device/card/event/recovered', (p) => p.idempotencyKey === key, 30_000);
    await boot();
    return cardApi.events.recovered.payload.parse((await explained(recovered)).payload);
  }

  async function replay(key: string, amount: number) {
    const res = await probe.request('card', 'sale', { amount, currency: 'AED', reference: `ref-${key}`, idempotencyKey: key });
    if (res.status !== 'ok') throw new Error(JSON.stringify(res));
    return outcomeSchema.parse(res.data);
  }

  beforeAll(async () => {
    broker = await startMosquitto();
    const log = createLogger({ level: 'info', journald: false, write: () => undefined });
    sim = await startCardSimulator(cardConfigSchema.parse({}), { log, clock: systemClock, workDir: join(stateDir, 'sim-work'), stateDir: join(stateDir, 'terminal') });
    const transport = sim.driverConfig.transport;
    config = { devices: { card: { transport, ackTimeoutMs: 3000, idleTimeoutMs: 10_000 } }, mqtt: { protocolVersion: 5 } };
    probe = await Probe.connect(broker.url, `kiosk/${kioskId}`);
    await boot();
  });
  afterAll(async () => {
    await kill9();
    await probe?.close();
    await sim?.stop();
    await broker?.stop();
  });

  it('phase 1: intent journaled, the terminal never took the sale -> not charged, nothing sent again', async () => {
    sim.terminal.silent = true;
    startSale('k1', 1101);
    await until(() => journal().some((e) => e.type === 'sale.intent' && e.key === 'k1'), 'sale.intent for k1');
    await kill9();
    sim.terminal.silent = false;
    const rec = await restartAndRecover('k1');
    expect(rec.outcome).toMatchObject({ result: 'failed', reason: 'NOT_COMPLETED', charged: 'no', recovered: true });
    expect(journal().filter((e) => e.key === 'k1').map((e) => e.type)).toEqual(['sale.intent', 'sale.outcome']);
    expect(await replay('k1', 1101)).toMatchObject({ result: 'failed', reason: 'NOT_COMPLETED', replayed: true });
    expect(salesReceived(1101)).toHaveLength(0);
  });

  it('phase 2: customer at the card when the daemon died, the terminal approved -> recovered as approved', async () => {
    await sim.commands.approve!({ holdAt: 'card' });
    startSale('k2', 1202);
    await probe.waitFor('device/card/event/progress', (p) => p.idempotencyKey === 'k2' && p.code === 'PRESENT_CARD');
    await kill9();
    sim.terminal.release();
    await until(() => sim.store.last?.amount === 1202 && !sim.terminal.holding, 'the terminal booked the sale');
    const rec = await restartAndRecover('k2');
    expect(rec.outcome).toMatchObject({ result: 'approved', recovered: true, amount: 1202, card: { masked: '476173******0119' }, receiptNo: sim.store.last?.receiptNo, trace: sim.store.last?.trace });
    const outcome = journal().find((e) => e.type === 'sale.outcome' && e.key === 'k2')?.data.outcome;
    expect(outcome).toMatchObject({ result: 'approved', receiptNo: sim.store.last?.receiptNo });
    expect(await replay('k2', 1202)).toMatchObject({ result: 'approved', replayed: true });
    expect(salesReceived(1202)).toHaveLength(1);
  });

  it('phase 3: status information received, completion not yet -> recovered as approved, reversible', async () => {
    await sim.commands.approve!({ holdAt: 'completion' });
    startSale('k3', 1303);
    await until(() => sim.terminal.holding && sim.store.last?.amount === 1303, 'the terminal holding before completion');
    await kill9();
    sim.terminal.release();
    const rec = await restartAndRecover('k3');
    expect(rec.outcome).toMatchObject({ result: 'approved', recovered: true, amount: 1303 });
    // the service was not delivered: the kiosk reverses the recovered sale
    const rev = await probe.request('card', 'reverse', { idempotencyKey: 'k3' });
    expect(rev).toMatchObject({ status: 'ok', data: { result: 'reversed' } });
    const q = await probe.request('card', 'transaction', { reference: 'ref-k3' });
    expect(transactionRecordSchema.parse(q.status === 'ok' ? q.data : undefined)).toMatchObject({ state: 'done', outcome: { result: 'approved' }, reversal: { state: 'done' } });
    expect(salesReceived(1303)).toHaveLength(1);
  });

  it('phase 4: reversal in flight when the daemon died -> the reversal is reconciled, never sent twice', async () => {
    const sale = await replay('k4', 1404);
    expect(sale.result).toBe('approved');
    await sim.commands.silent!({ on: true });
    probe.request('card', 'reverse', { idempotencyKey: 'k4' }, { timeoutMs: 60_000 }).catch(() => undefined);
    await until(() => journal().some((e) => e.type === 'reversal.intent' && e.key === 'k4'), 'reversal.intent for k4');
    await kill9();
    await sim.commands.silent!({ on: false });
    const rec = await restartAndRecover('k4');
    expect(rec).toMatchObject({ kind: 'reversal', reversal: { result: 'failed', reason: 'NOT_COMPLETED', recovered: true } });
    expect(sim.store.log.filter((e) => e.command === 'reversal' && e.receiptNo === (sale as { receiptNo: number }).receiptNo)).toHaveLength(0);
  });

  it('phase 5: outcome journaled and answered, then killed -> nothing to recover, the key replays', async () => {
    const first = await replay('k5', 1505);
    expect(first.result).toBe('approved');
    await kill9();
    await boot();
    expect(await replay('k5', 1505)).toEqual({ ...first, replayed: true });
    expect(probe.messages.some((m) => m.topic.endsWith('event/recovered') && (m.payload as { idempotencyKey: string }).idempotencyKey === 'k5')).toBe(false);
    expect(salesReceived(1505)).toHaveLength(1);
  });

  it('no full card number in any daemon log, the journal or MQTT traffic across all the crashes', async () => {
    const text = [allLogs.join('\n'), readFileSync(join(stateDir, 'journal', 'money.jsonl'), 'utf8'), probe.messages.map((m) => m.raw.toString('latin1')).join('\n')];
    for (const t of text) expect(t.includes(SIM_PAN)).toBe(false);
    expect(text[1]).toContain('476173******0119');
    // every sale the terminal ever received was sent exactly once
    const amounts = sim.store.log.filter((e) => e.command === 'sale').map((e) => e.amount);
    expect(new Set(amounts).size).toBe(amounts.length);
  });
});
