import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KioskError } from '../../../src/core/errors.js';
import { RequestRouter } from '../../../src/bus/request-router.js';
import { RequestLimiter } from '../../../src/bus/limits.js';
import { isAllowedResponseTopic, makeTopics, parseRequestTopic } from '../../../src/api/topics.js';
import type { Role } from '../../../src/core/roles.js';

const spec = { summary: 's', input: z.strictObject({ n: z.number().int() }), output: z.object({ n: z.number() }) };
const router = new RequestRouter({
  maxPayloadBytes: 64,
  resolve: (t) => {
    if (t.target !== 'dev') throw new KioskError('UNKNOWN_DEVICE');
    if (t.command !== 'echo') throw new KioskError('UNKNOWN_COMMAND');
    return { spec, signal: new AbortController().signal, run: async (input) => input };
  },
});
const target = { scope: 'device' as const, target: 'dev', command: 'echo' };
const send = (payload: string, retain = false, t = target) => router.handle({ target: t, payload: Buffer.from(payload), retain, requester: undefined, role: 'ui' });

describe('RequestRouter', () => {
  it('answers ok with the data and echoes the transaction', async () => {
    expect(await send('{"n":1,"transaction":"a"}')).toEqual({ status: 'ok', data: { n: 1 }, transaction: 'a' });
    expect(await send('{"n":2}')).toEqual({ status: 'ok', data: { n: 2 } });
  });
  it.each([
    ['{"n":', 'INVALID_JSON'],
    ['"text"', 'INVALID_PAYLOAD'],
    ['{"n":"x"}', 'INVALID_PAYLOAD'],
    ['{"n":1,"extra":true}', 'INVALID_PAYLOAD'],
    ['{"n":1,"transaction":5}', 'INVALID_PAYLOAD'],
    [`{"n":1,"pad":"${'x'.repeat(80)}"}`, 'PAYLOAD_TOO_LARGE'],
  ])('%s -> %s', async (payload, code) => {
    const res = await send(payload);
    expect(res.status).toBe('error');
    expect(res.status === 'error' && res.error.code).toBe(code);
  });
  it('keeps the transaction on errors after it was read', async () => {
    expect(await send('{"n":"x","transaction":"t9"}')).toMatchObject({ status: 'error', transaction: 't9', error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^n: /) } });
  });
  it('refuses retained requests, unknown devices and commands', async () => {
    expect(await send('{"n":1}', true)).toMatchObject({ error: { code: 'RETAINED_REQUEST' } });
    expect(await send('{}', false, { ...target, target: 'x' })).toMatchObject({ error: { code: 'UNKNOWN_DEVICE' } });
    expect(await send('{}', false, { ...target, command: 'x' })).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
  });
});

describe('topics', () => {
  it('parses request topics and nothing else', () => {
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/request/set')).toEqual({ scope: 'device', target: 'gpio', command: 'set', role: 'ui' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/sim/gpio/request/input')).toEqual({ scope: 'sim', target: 'gpio', command: 'input', role: 'ui' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/bridge/request/health')).toEqual({ scope: 'bridge', target: 'bridge', command: 'health', role: 'ui' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/technician/device/cash/request/settle')).toEqual({ scope: 'device', target: 'cash', command: 'settle', role: 'technician' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/technician/bridge/request/journal-verify')).toEqual({ scope: 'bridge', target: 'bridge', command: 'journal-verify', role: 'technician' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/technician/sim/gpio/request/input')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/technician/technician/device/cash/request/settle')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k10/device/gpio/request/set')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/response/set')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/request/set/x')).toBeUndefined();
  });
});

describe('MQTT 5 response topics', () => {
  it('answers each namespace only on its own client topics', () => {
    const t = makeTopics('kiosk', 'k1');
    expect(t.clientResponse('ui-1')).toBe('kiosk/k1/client/ui-1/response');
    expect(t.clientResponse('cli-1', 'technician')).toBe('kiosk/k1/technician/client/cli-1/response');
    expect(t.deviceRequest('cash', 'settle', 'technician')).toBe('kiosk/k1/technician/device/cash/request/settle');
    expect(isAllowedResponseTopic('kiosk/k1', t.clientResponse('cli-1', 'technician'), 'technician')).toBe(true);
    // a UI request cannot aim its answer at a technician's client, nor the reverse
    expect(isAllowedResponseTopic('kiosk/k1', t.clientResponse('cli-1', 'technician'), 'ui')).toBe(false);
    expect(isAllowedResponseTopic('kiosk/k1', t.clientResponse('ui-1'), 'technician')).toBe(false);
  });

  it('never lets a client aim the daemon at its own state, event or request topics', () => {
    const base = 'kiosk/k1';
    expect(isAllowedResponseTopic(base, 'kiosk/k1/client/ui-1/response')).toBe(true);
    expect(isAllowedResponseTopic(base, 'replies/ui-1')).toBe(true);
    for (const bad of ['kiosk/k1/device/cash/event/credit', 'kiosk/k1/device/gpio/state', 'kiosk/k1/bridge/state', 'kiosk/k2/device/cash/event/credit', 'kiosk/k1/client/../device/x', 'replies/+', 'replies/#', '']) {
      expect(isAllowedResponseTopic(base, bad), bad).toBe(false);
    }
  });
});

