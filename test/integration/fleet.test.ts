/**
 * The fleet link end to end: a local Mosquitto for the kiosk, a "remote" Mosquitto with TLS and client
 * certificates for the fleet, the daemon with simulated GPIO and scanner between them.
 */
import { WarpClock } from '../../src/core/test-clocks.js';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAlertsSchema, fleetRecordSchema, type FleetRecord } from '../../src/api/alerts.js';
import { gpioConfig } from '../helpers/configs.js';
import { repoRoot, spawnDaemon, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { makePki, operator, startRemoteBroker, until, type Pki, type Seen } from './fleet-tls.js';

const run = promisify(execFile);

/** Everything personal the scanner simulator sends in this test (see test/integration/scanner.test.ts). */
const SECRETS = ['ERIKSSON', 'ANNA', 'D23145890', 'L898902C3', '740812', '1974-08-12', 'PAY-REF-93817', '<<', '476173', '******0119'];

function kioskConfig(pki: Pki, remote: Broker, kioskId: string): Record<string, unknown> {
  const id = pki.client(kioskId);
  return {
    simulation: true,
    devices: {
      gpio: gpioConfig.devices.gpio,
      scanner: { inputs: { reader: { type: 'serial', path: '/dev/serial/by-id/usb-simulated-reader', baudRate: 115200 } } },
      printer: { statusPollMs: 200 },
      card: { ackTimeoutMs: 1000, idleTimeoutMs: 2500 },
      cash: {
        validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2, encryption: { enabled: true, fixedKey: '1a2b3c4d5e6f7081' } },
        coinAcceptor: { pollIntervalMs: 30 },
        simulator: { stepMs: 80 },
        cashbox: { capacity: 10, nearFullPercent: 50 },
      },
    },
    alerts: { enabled: true, doorInputs: ['door'], clockSyncFile: false },
    fleet: {
      enabled: true,
      url: `mqtts://127.0.0.1:${remote.port}`,
      region: 'test',
      tls: { ca: pki.ca, cert: id.cert, key: id.key },
      healthIntervalSec: 1,
      stateMinIntervalSec: 0,
      remoteOps: ['rebirth', 'log-level', 'ticket', 'self-test'],
    },
  };
}

function records(seen: Seen[], base: string): FleetRecord[] {
  return seen.filter((m) => m.topic === `${base}/event/alert` || m.topic === `${base}/health`).map((m) => fleetRecordSchema.parse(JSON.parse(m.text)));
}

