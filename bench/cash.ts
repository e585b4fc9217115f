/**
 * Cash: codec throughput (SSP framing + CRC, eSSP AES packets, ccTalk frames) and the note path through
 * the whole daemon: simulated note inserted -> escrow decision (GET COUNTERS + journal fsync) -> stack
 * -> journal fsync -> MQTT `credit`. The simulator's own mechanism time (3 steps) is subtracted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { systemClock } from '../src/core/clock.js';
import { validateConfig } from '../src/daemon/config/load.js';
import { Daemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/core/logger.js';
import { CcParser, encodeCcFrame } from '../src/drivers/cash/cctalk/codec.js';
import { encodeFrame, SspParser } from '../src/drivers/cash/ssp/codec.js';
import { aesKey, decryptPacket, encryptPacket } from '../src/drivers/cash/ssp/essp.js';

type Row = Record<string, string | number>;
const quiet = createLogger({ level: 'fatal', journald: false, write: () => undefined });
const STEP_MS = 5;

function perSecond(name: string, n: number, fn: (i: number) => void): Row {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = performance.now() - t0;
  return { case: name, n, perSecond: Math.round((n / ms) * 1000), usEach: Math.round((ms / n) * 1000 * 100) / 100 };
}

function codecs(n: number): Row[] {
  const poll = { seq: true, address: 0, data: Uint8Array.of(0xf0, 0xef, 0x03, 0xcc, 0xee, 0x03, 0x7f) };
  const ssp = new SspParser();
  const key = aesKey(0x0123456701234567n, 0x1122334455667788n);
  const random = (k: number): Uint8Array => randomBytes(k);
  const cc = new CcParser((d, s) => d === 1 && s === 2);
  const credit = encodeCcFrame({ dest: 1, src: 2, header: 0, data: new Uint8Array(11) });
  return [
    perSecond('SSP poll reply: encode + parse (CRC, 7F stuffing)', n, () => {
      if (ssp.push(encodeFrame(poll)).length !== 1) throw new Error('SSP frame lost');
    }),
    perSecond('eSSP packet: AES-128 encrypt + decrypt', n, (i) => {
      if (!decryptPacket(key, encryptPacket(key, i, poll.data, random)).ok) throw new Error('eSSP packet refused');
    }),
    perSecond('ccTalk buffered-credit reply: parse', n, () => {
      if (cc.push(credit).length !== 1) throw new Error('ccTalk frame lost');
    }),
  ];
}

async function notePath(n: number, brokerUrl: string, dir: string): Promise<number[]> {
  const config = validateConfig({
    kioskId: `benchcash${process.pid}`, stateDir: dir, simulation: true, mqtt: { url: brokerUrl }, logging: { level: 'warn' },
    devices: { cash: { validator: { pollIntervalMs: 20 }, simulator: { stepMs: STEP_MS, coins: [] } } },
  }, 'bench');
  const daemon = new Daemon({ config, log: quiet, clock: systemClock, version: 'bench', hostname: 'bench', simDir: join(dir, 'sim') });
  await daemon.start();
  const base = daemon.topics.base;
  const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 5 });
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  let onCredit: (() => void) | undefined;
  let accepting = false;
  client.on('message', (topic, raw) => {
    if (topic.endsWith('/event/credit')) onCredit?.();
    if (topic.endsWith('/state')) accepting = (JSON.parse(raw.toString()) as { detail?: { accepting?: boolean } }).detail?.accepting === true;
  });
  await client.subscribeAsync([`${base}/device/cash/event/credit`, `${base}/device/cash/state`], { qos: 1 });
  const samples: number[] = [];
  try {
    await client.publishAsync(`${base}/device/cash/request/accept`, JSON.stringify({ amountDue: 10_000_000, currency: 'EUR', timeoutMs: 3_600_000 }), { qos: 1 });
    for (let wait = 0; !accepting; wait++) {
      if (wait > 750) throw new Error('cash never accepted');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < n; i++) {
      const credited = new Promise<void>((resolve) => (onCredit = resolve));
      const t0 = performance.now();
      await client.publishAsync(`${base}/sim/cash/request/insert-note`, JSON.stringify({ value: 500 }), { qos: 1 });
      await credited;
      samples.push(performance.now() - t0 - 3 * STEP_MS);
      await new Promise((r) => setTimeout(r, 3 * STEP_MS)); // let the mechanism report `stacked`
    }
  } finally {
    await client.endAsync();
    await daemon.stop();
  }
  return samples;
}

function summarise(name: string, samples: number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { case: name, n: samples.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) };
}

export async function benchCash(opts: { quick: boolean; brokerUrl: string }): Promise<{ title: string; rows: Row[]; notes: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-bench-cash-'));
  try {
    const rows = codecs(opts.quick ? 2_000 : 50_000);
    rows.push(summarise('note inserted -> MQTT credit (poll 20 ms, 2 fsyncs, sim mechanism time subtracted)', await notePath(opts.quick ? 10 : 100, opts.brokerUrl, dir)));
    return {
      title: 'Cash: codecs and the note path (SSP simulator over a PTY)',
      rows,
      notes: [
        'The note path includes up to three poll intervals of waiting (escrow seen, accept poll, credit seen): most of it is the poll period, not kioskd work.',
        'Each note costs two fdatasync journal appends (note.accepting before the accepting poll, note.credited before the event) and one GET COUNTERS round trip.',
        'A real NV9/NV200 spends 1-3 s moving a note; these figures are what kioskd adds.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