describe('roles, limits and the transaction on every answer', () => {
  const techSpec = { ...spec, role: 'technician' as const };
  const fleetSpec = { ...spec, role: ['technician', 'fleet'] as const };
  let now = 0;
  const r = new RequestRouter({
    maxPayloadBytes: 64,
    limiter: new RequestLimiter({ ratePerSec: 2, burst: 3, inFlight: 2 }, () => now),
    resolve: (t) => {
      if (t.command === 'tech') return { spec: techSpec, signal: new AbortController().signal, run: async (i, ctx) => ({ ...(i as object), role: ctx.role }) };
      if (t.command === 'remote') return { spec: fleetSpec, signal: new AbortController().signal, run: async (i) => i };
      if (t.command === 'override') return { spec, role: 'technician', signal: new AbortController().signal, run: async (i) => i };
      if (t.command === 'slow') return { spec, signal: new AbortController().signal, run: () => new Promise((res) => setTimeout(() => res({ n: 0 }), 20)) };
      return { spec, signal: new AbortController().signal, run: async (i) => i };
    },
  });
  const ask = (command: string, payload: string, role: Role = 'ui', client?: string, extra: object = {}) =>
    r.handle({ target: { scope: 'device', target: 'dev', command }, payload: Buffer.from(payload), retain: false, requester: undefined, role, client, ...extra });

  it('a technician command refuses the UI and the fleet, and runs for the technician with its role in the context', async () => {
    now += 10_000;
    expect(await ask('tech', '{"n":1,"transaction":"t1"}', 'ui', 'a')).toMatchObject({ status: 'error', transaction: 't1', error: { code: 'ROLE_FORBIDDEN', details: { needs: 'technician', role: 'ui' } } });
    expect(await ask('tech', '{"n":1}', 'fleet')).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    expect(await ask('tech', '{"n":1}', 'technician', 'b')).toEqual({ status: 'ok', data: { n: 1, role: 'technician' } });
    expect(await ask('remote', '{"n":1}', 'fleet')).toMatchObject({ status: 'ok' });
    expect(await ask('remote', '{"n":1}', 'ui', 'c')).toMatchObject({ error: { code: 'ROLE_FORBIDDEN', details: { needs: 'technician or fleet' } } });
    expect(await ask('override', '{"n":1}', 'ui', 'd')).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    // the role is checked before the schema: a UI learns nothing about a technician command's input
    expect(await ask('tech', '{"zzz":1}', 'ui', 'e')).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
  });

  it('per client: a burst, then the rate; clients do not share a bucket; the transaction scope names a client', async () => {
    now += 10_000;
    const codes = async (client: string | undefined, n: number, tx = (i: number) => `x${i}`) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const res = await ask('echo', `{"n":1,"transaction":"${tx(i)}"}`, 'ui', client);
        out.push(res.status === 'ok' ? 'ok' : res.error.code);
        expect(res.transaction).toBe(tx(i));
      }
      return out;
    };
    expect(await codes('flood', 5)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await codes('quiet', 2)).toEqual(['ok', 'ok']);
    now += 500;
    expect(await codes('flood', 2)).toEqual(['ok', 'RATE_LIMITED']);
    expect(await codes(undefined, 4, (i) => `ui-7:${i}`)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect(await codes(undefined, 1, (i) => `ui-8:${i}`)).toEqual(['ok']);
    // the fleet link is not counted
    for (let i = 0; i < 5; i++) expect((await ask('echo', '{"n":1}', 'fleet')).status).toBe('ok');
  });

  it('in flight: a client waiting on slow commands gets RATE_LIMITED, and its slots come back', async () => {
    now += 10_000;
    const slow = [ask('slow', '{"n":0}', 'ui', 's'), ask('slow', '{"n":0}', 'ui', 's')];
    expect(await ask('echo', '{"n":1}', 'ui', 's')).toMatchObject({ error: { code: 'RATE_LIMITED', details: { limit: 'inFlight' } } });
    await Promise.all(slow);
    now += 10_000;
    expect(await ask('echo', '{"n":1}', 'ui', 's')).toMatchObject({ status: 'ok' });
  });

  it('every refusal carries the transaction: too large, retained, refused response topic, bad transaction', async () => {
    now += 10_000;
    const big = `{"transaction":"big-1","pad":"${'x'.repeat(80)}"}`;
    expect(await ask('echo', big, 'ui', 'z')).toMatchObject({ transaction: 'big-1', error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await ask('echo', '{"n":1,"transaction":"ret-1"}', 'ui', 'z', { retain: true })).toMatchObject({ transaction: 'ret-1', error: { code: 'RETAINED_REQUEST' } });
    expect(await ask('echo', '{"n":1,"transaction":"rt-1"}', 'ui', 'z', { refused: new KioskError('INVALID_RESPONSE_TOPIC') })).toMatchObject({ transaction: 'rt-1', error: { code: 'INVALID_RESPONSE_TOPIC' } });
    const r2 = new RequestRouter({ maxPayloadBytes: 4096, resolve: () => ({ spec, signal: new AbortController().signal, run: async (i) => i }) });
    const long = 'L'.repeat(200);
    expect(await r2.handle({ target, payload: Buffer.from(`{"n":1,"transaction":"${long}"}`), retain: false, requester: undefined, role: 'ui' })).toMatchObject({ transaction: long, error: { code: 'INVALID_PAYLOAD' } });
    expect(await r2.handle({ target, payload: Buffer.from('{"n":1,"transaction":""}'), retain: false, requester: undefined, role: 'ui' })).toMatchObject({ transaction: '', error: { code: 'INVALID_PAYLOAD' } });
    expect(await r2.handle({ target, payload: Buffer.from('{"n":1,"transaction":7}'), retain: false, requester: undefined, role: 'ui' })).not.toHaveProperty('transaction');
  });
});
