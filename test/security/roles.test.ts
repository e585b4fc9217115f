/**
 * Roles under config/mosquitto/ exactly as shipped, with the project's own client library as the UI
 * would use it, in MQTT 5 (its default) and MQTT 3.1.1: the UI user gets every answer, cannot run a
 * technician command (the daemon refuses it on the UI's namespace, the broker refuses the technician's
 * namespace), cannot refund beyond policy, and cannot read a technician's or another client's answers.
 * The kiosk-technician user, with the client in the technician role, can.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type KioskClient } from '../../src/client/index.js';
import { spawnDaemon, type SpawnedDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { PASSWORDS, startProductionBroker, type ProductionBroker } from '../helpers/production-broker.js';
import { record } from '../faults/report.js';

const UI_REFUND_LIMIT = 5000;

describe.skipIf(!hasMosquitto || !hasPty)('roles under the shipped broker ACL, with the client library (MQTT 5 and 3.1.1)', () => {
  let prod: ProductionBroker;
  let daemon: SpawnedDaemon;
  let observer: Probe;
  const kioskId = `roles${process.pid}`;
  const base = `kiosk/${kioskId}`;
  const clients: KioskClient[] = [];

  const ui = async (protocolVersion: 4 | 5, clientId?: string): Promise<KioskClient> => {
    const c = await connect({ url: prod.broker.url, kioskId, protocolVersion, username: 'kiosk-ui', password: PASSWORDS['kiosk-ui'], ...(clientId ? { clientId } : {}) });
    clients.push(c);
    return c;
  };
  const technician = async (protocolVersion: 4 | 5): Promise<KioskClient> => {
    const c = await connect({ url: prod.broker.url, kioskId, protocolVersion, role: 'technician', username: 'kiosk-technician', password: PASSWORDS['kiosk-technician'] });
    clients.push(c);
    return c;
  };
  const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string; message?: string }) => e.code ?? e.message ?? 'unknown');
  const journal = (): Array<{ stream: string; type: string; key: string }> =>
    readFileSync(join(daemon.stateDir, 'journal', 'money.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { stream: string; type: string; key: string });

  beforeAll(async () => {
    prod = await startProductionBroker();
    daemon = spawnDaemon({
      brokerUrl: prod.broker.url,
      kioskId,
      config: {
        simulation: true,
        mqtt: { username: 'kioskd', passwordFile: prod.daemonSecret },
        devices: {
          gpio: { backend: 'sim', outputs: { light: { line: 'GPIO5' } } },
          card: { ackTimeoutMs: 2000, idleTimeoutMs: 4000, refunds: { uiLimit: UI_REFUND_LIMIT } },
          cash: { validator: { pollIntervalMs: 30 }, simulator: { stepMs: 60 } },
        },
      },
    });
    observer = await Probe.connect(prod.urlAs('kioskd'), base);
    for (const dev of ['gpio', 'card', 'cash']) await observer.waitFor(`device/${dev}/state`, (p) => p.status === 'ready', 30_000);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await observer?.close();
    daemon?.kill('SIGTERM');
    await daemon?.exited;
    await prod?.broker.stop();
  });

  for (const v of [5, 4] as const) {
    it(`MQTT ${v === 5 ? '5' : '3.1.1'}: the UI user gets every answer, errors included`, async () => {
      const c = await ui(v);
      expect(await c.request('gpio', 'read', {})).toMatchObject({ outputs: { light: expect.any(Boolean) } });
      expect(await c.request('gpio', 'set', { line: 'light', value: v === 5 })).toMatchObject({ value: v === 5 });
      expect(await codeOf(c.request('gpio', 'set', { line: 'no_such_line', value: true }))).toBe('GPIO_LINE_UNKNOWN');
      expect(await c.bridgeRequest('info', {})).toMatchObject({ kioskId });
      expect(await c.request('cash', 'status', {})).toMatchObject({ faults: [] });
      const sale = await c.request('card', 'sale', { amount: 1000, reference: `fee-v${v}`, idempotencyKey: `acl-sale-v${v}` });
      expect(sale).toMatchObject({ result: 'approved', amount: 1000 });
      expect(await c.request('card', 'sale', { amount: 1000, reference: `fee-v${v}`, idempotencyKey: `acl-sale-v${v}` })).toMatchObject({ replayed: true });
      record({
        id: `security.acl-client-v${v}`,
        section: 'security',
        what: `the project's client library as the UI user under config/mosquitto/ as shipped, MQTT ${v === 5 ? '5 (response topic + correlation data)' : '3.1.1'}`,
        inFlight: 'gpio read/set, a refused set, bridge info, cash status, a card sale and its replay',
        behaviour: v === 5 ? 'answers on kiosk/{id}/client/{clientId}/response, which the ACL lets only that client id read' : 'answers on the conventional response topics, matched by the client-scoped transaction',
        figure: '7 of 7 answered (before: every MQTT 5 request timed out, including an approved sale)',
        lostOrDuplicated: '0 lost',
        test: 'test/security/roles.test.ts',
      });
    });
  }

  it('the UI cannot run a technician command: the daemon refuses it on the UI namespace, the broker refuses the technician namespace', async () => {
    const c = await ui(5);
    const refused = {
      'cash cashbox-emptied': await codeOf(c.request('cash', 'cashbox-emptied', { technician: 'mallory' })),
      'cash clear-fault': await codeOf(c.request('cash', 'clear-fault', { technician: 'mallory' })),
      'cash settle': await codeOf(c.request('cash', 'settle', { sessionId: 'x', resolution: 'other', by: 'mallory' })),
      'card end-of-day': await codeOf(c.request('card', 'end-of-day', {})),
    };
    expect(refused).toEqual({ 'cash cashbox-emptied': 'ROLE_FORBIDDEN', 'cash clear-fault': 'ROLE_FORBIDDEN', 'cash settle': 'ROLE_FORBIDDEN', 'card end-of-day': 'ROLE_FORBIDDEN' });
    // technician bridge operations are not even publishable by the UI user (the daemon would refuse them too: contract.test.ts)
    const bridge = {
      'restart-device': await codeOf(c.bridgeRequest('restart-device', { device: 'card' })),
      'log-level': await codeOf(c.bridgeRequest('log-level', { level: 'trace' })),
      'journal-verify': await codeOf(c.bridgeRequest('journal-verify', {})),
      'journal-recover': await codeOf(c.bridgeRequest('journal-recover', { technician: 'mallory', reason: 'x' })),
    };
    expect(Object.values(bridge)).toEqual(['NOT_AUTHORIZED', 'NOT_AUTHORIZED', 'NOT_AUTHORIZED', 'NOT_AUTHORIZED']);
    // publishing on the technician's namespace with the UI's password: Mosquitto says not authorized
    const raw = await mqtt.connectAsync(prod.urlAs('kiosk-ui'), { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      for (const topic of ['technician/device/cash/request/cashbox-emptied', 'technician/device/card/request/end-of-day', 'technician/bridge/request/journal-recover']) {
        await expect(raw.publishAsync(`${base}/${topic}`, JSON.stringify({ technician: 'mallory', reason: 'x' }), { qos: 1 }), topic).rejects.toThrow(/Not authorized/);
      }
    } finally {
      await raw.endAsync(true);
    }
    const marker = await c.request('gpio', 'read', {});
    expect(marker).toBeDefined();
    expect(journal().filter((e) => e.type === 'cashbox.emptied' || e.type === 'fault.cleared' || e.type === 'end-of-day')).toEqual([]);
    expect(daemon.logs.some((l) => l.includes('audit:') || l.includes('mallory'))).toBe(false);
    record({
      id: 'security.roles-ui',
      section: 'security',
      what: 'UI user runs technician commands (cashbox-emptied, clear-fault, settle, end-of-day, restart-device, log-level, journal-verify/recover)',
      inFlight: '4 device commands on the UI namespace and 4 technician bridge operations through the client; 3 raw publishes on the technician namespace',
      behaviour: 'daemon: ROLE_FORBIDDEN before the schema; broker: not authorized (PUBACK 0x87, client code NOT_AUTHORIZED); nothing journaled, no audit line',
      figure: '4 of 4 refused by the daemon, 7 of 7 by the broker (before: cashbox-emptied, clear-fault and end-of-day succeeded)',
      lostOrDuplicated: 'n/a',
      test: 'test/security/roles.test.ts',
    });
  });

  it('the UI cannot refund beyond policy: tied to an approved sale, at most what is left, within the UI limit', async () => {
    const c = await ui(4);
    const refund = (key: string, amount: number, saleKey: string) => codeOf(c.request('card', 'refund', { amount, reference: `r-${key}`, idempotencyKey: key, saleKey }));
    expect(await refund('big-1', 99_999_999, 'no-such-sale')).toBe('CARD_REFUND_NO_SALE');
    await c.request('card', 'sale', { amount: 9000, reference: 'fee-refund', idempotencyKey: 'acl-refund-sale' });
    expect(await refund('big-2', 99_999_999, 'acl-refund-sale')).toBe('CARD_REFUND_EXCEEDS_SALE');
    expect(await refund('over-limit', UI_REFUND_LIMIT + 1, 'acl-refund-sale')).toBe('CARD_REFUND_OVER_LIMIT');
    expect(await refund('ok-1', UI_REFUND_LIMIT, 'acl-refund-sale')).toBe('ok');
    expect(await refund('ok-2', 4000, 'acl-refund-sale')).toBe('ok');
    expect(await refund('one-more', 1, 'acl-refund-sale')).toBe('CARD_REFUND_EXCEEDS_SALE');
    expect(await codeOf(c.request('card', 'sale', { amount: 100, currency: 'EUR', reference: 'eur', idempotencyKey: 'acl-eur' }))).toBe('CARD_CURRENCY_NOT_ACCEPTED');
    const log = await observer.sim('card', 'log', {});
    const received = (log.status === 'ok' ? (log.data as { received: Array<{ command: string; amount?: number }> }).received : []).filter((r) => r.command === 'refund');
    expect(received.map((r) => r.amount)).toEqual([UI_REFUND_LIMIT, 4000]);
    record({
      id: 'security.refund-policy',
      section: 'security',
      what: 'UI user refunds 999,999.99 AED with no sale behind it, more than a sale, above the UI limit; a sale in a currency the kiosk does not take',
      inFlight: `a 90.00 AED sale; UI limit ${UI_REFUND_LIMIT / 100} AED`,
      behaviour: 'CARD_REFUND_NO_SALE, CARD_REFUND_EXCEEDS_SALE, CARD_REFUND_OVER_LIMIT, CARD_CURRENCY_NOT_ACCEPTED before the terminal',
      figure: `terminal received 2 refunds (${UI_REFUND_LIMIT} + 4000 = 9000 = the sale); 5 refused (before: a 999,999.99 AED refund was approved)`,
      lostOrDuplicated: 'n/a',
      test: 'test/security/roles.test.ts',
    });
  });

  it("the UI cannot read a technician's answers or another client's MQTT 5 replies", async () => {
    const spy = await Probe.connect(prod.urlAs('kiosk-ui'), base, { subscribe: [`${base}/technician/#`, `${base}/client/#`] });
    try {
      const victim = await ui(5, `victim-${process.pid}`);
      await victim.request('cash', 'status', {});
      for (const v of [5, 4] as const) {
        const tech = await technician(v);
        expect(await tech.request('cash', 'status', {})).toMatchObject({ faults: [] });
        expect(await tech.bridgeRequest('journal-verify', {})).toMatchObject({ journal: { records: expect.any(Number) } });
      }
      const marker = await victim.request('gpio', 'read', {});
      expect(marker).toBeDefined();
      await new Promise((r) => setTimeout(r, 200));
      expect(spy.messages.map((m) => m.topic)).toEqual([]);
    } finally {
      await spy.close();
    }
  });

  it('the kiosk-technician user runs technician commands in both protocol modes; each is audited', async () => {
    for (const v of [5, 4] as const) {
      const tech = await technician(v);
      expect(await tech.request('cash', 'cashbox-emptied', { technician: `tech-v${v}` })).toMatchObject({ count: expect.any(Number) });
    }
    expect(journal().filter((e) => e.type === 'cashbox.emptied')).toHaveLength(2);
    // The daemon's log reaches the test through its stdout pipe, which may lag the MQTT answer under load.
    const audited = (): number => daemon.logs.filter((l) => l.includes('audit: cashbox emptied')).length;
    for (let i = 0; i < 50 && audited() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(audited()).toBe(2);
  });
});
