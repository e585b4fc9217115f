import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KioskError } from '../../../src/core/errors.js';
import { RequestRouter } from '../../../src/bus/request-router.js';
import { isAllowedResponseTopic, parseRequestTopic } from '../../../src/bus/topics.js';

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
const send = (payload: string, retain = false, t = target) => router.handle({ target: t, payload: Buffer.from(payload), retain, requester: undefined });

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
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/request/set')).toEqual({ scope: 'device', target: 'gpio', command: 'set' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/sim/gpio/request/input')).toEqual({ scope: 'sim', target: 'gpio', command: 'input' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/bridge/request/health')).toEqual({ scope: 'bridge', target: 'bridge', command: 'health' });
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k10/device/gpio/request/set')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/response/set')).toBeUndefined();
    expect(parseRequestTopic('kiosk/k1', 'kiosk/k1/device/gpio/request/set/x')).toBeUndefined();
  });
});

describe('MQTT 5 response topics', () => {
  it('never lets a client aim the daemon at its own state, event or request topics', () => {
    const base = 'kiosk/k1';
    expect(isAllowedResponseTopic(base, 'kiosk/k1/client/ui-1/response')).toBe(true);
    expect(isAllowedResponseTopic(base, 'replies/ui-1')).toBe(true);
    for (const bad of ['kiosk/k1/device/cash/event/credit', 'kiosk/k1/device/gpio/state', 'kiosk/k1/bridge/state', 'kiosk/k2/device/cash/event/credit', 'kiosk/k1/client/../device/x', 'replies/+', 'replies/#', '']) {
      expect(isAllowedResponseTopic(base, bad), bad).toBe(false);
    }
  });
});
