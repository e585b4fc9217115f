/**
 * Cash: a change payout through the whole daemon. `dispense` of 6.00 (one 5.00 note from the SSP
 * recycler over eSSP + one 1.00 coin from a ccTalk hopper, both simulated over PTYs): request published
 * -> intent fsync'd with the units' counters -> payout commands -> dispensed events -> outcome fsync'd ->
 * response. Floor, measured in the same run on the same daemon: the `levels` round trip (broker, router,
 * one GET ALL LEVELS over eSSP in the poll loop; no motion, no journal), so the ratio says what a payout
 * adds over a plain device request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock } from '../src/core/clock.js';
import { createLogger } from '../src/core/logger.js';
import { validateConfig } from '../src/daemon/config/load.js';
import { Daemon } from '../src/daemon/daemon.js';

type Row = Record<string, string | number>;
const quiet = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const STEP_MS = 5;

function quantiles(samples: number[]): { p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** Publish a request and resolve with its response (matched by transaction). */
function asker(client: MqttClient): (req: string, res: string, payload: Record<string, unknown>) => Promise<{ status: string; data?: unknown }> {
  let seq = 0;
  const waiting = new Map<string, (body: { status: string; data?: unknown }) => void>();
  client.on('message', (_topic, raw) => {
    const body = JSON.parse(raw.toString()) as { transaction?: string; status: string; data?: unknown };
    if (body.transaction) waiting.get(body.transaction)?.(body);
  });
  return async (req, res, payload) => {
    const transaction = `bench-${++seq}`;
    await client.subscribeAsync(res, { qos: 1 });
    const answered = new Promise<{ status: string; data?: unknown }>((resolve) => waiting.set(transaction, resolve));
    await client.publishAsync(req, JSON.stringify({ ...payload, transaction }), { qos: 1 });
    const body = await answered;
    waiting.delete(transaction);
    return body;
  };
}

export async function benchCashPayout(opts: { quick: boolean; brokerUrl: string }): Promise<{ title: string; rows: Row[]; notes: string[] }> {
  const n = opts.quick ? 8 : 40;
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-bench-payout-'));
  const config = validateConfig({
    kioskId: `benchpayout${process.pid}`, stateDir: dir, simulation: true, mqtt: { url: opts.brokerUrl }, logging: { level: 'warn' },
    devices: {
      cash: {
        validator: { pollIntervalMs: 20, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
        coinAcceptor: { pollIntervalMs: 20 },
        payout: { recycler: true, recycle: [500], nearEmpty: 0 },
        hoppers: { units: [{ address: 3, value: 100 }], pollIntervalMs: 20 },
        simulator: { stepMs: STEP_MS, hopperStepMs: STEP_MS, recyclerFloat: { '500': n + 2 } },
      },
    },
  }, 'bench');
  const daemon = new Daemon({ config, log: quiet, clock: systemClock, version: 'bench', hostname: 'bench', simDir: join(dir, 'sim') });
  await daemon.start();
  const t = daemon.topics;
  const client = await mqtt.connectAsync(opts.brokerUrl, { protocolVersion: 5 });
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const ask = asker(client);
  const cash = (cmd: string, payload: Record<string, unknown>, role: 'ui' | 'technician' = 'technician') => ask(t.deviceRequest('cash', cmd, role), t.deviceResponse('cash', cmd, role), payload);
  try {
    for (let wait = 0; ; wait++) {
      const levels = await cash('levels', {});
      if (levels.status === 'ok' && ((levels.data as { total: number }).total ?? 0) > 0) break;
      if (wait > 300) throw new Error(`the recycler never reported its float: ${JSON.stringify(levels)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const poured = await ask(`${t.base}/sim/cash/request/pour-coins`, `${t.base}/sim/cash/response/pour-coins`, { value: 100, count: n + 2 });
    if (poured.status !== 'ok') throw new Error(`pour-coins: ${JSON.stringify(poured)}`);
    const refill = await cash('refill', { technician: 'bench', coins: { '100': n + 2 } });
    if (refill.status !== 'ok') throw new Error(`refill: ${JSON.stringify(refill)}`);
    const floor: number[] = [];
    const payout: number[] = [];
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      if ((await cash('levels', {})).status !== 'ok') throw new Error('levels failed');
      floor.push(performance.now() - t0);
      t0 = performance.now();
      const res = await cash('dispense', { amount: 600, currency: 'EUR', idempotencyKey: `bench-${i}`, reference: 'bench', reason: 'other' });
      payout.push(performance.now() - t0);
      const d = res.data as { status?: string; paid?: number } | undefined;
      if (res.status !== 'ok' || d?.status !== 'paid' || d.paid !== 600) throw new Error(`dispense ${i}: ${JSON.stringify(res)}`);
    }
    const f = quantiles(floor);
    const p = quantiles(payout);
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(1) : '');
    return {
      title: 'Cash: a change payout (6.00 = 5.00 note from the recycler over eSSP + 1.00 coin from a hopper), vs the levels round trip',
      rows: [
        { case: 'floor: `levels` round trip (one GET ALL LEVELS in the poll loop; no motion, no journal)', n, p50Ms: f.p50, p95Ms: f.p95, maxMs: f.max, ratioP50: '1.0' },
        { case: `dispense 6.00 -> response paid (intent and outcome fsync'd, sim steps ${STEP_MS} ms, poll 20 ms)`, n, p50Ms: p.p50, p95Ms: p.p95, maxMs: p.max, ratioP50: ratio(p.p50, f.p50) },
      ],
      notes: [
        'Every payout is checked: answered `paid` with 600 paid; keys differ, so each is a real payout (the simulators count them).',
        'The payout time includes the simulators\' mechanism steps and several 20 ms polls (dispensing -> dispensed on both units); a real recycler spends 2-4 s per note, a hopper ~0.3 s per coin: what kioskd adds is the rest.',
      ],
    };
  } finally {
    await client.endAsync();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
