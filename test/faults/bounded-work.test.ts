/**
 * Work a UI can create, bounded: under config/mosquitto/ as shipped, the daemon as its own process with
 * the printer, cash and GPIO simulated. Four of the most expensive previews the budget accepts, at
 * once (plus the 890 KB hostile one, refused), while a cash accept takes two notes: the daemon's RSS
 * stays under 200 MB and the accept ends `paid` with nothing handed back. Then one client floods
 * 3,000 requests while another asks 20 times: the other gets 20 answers.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type KioskClient } from '../../src/client/index.js';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { PASSWORDS, startProductionBroker, type ProductionBroker } from '../helpers/production-broker.js';
import { hostileDocument, worstAcceptedDocument } from '../fixtures/printer/worst-case.js';
import { record } from './report.js';

const RSS_LIMIT_MB = 200;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

describe.skipIf(!hasMosquitto || !hasPty)('bounded work: previews, a cash accept and a request flood', () => {
  let prod: ProductionBroker;
  let daemon: SpawnedDaemon;
  let observer: Probe;
  const kioskId = `bw${process.pid}`;
  const base = `kiosk/${kioskId}`;
  const clients: KioskClient[] = [];
  const ui = async (v: 4 | 5 = 5): Promise<KioskClient> => {
    const c = await connect({ url: prod.broker.url, kioskId, protocolVersion: v, username: 'kiosk-ui', password: PASSWORDS['kiosk-ui'] });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    prod = await startProductionBroker();
    daemon = spawnDaemon({
      brokerUrl: prod.broker.url,
      kioskId,
      config: {
        simulation: true,
        logging: { level: 'info' },
        mqtt: { username: 'kioskd', passwordFile: prod.daemonSecret },
        devices: {
          gpio: { backend: 'sim', outputs: { light: { line: 'GPIO5' } } },
          printer: { paperWidthMm: 80 },
          cash: { simulator: { stepMs: 150 } },
        },
      },
    });
    observer = await Probe.connect(prod.urlAs('kioskd'), base);
    for (const dev of ['gpio', 'printer', 'cash']) await observer.waitFor(`device/${dev}/state`, (p) => p.status === 'ready', 30_000);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await observer?.close();
    daemon?.kill('SIGTERM');
    await daemon?.exited;
    await prod?.broker.stop();
  });

  it(`four worst-case previews at once keep RSS under ${RSS_LIMIT_MB} MB, and a cash accept beside them ends right`, async () => {
    const pid = daemon.proc.pid ?? 0;
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const cashStates: string[] = [];
    const seenStates = observer.messages.length;
    try {
      const payer = await ui();
      const accept = payer.request('cash', 'accept', { amountDue: 3000, currency: 'EUR', timeoutMs: 120_000 });
      await observer.waitFor('device/cash/state', (p: { detail: { accepting: boolean } }) => p.detail.accepting, 10_000);
      const worst = worstAcceptedDocument();
      const previewers = await Promise.all([ui(), ui(), ui(), ui(), ui()]);
      const t0 = performance.now();
      const previews = previewers.slice(0, 4).map((c) => c.request('printer', 'preview', { document: worst }, { timeoutMs: 120_000 }));
      const hostile = previewers[4]?.request('printer', 'preview', { document: hostileDocument() }).then(() => 'ok', (e: { code: string }) => e.code);
      for (const value of [1000, 2000]) {
        const credit = observer.next('device/cash/event/credit', (p: { value: number }) => p.value === value, 30_000);
        expect(await observer.sim('cash', 'insert-note', { value })).toMatchObject({ status: 'ok', data: { taken: true } });
        await credit;
      }
      const out = await accept;
      const results = await Promise.all(previews);
      const seconds = (performance.now() - t0) / 1000;
      expect(await hostile).toBe('DOCUMENT_TOO_LARGE');
      expect(out).toMatchObject({ status: 'paid', total: 3000, amountDue: 3000 });
      expect(results.map((r) => r.height)).toEqual(Array(results.length).fill(results[0]?.height));
      for (const m of observer.messages.slice(seenStates)) if (m.topic.endsWith('device/cash/state')) cashStates.push((m.payload as { status: string }).status);
      expect(cashStates.filter((s) => s === 'offline' || s === 'fault')).toEqual([]);
      expect(observer.messages.slice(seenStates).filter((m) => m.topic.endsWith('device/cash/event/returned'))).toEqual([]);
      clearInterval(sampler);
      expect(peak).toBeLessThan(RSS_LIMIT_MB);
      record({
        id: 'load.previews-beside-cash',
        section: 'load',
        what: `4 concurrent worst-case previews (${results[0]?.height ?? 0} dot rows each: a 0.5-MP image and Arabic text, all raster) and the 890 KB hostile one, during a cash accept; daemon as its own process`,
        inFlight: 'a 30.00 EUR accept taking a 10 and a 20 note while the previews render',
        behaviour: 'hostile preview refused before rendering (DOCUMENT_TOO_LARGE); previews rendered one at a time in 10 ms slices; accept paid, cash never offline, no note handed back',
        figure: `peak RSS ${peak.toFixed(0)} MB (limit ${RSS_LIMIT_MB}; ${before.toFixed(0)} MB before); 4 previews in ${seconds.toFixed(1)} s (before: 4 such previews OOM-killed the daemon in 1 GiB)`,
        lostOrDuplicated: '0 notes lost or returned; accept total 3000 = journaled',
        test: 'test/faults/bounded-work.test.ts',
      });
    } finally {
      clearInterval(sampler);
    }
  }, 180_000);

  it('a 3,000-request flood from one client costs another client no answer', async () => {
    const flooder = await mqtt.connectAsync(prod.urlAs('kiosk-ui'), { protocolVersion: 4, reconnectPeriod: 0, clientId: `flood-${process.pid}` });
    const codes = new Map<string, number>();
    let floodAnswers = 0;
    flooder.on('message', (_t, raw) => {
      floodAnswers++;
      const r = JSON.parse(raw.toString()) as { status: string; error?: { code: string } };
      const k = r.status === 'ok' ? 'ok' : (r.error?.code ?? '?');
      codes.set(k, (codes.get(k) ?? 0) + 1);
    });
    await flooder.subscribeAsync(`${base}/device/gpio/response/read`, { qos: 1 });
    // What the daemon answered, counted by a subscriber in its own process that reads nothing else (this
    // process is busy sending the flood, and the flooder does not read all of its own answers).
    const counter = spawn('mosquitto_sub', ['-p', String(prod.broker.port), '-u', 'kioskd', '-P', PASSWORDS.kioskd, '-q', '1', '-t', `${base}/device/gpio/response/read`]);
    let counted = '';
    counter.stdout.on('data', (d: Buffer) => (counted += d.toString()));
    await new Promise((r) => setTimeout(r, 300));
    const floodAnswered = (): number => (counted.match(/"transaction":"f\d+"/g) ?? []).length;
    const other = await ui(5);
    const t0 = performance.now();
    const flood = Promise.all(
      Array.from({ length: 3000 }, (_, i) => flooder.publishAsync(`${base}/device/gpio/request/read`, JSON.stringify({ transaction: `f${i}` }), { qos: 1 })),
    );
    let slowest = 0;
    const mine = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 15)).then(() => {
          const t = performance.now();
          return other.request('gpio', 'read', {}, { timeoutMs: 20_000 }).then(
            () => ((slowest = Math.max(slowest, performance.now() - t)), 'ok'),
            (e: { code: string; details?: { limit?: string } }) => `${e.code}${e.details?.limit ? `:${e.details.limit}` : ''}`,
          );
        }),
      ),
    );
    await flood;
    const floodSent = performance.now() - t0;
    for (let i = 0; i < 100 && (floodAnswers < 3000 || floodAnswered() < 3000); i++) await new Promise((r) => setTimeout(r, 50));
    const daemonAnswered = floodAnswered();
    counter.kill();
    await flooder.endAsync(true);
    expect(mine.join(' ')).toBe(Array(20).fill('ok').join(' '));
    expect(daemonAnswered).toBeGreaterThan(2900);
    const summary = [...codes.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
    record({
      id: 'load.flood-one-client',
      section: 'load',
      what: 'one UI client publishes 3,000 requests (QoS 1) as fast as it can while another asks 20 times; config/mosquitto/ as shipped',
      inFlight: `flood sent in ${(floodSent / 1000).toFixed(1)} s; the other client's 20 requests spread over 0.3 s`,
      behaviour: 'per-client rate and in-flight limits: the flood is answered RATE_LIMITED at once, so the daemon keeps up with the broker',
      figure: `other client: ${mine.filter((m) => m === 'ok').length}/20 answered ok, slowest ${Math.round(slowest)} ms; the daemon answered ${daemonAnswered}/3000 flood requests (counted by a separate subscriber); the flooder read ${floodAnswers} of its answers (${summary}) (before: another client lost 4 of 20)`,
      lostOrDuplicated: '0 of the other client\'s requests lost',
      test: 'test/faults/bounded-work.test.ts',
    });

  }, 120_000);
});
