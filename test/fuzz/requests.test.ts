/**
 * Fuzzing every MQTT request schema through the real RequestRouter (src/bus/request-router.ts): every
 * device command, simulator command and bridge operation gets arbitrary bytes, arbitrary JSON, and
 * objects built from the command's own field names with wrong values. Every answer is a valid envelope;
 * every error carries a code from the registry; a handler only ever sees input its schema accepted,
 * never the transaction; a valid transaction is always echoed. 10,000 cases per family.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeOps } from '../../src/api/bridge.js';
import { responseSchema } from '../../src/api/envelope.js';
import { DEVICE_APIS } from '../../src/api/index.js';
import { RequestRouter, type RequestTarget } from '../../src/bus/request-router.js';
import type { CommandSpec } from '../../src/core/driver.js';
import { allErrorCodes, KioskError } from '../../src/core/errors.js';
import { record } from '../faults/report.js';
import { fuzzAsync, MAX_HEAP_GROWTH_MB, type FuzzStats } from './harness.js';

interface Target {
  topic: RequestTarget;
  spec: CommandSpec;
  keys: string[];
}

function targets(): Target[] {
  const out: Target[] = [];
  const add = (scope: RequestTarget['scope'], target: string, commands: Record<string, CommandSpec>): void => {
    for (const [command, spec] of Object.entries(commands)) {
      const js = z.toJSONSchema(spec.input, { unrepresentable: 'any', io: 'input' }) as { properties?: Record<string, unknown> };
      out.push({ topic: { scope, target, command }, spec, keys: Object.keys(js.properties ?? {}) });
    }
  };
  for (const [dev, api] of Object.entries(DEVICE_APIS)) {
    add('device', dev, api.commands);
    if (api.sim) add('sim', dev, api.sim);
  }
  add('bridge', 'bridge', bridgeOps);
  return out;
}

const ALL = targets();
const CODES = new Set(Object.keys(allErrorCodes()));
const MAX = 64 * 1024;
const seen = { ok: 0, error: new Map<string, number>(), handlerCalls: 0 };
const stats: FuzzStats[] = [];

/** A router whose handlers check that they only ever get schema-valid input without `transaction`. */
function router(failWith?: Error): RequestRouter {
  return new RequestRouter({
    maxPayloadBytes: MAX,
    resolve: (t) => {
      const found = ALL.find((x) => x.topic.scope === t.scope && x.topic.target === t.target && x.topic.command === t.command);
      if (!found) throw new KioskError(t.scope === 'device' && !(t.target in DEVICE_APIS) ? 'UNKNOWN_DEVICE' : 'UNKNOWN_COMMAND');
      return {
        spec: found.spec,
        signal: new AbortController().signal,
        run: (input) => {
          seen.handlerCalls++;
          expect(found.spec.input.safeParse(input).success).toBe(true);
          expect(input).not.toHaveProperty('transaction');
          if (failWith !== undefined) return Promise.reject(failWith);
          return Promise.resolve({ ran: t.command });
        },
      };
    },
  });
}

async function answer(r: RequestRouter, topic: RequestTarget, payload: Buffer, retain = false): Promise<{ status: string; code?: string; transaction?: string }> {
  const res = responseSchema.parse(await r.handle({ target: topic, payload, retain, requester: undefined, role: 'technician' }));
  if (res.status === 'ok') {
    seen.ok++;
    return { status: 'ok', ...(res.transaction ? { transaction: res.transaction } : {}) };
  }
  expect(CODES, `unregistered code ${res.error.code}`).toContain(res.error.code);
  seen.error.set(res.error.code, (seen.error.get(res.error.code) ?? 0) + 1);
  return { status: 'error', code: res.error.code, ...(res.transaction ? { transaction: res.transaction } : {}) };
}

const target = fc.constantFrom(...ALL);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
/** An object using the command's own field names (and `transaction`) with arbitrary values. */
const nearMiss = target.chain((t) =>
  fc
    .dictionary(fc.constantFrom(...t.keys, 'transaction', 'extra'), fc.oneof(jsonValue, fc.string({ maxLength: 300 }), fc.integer(), fc.double()), { maxKeys: 6 })
    .map((body) => ({ t, body })),
);

