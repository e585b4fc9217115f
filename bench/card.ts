/**
 * Card sale round trip: through the whole daemon (MQTT request -> journal intent fsync -> ZVT over TCP ->
 * simulator -> journal outcome fsync -> MQTT response) versus the ZVT plugin talking to the simulator
 * directly. The difference is what kioskd adds on the hot path of a payment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { systemClock } from '../src/core/clock.js';
import { validateConfig } from '../src/daemon/config/load.js';
import { Daemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/core/logger.js';
import { cardConfigSchema } from '../src/drivers/card/config.js';
import { startCardSimulator } from '../src/drivers/card/sim.js';
import { TcpTransport } from '../src/transports/tcp.js';
import { ZvtTerminal } from '../src/drivers/card/zvt/terminal.js';

interface Row {
  case: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

function summarise(name: string, samples: number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return { case: name, n: samples.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length) };
}

const quiet = createLogger({ level: 'fatal', journald: false, write: () => undefined });

async function direct(n: number, dir: string): Promise<number[]> {
  const config = cardConfigSchema.parse({});
  const sim = await startCardSimulator(config, { log: quiet, clock: systemClock, workDir: join(dir, 'w'), stateDir: join(dir, 's') });
  const t = sim.driverConfig.transport;
  if (t?.type !== 'tcp') throw new Error('expected a TCP simulator');
  const terminal = new ZvtTerminal(
    { stream: new TcpTransport(t), log: quiet, clock: systemClock, timeouts: { ackMs: 5000, idleMs: 10_000 } },
    { mode: 'tcp', password: '000000', currency: 784, charset: 'cp437' },
  );
  const signal = new AbortController().signal;
  await terminal.open(signal);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const out = await terminal.sale({ amount: 100 + i, currency: 784 }, { onProgress: () => undefined }, signal);
      samples.push(performance.now() - t0);
      if (out.kind !== 'approved') throw new Error(`sale ${i} was ${out.kind}`);
    }
  } finally {
    await terminal.close();
    await sim.stop();
  }
  return samples;
}

async function throughDaemon(n: number, brokerUrl: string, dir: string): Promise<number[]> {
  const kioskId = `benchcard${process.pid}`;
  const config = validateConfig({ kioskId, stateDir: dir, simulation: true, mqtt: { url: brokerUrl }, logging: { level: 'warn' }, devices: { card: {} } }, 'bench');
  const daemon = new Daemon({ config, log: quiet, clock: systemClock, version: 'bench', hostname: 'bench', simDir: join(dir, 'sim') });
  await daemon.start();
  const base = daemon.topics.base;
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 5 });
  // Nagle plus delayed ACKs would add ~40 ms per exchange to what we measure
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const waiting = new Map<string, () => void>();
  client.on('message', (_topic, raw) => {
    const p = JSON.parse(raw.toString()) as { transaction?: string; status?: string; data?: { result?: string } };
    if (p.transaction && p.status === 'ok' && p.data?.result === 'approved') waiting.get(p.transaction)?.();
  });
  await client.subscribeAsync(`${base}/device/card/response/sale`, { qos: 1 });
  const ready = Date.now() + 15_000;
  while (daemon.runtimes.find((r) => r.name === 'card')?.state.status !== 'ready') {
    if (Date.now() > ready) throw new Error('card never became ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const transaction = `b${i}`;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sale ${i} not approved in time`)), 15_000);
        waiting.set(transaction, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const t0 = performance.now();
      await client.publishAsync(`${base}/device/card/request/sale`, JSON.stringify({ amount: 100 + i, reference: `bench-${i}`, idempotencyKey: `bench-${process.pid}-${i}`, transaction }), { qos: 1 });
      await done;
      samples.push(performance.now() - t0);
    }
  } finally {
    await client.endAsync();
    await daemon.stop();
  }
  return samples;
}

export async function benchCard(opts: { quick: boolean; brokerUrl: string }): Promise<{ title: string; rows: Row[]; notes?: string[] }> {
  const n = opts.quick ? 20 : 200;
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-bench-card-'));
  try {
    const d = await direct(n, join(dir, 'direct'));
    const k = await throughDaemon(n, opts.brokerUrl, join(dir, 'daemon'));
    return {
      title: 'Card sale round trip (ZVT simulator over TCP, approve at once)',
      rows: [summarise('ZVT plugin -> simulator (direct)', d), summarise('MQTT -> daemon (2 journal fsyncs) -> simulator -> MQTT', k)],
      notes: [
        'The simulator waits for the ECR acknowledgement of each of its ~10 messages (04 FF x2, 04 0F, 6 print lines, 06 0F), so both rows include ~11 TCP round trips.',
        'The daemon row adds MQTT QoS 1 both ways and two fdatasync journal appends (intent before the terminal, outcome after).',
        'A real terminal spends seconds on card, PIN and host; these figures are what kioskd adds, not what a customer waits.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
