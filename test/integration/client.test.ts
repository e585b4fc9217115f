/**
 * `kioskd/client` in Node against a real Mosquitto over TCP and the real daemon (GPIO simulated), as
 * an MQTT 5 client and as an MQTT 3.1.1 client; then the broker crashes and comes back, and the client's
 * subscriptions work again without the application doing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, KioskRequestError, type KioskClient } from '../../src/client/index.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { gpioConfig } from '../helpers/configs.js';

/** Resolve with the first value of `live` that satisfies `ok`. */
function until<T>(live: { subscribe(fn: (v: T) => void): () => void }, ok: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const off = live.subscribe((v) => {
      if (done || !ok(v)) return;
      done = true;
      // subscribe() may call back before it has returned `off`: unsubscribe once it has.
      queueMicrotask(() => off());
      resolve(v);
    });
  });
}

describe.skipIf(!hasMosquitto)('kioskd/client against Mosquitto and the daemon', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  const clients: KioskClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, config: gpioConfig, kioskId: 'client-test' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await kiosk?.stop();
    await broker?.stop();
  });

  for (const protocolVersion of [5, 4] as const) {
    describe(`MQTT ${protocolVersion === 5 ? '5' : '3.1.1'}`, () => {
      let client: KioskClient;
      beforeAll(async () => {
        client = await connect({ url: broker.url, kioskId: 'client-test', protocolVersion });
        clients.push(client);
      });

      it('sees the daemon online with its devices, and the live GPIO state', async () => {
        const bridge = await until(client.bridge, (b) => b.online && b.info !== undefined);
        expect(bridge.info?.devices.gpio?.enabled).toBe(true);
        expect(client.fitted('gpio')).toBe(true);
        expect(client.fitted('printer')).toBe(false);
        const state = await until(client.state('gpio'), (s) => s?.status === 'ready');
        expect(state?.detail.backend).toBe('sim');
      });

      it('sets a light, gets the typed result, and sees the state change', async () => {
        const value = protocolVersion === 5;
        const result = await client.request('gpio', 'set', { line: 'light_printer', value });
        expect(result).toEqual({ line: 'light_printer', value });
        await until(client.state('gpio'), (s) => s?.detail.outputs.light_printer === value);
      });

      it('matches concurrent answers to their requests', async () => {
        const [a, b, c] = await Promise.all([
          client.request('gpio', 'pulse', { line: 'light_printer', ms: 60 }),
          client.request('gpio', 'read', {}),
          client.bridgeRequest('info', {}),
        ]);
        expect(a).toEqual({ line: 'light_printer', value: false });
        expect(Object.keys(b.outputs).sort()).toEqual(['light_printer', 'relay']);
        expect(c.kioskId).toBe('client-test');
      });

      it("rejects with the daemon's code, and with INVALID_PARAMS before sending", async () => {
        const err = await client.request('gpio', 'set', { line: 'no_such_line', value: true }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KioskRequestError);
        expect(err).toMatchObject({ code: 'GPIO_LINE_UNKNOWN' });
        const bad = await client.request('gpio', 'pulse', { line: 'light_printer', ms: 0 }).catch((e: unknown) => e);
        expect(bad).toMatchObject({ code: 'INVALID_PARAMS' });
      });

      it('delivers events and drives the simulator', async () => {
        const seen = new Promise<boolean>((resolve) => {
          void client.on('gpio', 'change', (e) => {
            if (e.line === 'presence') resolve(e.value);
          });
        });
        await client.sim('gpio', 'input', { line: 'presence', value: protocolVersion === 5 });
        expect(await seen).toBe(protocolVersion === 5);
      });
    });
  }

  it('resubscribes by itself after the broker crashes and returns', async () => {
    const client = await connect({ url: broker.url, kioskId: 'client-test', reconnectPeriodMs: 100 });
    clients.push(client);
    const doors: boolean[] = [];
    await client.on('gpio', 'change', (e) => {
      if (e.line === 'door') doors.push(e.value);
    });
    await until(client.bridge, (b) => b.online);
    await broker.kill();
    await until(client.connected, (c) => !c);
    await broker.start();
    await until(client.connected, (c) => c);
    // The daemon republishes its birth on reconnect: the client sees it online again.
    await until(client.bridge, (b) => b.online);
    await client.sim('gpio', 'input', { line: 'door', value: true });
    await until({ subscribe: (fn: (n: number) => void) => poll(() => doors.length, fn) }, (n) => n > 0);
    expect(doors).toEqual([true]);
  });
});

/** A tiny live value over a getter, polled every 20 ms (the handler array has no listeners). */
function poll<T>(get: () => T, fn: (v: T) => void): () => void {
  fn(get());
  const timer = setInterval(() => fn(get()), 20);
  return () => clearInterval(timer);
}