describe.skipIf(!hasMosquitto || !hasPty)('fleet link to a TLS broker with client certificates', () => {
  let pki: Pki;
  let local: Broker;
  let remote: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  let op: Awaited<ReturnType<typeof operator>>;
  const kioskId = `fleet${process.pid}`;
  const fbase = `fleet/test/${kioskId}`;
  const clock = new WarpClock();

  /** Open or close the simulated door and wait until the alert set says so. */
  const door = async (open: boolean): Promise<void> => {
    const last = probe.messages.filter((m) => m.topic === `${kiosk.base}/bridge/alerts`).at(-1);
    if (last && activeAlertsSchema.parse(last.payload).alerts.some((a) => a.code === 'DOOR_OPEN') === open) return; // already so
    const changed = probe.next('bridge/alerts', (p: unknown) => activeAlertsSchema.parse(p).alerts.some((a) => a.code === 'DOOR_OPEN') === open);
    await probe.sim('gpio', 'input', { line: 'door', value: open }); // logical level: true = active = open
    await changed;
  };

  beforeAll(async () => {
    pki = makePki();
    local = await startMosquitto();
    remote = await startRemoteBroker(pki);
    op = await operator(remote, pki, 'fleet/#', `operator-${process.pid}`);
    kiosk = await startTestDaemon({ brokerUrl: local.url, kioskId, clock, config: kioskConfig(pki, remote, kioskId) });
    probe = await Probe.connect(local.url, kiosk.base);
    await probe.waitFor('device/gpio/state', (p: { status: string }) => p.status === 'ready');
    for (const dev of ['scanner', 'printer', 'card', 'cash']) await probe.waitFor(`device/${dev}/state`, (p: { status: string }) => p.status === 'ready', 20_000);
  });
  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await op?.client.endAsync(true);
    await remote?.stop();
    await local?.stop();
  });

  it('publishes online, info, device states and the alert set under fleet/{region}/{kioskId}', async () => {
    await until(() => op.seen.some((m) => m.topic === `${fbase}/state` && JSON.parse(m.text).state === 'online'), 'online on the remote broker');
    await until(() => op.seen.some((m) => m.topic === `${fbase}/device/gpio/state`), 'gpio state on the remote broker');
    await until(() => op.seen.some((m) => m.topic === `${fbase}/info`), 'info');
    await probe.waitFor('bridge/fleet', (p: { connected: boolean; base: string }) => p.connected && p.base === fbase); // for kioskd status
    await door(true);
    await until(() => op.seen.some((m) => m.topic === `${fbase}/alerts` && m.text.includes('DOOR_OPEN')), 'the active alert set');
    await door(false);
    const info = JSON.parse(op.seen.find((m) => m.topic === `${fbase}/info`)!.text);
    expect(info).toMatchObject({ kioskId, region: 'test', devices: { gpio: { kind: 'gpio' } } });
  });

  let asked = 0;
  const ask = async (opName: string, payload: object): Promise<{ status: string; data?: unknown; error?: { code: string } }> => {
      const responseTopic = `operator/${process.pid}/${opName}/${++asked}`;
      await op.client.subscribeAsync(responseTopic, { qos: 1 });
      await op.client.publishAsync(`${fbase}/request/${opName}`, JSON.stringify(payload), { qos: 1, properties: { responseTopic, userProperties: { requester: 'alice' } } });
      await until(() => op.seen.some((m) => m.topic === responseTopic), `a response to ${opName}`);
      return JSON.parse(op.seen.find((m) => m.topic === responseTopic)!.text);
  };

  it('runs allowed remote operations, refuses the others, and logs who asked', async () => {
    expect(await ask('log-level', { level: 'debug' })).toMatchObject({ status: 'ok', data: { level: 'debug' } });
    expect(await ask('restart-device', { device: 'gpio' })).toMatchObject({ status: 'error', error: { code: 'REMOTE_OP_FORBIDDEN' } });
    const selfTest = await ask('self-test', {});
    expect(selfTest).toMatchObject({ status: 'ok', data: { pass: true, devices: { gpio: { status: 'ready', pass: true }, printer: { pass: true } } } });
    // Every device, the card terminal and the scanner included (a scrubber once dropped keys containing "card" or "scan").
    expect(Object.keys((selfTest.data as { devices: object }).devices).sort()).toEqual(['card', 'cash', 'gpio', 'printer', 'scanner']);
    expect(kiosk.logs.some((l) => l.includes('remote operation requested') && l.includes('fleet:alice') && l.includes('log-level'))).toBe(true);
    expect(kiosk.logs.some((l) => l.includes('remote operation refused') && l.includes('fleet:alice'))).toBe(true);
  });

  it('queues alerts and health on disk while the remote broker is down and delivers them in order, with no gap', async () => {
    await until(() => records(op.seen, fbase).length > 0, 'a first record');
    await remote.stop();
    for (let i = 0; i < 3; i++) {
      await door(true);
      await door(false);
      await probe.bridge('health'); // a health snapshot for the fleet (healthIntervalSec: 1 paces them)
      await clock.advance(1000); // past the health pacing, without sleeping through it
    }
    await probe.bridge('health');
    // What `kioskd status` shows on site meanwhile: the link down, records waiting.
    await probe.waitFor('bridge/fleet', (p: { connected: boolean; queued: number }) => !p.connected && p.queued >= 6);
    const queued = readFileSync(join(kiosk.stateDir, 'fleet', 'queue.jsonl'), 'utf8').trim().split('\n').map((l) => fleetRecordSchema.parse(JSON.parse(l)));
    expect(queued.filter((r) => r.kind === 'alert')).toHaveLength(6);
    expect(queued.filter((r) => r.kind === 'health').length).toBeGreaterThanOrEqual(3);
    const last = queued.at(-1)!.seq;

    await remote.start();
    await until(() => records(op.seen, fbase).some((r) => r.seq === last), `record ${last} on the remote broker`);
    const got = records(op.seen, fbase);
    // At-least-once: a record may repeat after a reconnect, but first arrivals are in order with no gap.
    const firsts: number[] = [];
    for (const r of got) if (!firsts.includes(r.seq)) firsts.push(r.seq);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    const top = Math.max(...firsts); // records queued after we read the file may follow
    expect(top).toBeGreaterThanOrEqual(last);
    expect(firsts).toEqual(Array.from({ length: top - firsts[0]! + 1 }, (_, i) => firsts[0]! + i));
    expect(got.every((r) => r.bootId === kiosk.daemon.bootId)).toBe(true);
    for (const q of queued) expect(got.find((r) => r.seq === q.seq)).toMatchObject({ kind: q.kind, at: q.at });
  });

  it('printer and cash conditions reach the fleet as alerts; the fleet can print a status ticket', async () => {
    await probe.sim('printer', 'paper', { state: 'near_end' });
    await probe.sim('cash', 'fill-cashbox', {});
    const active = (): string => op.seen.filter((m) => m.topic === `${fbase}/alerts`).at(-1)?.text ?? '';
    await until(() => active().includes('PAPER_NEAR_END:printer') && active().includes('CASHBOX_FULL:cash'), 'printer and cashbox alerts on the remote broker');
    const ticket = await ask('ticket', {});
    expect(ticket).toMatchObject({ status: 'ok', data: { duplicate: false } });
    expect(kiosk.logs.some((l) => l.includes('remote operation done') && l.includes('ticket') && l.includes('fleet:alice'))).toBe(true);
    await probe.sim('printer', 'paper', { state: 'ok' });
    await until(() => !active().includes('PAPER_NEAR_END'), 'paper alert cleared on the remote broker');
  });

  it('never forwards personal or card data, whatever the scanner, card terminal and cash publish locally', async () => {
    const sale = await probe.request('card', 'sale', { amount: 2500, currency: 'AED', reference: 'fleet-test', idempotencyKey: `fleet-${process.pid}` }, { timeoutMs: 20_000 });
    expect(JSON.stringify(sale)).toContain('476173******0119');
    await probe.request('scanner', 'enable', {});
    const doc = probe.next('device/scanner/event/document');
    await probe.sim('scanner', 'document', { format: 'TD1', expiresInDays: 400 });
    await doc;
    const code = probe.next('device/scanner/event/barcode');
    await probe.sim('scanner', 'barcode', { data: 'https://pay.example.ae/?ref=PAY-REF-93817', aim: ']Q1' });
    await code;
    // The local bus did carry the data (so this test can fail)...
    expect(probe.messages.some((m) => m.raw.toString().includes('ERIKSSON'))).toBe(true);
    // ...and anything forwarded after it (an alert raised later) has arrived before we look.
    await door(true);
    await until(() => op.seen.filter((m) => m.topic === `${fbase}/alerts`).some((m) => m.text.includes('DOOR_OPEN')), 'a later alert');
    await door(false);
    // The operator's tool, after all that: a self-test lists every device and carries none of it.
    const id = pki.client('cli-operator');
    const cli = join(repoRoot, 'dist', 'src', 'cli.js');
    const tls = ['--url', `mqtts://127.0.0.1:${remote.port}`, '--ca', pki.ca, '--cert', id.cert, '--key', id.key];
    const { stdout } = await run(process.execPath, [cli, 'fleet', 'op', kioskId, 'self-test', ...tls, '--as', 'bob']);
    const answer = JSON.parse(stdout) as { status: string; data: { devices: Record<string, { status: string; pass: boolean }> } };
    expect(answer.status).toBe('ok');
    expect(Object.keys(answer.data.devices).sort()).toEqual(['card', 'cash', 'gpio', 'printer', 'scanner']);
    for (const [name, d] of Object.entries(answer.data.devices)) expect(['ready', 'busy', 'fault', 'offline', 'disabled', 'starting'], name).toContain(d.status);
    expect(kiosk.logs.some((l) => l.includes('remote operation done') && l.includes('self-test') && l.includes('fleet:bob'))).toBe(true);
    const forbidden = await run(process.execPath, [cli, 'fleet', 'op', kioskId, 'restart-device', ...tls, '--input', '{"device":"card"}']).catch((e: { code: number; stdout: string }) => e);
    expect(forbidden).toMatchObject({ code: 1, stdout: expect.stringContaining('REMOTE_OP_FORBIDDEN') });
    const unknown = await run(process.execPath, [cli, 'fleet', 'op', kioskId, 'format-disk', ...tls]).catch((e: { code: number; stderr: string }) => e);
    expect(unknown).toMatchObject({ code: 64, stderr: expect.stringContaining('remote operations are rebirth, self-test') });
    const everything = [...op.seen.map((m) => `${m.topic} ${m.text}`), stdout].join('\n');
    for (const secret of SECRETS) expect(everything, secret).not.toContain(secret);
    expect(op.seen.some((m) => m.topic.includes('/device/card/'))).toBe(true); // the card terminal's state did go out
    expect(op.seen.some((m) => m.topic.includes('/event/') && !m.topic.endsWith('/event/alert'))).toBe(false);
  });

  it('kioskd fleet lists the kiosk with its link state and active alerts (--json --once)', async () => {
    await door(true);
    await until(() => op.seen.some((m) => m.topic === `${fbase}/alerts` && m.text.includes('DOOR_OPEN')), 'the alert on the remote broker');
    const id = pki.client('watcher');
    const cli = join(repoRoot, 'dist', 'src', 'cli.js');
    const { stdout } = await run(process.execPath, [cli, 'fleet', '--url', `mqtts://127.0.0.1:${remote.port}`, '--ca', pki.ca, '--cert', id.cert, '--key', id.key, '--json', '--once', '1500']);
    const snap = JSON.parse(stdout) as { online: number; kiosks: Array<{ kioskId: string; region: string; state: string; devices: Record<string, string>; alerts: Array<{ id: string }>; gaps: number }> };
    const row = snap.kiosks.find((k) => k.kioskId === kioskId);
    expect(row).toMatchObject({ region: 'test', state: 'online', devices: { gpio: 'ready', scanner: 'ready', printer: 'ready' }, alerts: expect.arrayContaining([expect.objectContaining({ id: 'DOOR_OPEN:door' })]) });
    expect(row?.gaps).toBe(0);
    await door(false);
  });

  it('records queued before a daemon restart are delivered after it, under the old boot id, numbering on', async () => {
    await door(false);
    const oldBoot = kiosk.daemon.bootId;
    let queued: FleetRecord[] = [];
    await remote.stop();
    try {
      await door(true);
      await door(false);
      queued = readFileSync(join(kiosk.stateDir, 'fleet', 'queue.jsonl'), 'utf8').trim().split('\n').map((l) => fleetRecordSchema.parse(JSON.parse(l)));
      expect(queued.filter((r) => r.kind === 'alert').length).toBeGreaterThanOrEqual(2);
      await probe.close();
      await kiosk.stop();
      kiosk = await startTestDaemon({ brokerUrl: local.url, kioskId, stateDir: kiosk.stateDir, config: kioskConfig(pki, remote, kioskId) });
      probe = await Probe.connect(local.url, kiosk.base);
      await probe.waitFor('device/gpio/state', (p: { status: string }) => p.status === 'ready');
      await door(true); // a record of the new boot, after the old ones
    } finally {
      await remote.start();
    }
    const newBoot = kiosk.daemon.bootId;
    await until(() => records(op.seen, fbase).some((r) => r.bootId === newBoot && r.kind === 'alert'), 'a record of the new boot');
    const got = records(op.seen, fbase);
    for (const q of queued) expect(got.find((r) => r.seq === q.seq), `seq ${q.seq}`).toMatchObject({ bootId: oldBoot, kind: q.kind });
    const firstNew = got.find((r) => r.bootId === newBoot)!;
    expect(firstNew.seq).toBeGreaterThan(queued.at(-1)!.seq);
    const firsts: number[] = [];
    for (const r of got) if (!firsts.includes(r.seq)) firsts.push(r.seq);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    await until(() => op.seen.some((m) => m.topic === `${fbase}/state` && JSON.parse(m.text).bootId === newBoot && JSON.parse(m.text).state === 'online'), 'online with the new boot id');
    await door(false);
  });

  it('a daemon killed with -9 shows offline on the remote side through the fleet link\'s will', { timeout: 60_000 }, async () => {
    const id = `fleetkill${process.pid}`;
    const d = spawnDaemon({ brokerUrl: local.url, kioskId: id, config: kioskConfig(pki, remote, id) });
    const topic = `fleet/test/${id}/state`;
    try {
      await until(() => op.seen.some((m) => m.topic === topic && JSON.parse(m.text).state === 'online'), 'the spawned kiosk online', 400).catch((err: Error) => {
        throw new Error(`${err.message}\n${d.logs.slice(-10).join('\n')}`);
      });
      d.kill('SIGKILL');
      await d.exited;
      await until(() => op.seen.some((m) => m.topic === topic && JSON.parse(m.text).state === 'offline'), 'offline from the will', 600);
      expect(JSON.parse(op.seen.filter((m) => m.topic === topic).at(-1)!.text)).toMatchObject({ state: 'offline', reason: 'connection-lost', kioskId: id });
    } finally {
      d.kill('SIGKILL');
    }
  });
});