describe('every request schema through the real RequestRouter', () => {
  afterAll(() => {
    const cases = stats.reduce((a, s) => a + s.cases, 0);
    record({
      id: 'input.fuzz.requests',
      section: 'input',
      what: `MQTT requests: ${ALL.length} commands (device, sim, bridge) with arbitrary bytes, JSON, near-miss objects, oversize, retained`,
      inFlight: `${cases.toLocaleString('en')} requests`,
      behaviour: `every one answered with a valid envelope; errors by code: ${[...seen.error].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}; ${seen.ok} valid ones reached their handler`,
      figure: `slowest ${Math.max(...stats.map((s) => s.maxCaseMs)).toFixed(1)} ms; heap growth ${Math.max(...stats.map((s) => s.heapGrowthMb)).toFixed(1)} MB; 0 unregistered codes`,
      lostOrDuplicated: 'handler saw only schema-valid input; transaction always echoed',
      test: 'test/fuzz/requests.test.ts',
    });
  });

  it('arbitrary bytes', async () => {
    const r = router();
    const s = await fuzzAsync(fc.tuple(target, fc.uint8Array({ maxLength: 200 })), async ([t, bytes]) => {
      await answer(r, t.topic, Buffer.from(bytes));
    });
    stats.push(s);
    expect(s.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
  });

  it('arbitrary JSON values', async () => {
    const r = router();
    const s = await fuzzAsync(fc.tuple(target, jsonValue), async ([t, v]) => {
      const res = await answer(r, t.topic, Buffer.from(JSON.stringify(v) ?? 'null'));
      if (typeof v !== 'object' || v === null || Array.isArray(v)) expect(res.code).toBe(JSON.stringify(v) === undefined ? 'INVALID_JSON' : 'INVALID_PAYLOAD');
    });
    stats.push(s);
    expect(s.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
  });

  it('objects with the command\'s own field names and wrong values; transaction echoed when valid', async () => {
    const r = router();
    const s = await fuzzAsync(nearMiss, async ({ t, body }) => {
      const res = await answer(r, t.topic, Buffer.from(JSON.stringify(body)));
      const tx = body.transaction;
      if (typeof tx === 'string' && tx.length >= 1 && tx.length <= 128) expect(res.transaction).toBe(tx);
      else expect(res.transaction).toBeUndefined();
      if (tx !== undefined && !(typeof tx === 'string' && tx.length >= 1 && tx.length <= 128)) expect(res.code).toBe('INVALID_PAYLOAD');
    });
    stats.push(s);
    expect(s.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
  });

  it('unknown devices and commands, oversize and retained requests, throwing handlers', async () => {
    const ok = router();
    const throwing = router(new TypeError('driver bug: cannot read properties of undefined'));
    const name = fc.string({ minLength: 0, maxLength: 20 });
    const arb = fc.oneof(
      fc.tuple(fc.constant('unknown' as const), fc.constantFrom<RequestTarget['scope']>('device', 'sim', 'bridge'), name, name),
      fc.tuple(fc.constant('oversize' as const), target, fc.integer({ min: MAX + 1, max: MAX + 4096 })),
      fc.tuple(fc.constant('retained' as const), target),
      fc.tuple(fc.constant('throws' as const), target),
    );
    const s = await fuzzAsync(arb, async (c) => {
      if (c[0] === 'unknown') {
        const [, scope, dev, cmd] = c;
        const res = await answer(ok, { scope, target: dev, command: cmd }, Buffer.from('{}'));
        if (!ALL.some((x) => x.topic.scope === scope && x.topic.target === dev && x.topic.command === cmd)) expect(['UNKNOWN_DEVICE', 'UNKNOWN_COMMAND']).toContain(res.code);
      } else if (c[0] === 'oversize') {
        expect((await answer(ok, c[1].topic, Buffer.alloc(c[2], 0x20))).code).toBe('PAYLOAD_TOO_LARGE');
      } else if (c[0] === 'retained') {
        expect((await answer(ok, c[1].topic, Buffer.from('{}'), true)).code).toBe('RETAINED_REQUEST');
      } else {
        // A handler that throws a plain error: INTERNAL, without its message (no leak of internals).
        const res = await throwing.handle({ target: c[1].topic, payload: Buffer.from('{}'), retain: false, requester: undefined, role: 'technician' });
        if (res.status === 'error' && res.error.code === 'INTERNAL') expect(res.error.message).not.toContain('cannot read');
        expect(CODES).toContain(res.status === 'error' ? res.error.code : 'ok-not-expected');
      }
    });
    stats.push(s);
    expect(s.heapGrowthMb).toBeLessThan(MAX_HEAP_GROWTH_MB);
    expect(seen.handlerCalls).toBeGreaterThan(0); // the fuzzer did reach real handlers, not only errors
  });
});
