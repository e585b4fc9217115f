/**
 * The production broker config (config/mosquitto/) run for real, ports and paths substituted: the UI
 * user can ask (requests work, over TCP and WebSocket) but cannot publish anything that looks like it
 * came from a device or the daemon — a subscriber with the daemon's credentials never sees it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { gpioConfig } from '../helpers/configs.js';
import { hasMosquitto } from '../helpers/env.js';
import { mosquittoPath, type Broker } from '../helpers/mosquitto.js';
import { PASSWORDS, startProductionBroker, type ProductionBroker } from '../helpers/production-broker.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from '../faults/report.js';

const UI_PASS = PASSWORDS['kiosk-ui'];
const DAEMON_PASS = PASSWORDS.kioskd;

function withAuth(url: string, user: string, pass: string): string {
  return url.replace('://', `://${user}:${pass}@`);
}

describe.skipIf(!hasMosquitto)('production broker config: users, ACL, loopback', () => {
  let prod: ProductionBroker;
  let broker: Broker;
  let daemon: SpawnedDaemon;
  let observer: Probe; // daemon credentials, sees everything under the root
  let ui: Probe;
  const kioskId = `acl${process.pid}`;
  const base = `kiosk/${kioskId}`;

  beforeAll(async () => {
    prod = await startProductionBroker();
    broker = prod.broker;
    daemon = spawnDaemon({
      brokerUrl: broker.url,
      kioskId,
      config: { ...gpioConfig, mqtt: { username: 'kioskd', passwordFile: prod.daemonSecret } },
    });
    observer = await Probe.connect(withAuth(broker.url, 'kioskd', DAEMON_PASS), base);
    await observer.waitFor('device/gpio/state', (p) => p.status === 'ready', 20_000);
    ui = await Probe.connect(withAuth(broker.url, 'kiosk-ui', UI_PASS), base, {
      subscribe: [`${base}/device/+/state`, `${base}/device/+/event/+`, `${base}/device/+/response/+`, `${base}/bridge/response/+`, `${base}/bridge/state`],
    });
  }, 40_000);

  afterAll(async () => {
    await ui?.close();
    await observer?.close();
    daemon?.kill('SIGTERM');
    await daemon?.exited;
    await broker?.stop();
  });

  it('the UI user asks and gets answers (device request, read-only bridge op)', async () => {
    expect(await ui.request('gpio', 'read')).toMatchObject({ status: 'ok' });
    expect(await ui.bridge('info')).toMatchObject({ status: 'ok', data: { kioskId } });
    await ui.waitFor('device/gpio/state', (p) => p.status === 'ready');
  });

  it('the UI user cannot publish a device state, an event, a response, the bridge state or an admin op', async () => {
    const forged = [
      { topic: 'device/gpio/state', payload: { status: 'fault', detail: { forged: true }, since: 'x' }, retain: true },
      { topic: 'device/cash/event/credit', payload: { value: 5000, forged: true }, retain: false },
      { topic: 'device/card/event/progress', payload: { forged: true }, retain: false },
      { topic: 'device/gpio/response/set', payload: { status: 'ok', data: { forged: true } }, retain: false },
      { topic: 'bridge/state', payload: { state: 'offline', forged: true }, retain: true },
      { topic: 'bridge/request/restart-device', payload: { device: 'gpio', forged: true }, retain: false },
      { topic: 'bridge/request/log-level', payload: { level: 'trace', forged: true }, retain: false },
      { topic: 'sim/gpio/request/input', payload: { forged: true }, retain: false },
    ];
    // MQTT 5: Mosquitto answers each with PUBACK reason 0x87 (not authorized) and drops it.
    for (const f of forged) {
      await expect(ui.publishRaw(f.topic, JSON.stringify(f.payload), { retain: f.retain }), f.topic).rejects.toThrow(/Not authorized/);
    }
    // The broker handles one client's messages in order: once the observer has the answer to a later
    // request from the same UI connection, anything forged before it would already have arrived.
    const marker = await ui.request('gpio', 'read');
    expect(marker.status).toBe('ok');
    await observer.waitFor('device/gpio/response/read', (p: { transaction?: string }) => p.transaction === marker.transaction);
    const leaked = observer.messages.filter((m) => m.raw.toString().includes('forged'));
    expect(leaked.map((m) => m.topic)).toEqual([]);
    expect(daemon.logs.some((l) => l.includes('device restart requested') || l.includes('log level changed'))).toBe(false);
    // A fresh subscriber (retained messages) sees the daemon's real state, not the forged one.
    const late = await Probe.connect(withAuth(broker.url, 'kioskd', DAEMON_PASS), base);
    try {
      expect((await late.waitFor('device/gpio/state')).payload).toMatchObject({ status: 'ready' });
      expect((await late.waitFor('bridge/state')).payload).toMatchObject({ state: 'online' });
    } finally {
      await late.close();
    }
    record({
      id: 'security.broker-acl',
      section: 'security',
      what: 'UI user forges device state/event/response, bridge state, admin ops (production ACL)',
      inFlight: `${forged.length} forged publishes from the kiosk-ui user`,
      behaviour: 'Mosquitto drops them (ACL); requests from the same user answered',
      figure: `0 of ${forged.length} forged messages reached a subscriber`,
      lostOrDuplicated: 'n/a',
      test: 'test/security/broker-acl.test.ts',
    });
  });

  it('the WebSocket listener enforces the same users and ACL', async () => {
    const ws = await Probe.connect(withAuth(broker.wsUrl, 'kiosk-ui', UI_PASS), base, { subscribe: [`${base}/device/+/response/+`] });
    try {
      expect(await ws.request('gpio', 'read')).toMatchObject({ status: 'ok' });
      await expect(ws.publishRaw('device/gpio/event/change', JSON.stringify({ forged: 'ws' }))).rejects.toThrow(/Not authorized/);
      const marker = await ws.request('gpio', 'read');
      await observer.waitFor('device/gpio/response/read', (p: { transaction?: string }) => p.transaction === marker.transaction);
      expect(observer.messages.filter((m) => m.raw.toString().includes('forged'))).toEqual([]);
    } finally {
      await ws.close();
    }
  });

  it('anonymous clients and wrong passwords are refused', async () => {
    for (const url of [broker.url, withAuth(broker.url, 'kiosk-ui', 'wrong'), withAuth(broker.url, 'nobody', UI_PASS)]) {
      const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000 });
      const outcome = await new Promise<string>((resolve) => {
        c.once('connect', () => resolve('connected'));
        c.once('error', (err) => resolve(`refused: ${err.message}`));
        c.once('close', () => resolve('closed'));
      });
      c.end(true);
      expect(outcome).not.toBe('connected');
    }
  });

  it('the TCP listener binds loopback only', () => {
    // ss -ltnH: State Recv-Q Send-Q Local Peer; only the local address column matters.
    const local = execFileSync('ss', ['-ltnH', `sport = :${broker.port}`]).toString().trim().split('\n').map((l) => l.trim().split(/\s+/)[3]);
    expect(local).toEqual([`127.0.0.1:${broker.port}`]);
    // The WebSocket listener is configured on 127.0.0.1 too; what it really binds is recorded (2.0.11: all
    // interfaces), which is why config/mosquitto/kioskd-ws-firewall.nft ships.
    const ws = execFileSync('ss', ['-ltnH', `sport = :${broker.wsPort}`]).toString().trim().split('\n').map((l) => l.trim().split(/\s+/)[3]);
    expect(ws.length).toBeGreaterThan(0);
    const version = /version ([\d.]+)/.exec(spawnSync(mosquittoPath ?? 'mosquitto', ['-h'], { encoding: 'utf8' }).stdout)?.[1] ?? '?';
    record({
      id: 'security.listeners',
      section: 'security',
      what: `broker listeners as configured (both on 127.0.0.1), Mosquitto ${version}`,
      inFlight: 'ss -ltn on the running broker',
      behaviour: `TCP binds ${local.join(', ')}; WebSocket binds ${ws.join(', ')}`,
      figure: ws.every((a) => a?.startsWith('127.0.0.1:')) ? 'both loopback only' : 'WebSocket on all interfaces: the shipped nftables rule drops 1883/9001 unless on lo',
      lostOrDuplicated: 'n/a',
      test: 'test/security/broker-acl.test.ts',
    });
  });
});
