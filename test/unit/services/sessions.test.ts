/** UI sessions on a manual clock: the claim, the hostile second page, liveness, timeout with warning, accessible mode. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/test-clocks.js';
import { createLogger } from '../../../src/core/logger.js';
import type { SessionEvent, SessionState } from '../../../src/api/session.js';
import { Sessions, type SessionEndReason } from '../../../src/services/sessions.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

function setup() {
  const clock = new ManualClock();
  const events: SessionEvent[] = [];
  const states: SessionState[] = [];
  const ended: SessionEndReason[] = [];
  const sessions = new Sessions({
    clock, log: createLogger({ level: 'fatal', journald: false, write: () => undefined }),
    config: { timeoutMs: 60_000, warningMs: 10_000, keepaliveMs: 5000, livenessMs: 15_000, accessibleFactor: 2 },
    publishState: (s) => states.push(s),
    publishEvent: (e) => events.push(e),
    onEnd: async (_s, reason) => {
      ended.push(reason);
    },
  });
  return { clock, sessions, events, states, ended };
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('UI sessions', () => {
  it('claims cash, card and the scanner: another token (or none) is refused, reads and the technician are not', () => {
    const { sessions } = setup();
    expect(code(() => sessions.guard('cash', 'accept', 'ui', undefined))).toBeUndefined(); // no session: devices are free
    sessions.open(A, 'ar', false);
    expect(code(() => sessions.guard('cash', 'accept', 'ui', B))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.guard('cash', 'accept', 'ui', undefined))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.guard('card', 'sale', 'ui', B))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.guard('scanner', 'arm', 'ui', B))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.guard('cash', 'accept', 'ui', A))).toBeUndefined();
    expect(code(() => sessions.guard('cash', 'status', 'ui', B))).toBeUndefined();
    expect(code(() => sessions.guard('card', 'transaction', 'ui', undefined))).toBeUndefined();
    expect(code(() => sessions.guard('printer', 'print', 'ui', B))).toBeUndefined();
    expect(code(() => sessions.guard('cash', 'settle', 'technician', undefined))).toBeUndefined();
  });

  it('a second page can neither open, update nor close the open session', async () => {
    const { sessions, ended } = setup();
    const first = sessions.open(A, 'en', false);
    expect(code(() => sessions.open(B, 'en', false))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.update(B, { language: 'ru' }))).toBe('CLAIMED_BY_OTHER');
    expect(code(() => sessions.keepalive(B))).toBe('CLAIMED_BY_OTHER');
    await expect(sessions.close(B, 'closed')).rejects.toMatchObject({ code: 'CLAIMED_BY_OTHER' });
    expect(sessions.current?.sessionId).toBe(first.sessionId);
    expect(ended).toEqual([]);
    // The same token opening again gets its own session back.
    expect(sessions.open(A, 'en', false).sessionId).toBe(first.sessionId);
    await sessions.close(A, 'closed');
    expect(ended).toEqual(['closed']);
    expect(sessions.open(B, 'en', false).sessionId).not.toBe(first.sessionId);
  });

  it('without keepalives the client is taken as vanished after livenessMs; keepalives keep it', async () => {
    const { clock, sessions, ended } = setup();
    sessions.open(A, 'en', false);
    for (let i = 0; i < 6; i++) {
      await clock.advanceAsync(5000);
      sessions.keepalive(A);
      sessions.activity();
    }
    expect(ended).toEqual([]);
    await clock.advanceAsync(14_999);
    expect(ended).toEqual([]);
    await clock.advanceAsync(1);
    expect(ended).toEqual(['vanished']);
    expect(sessions.current).toBeUndefined();
  });

  it('times out after timeoutMs without a request, with a warning warningMs before; a request pushes it back', async () => {
    const { clock, sessions, events, ended } = setup();
    const s = sessions.open(A, 'en', false);
    const alive = clock.setInterval(() => sessions.current && sessions.keepalive(A), 5000);
    await clock.advanceAsync(40_000);
    sessions.guard('cash', 'accept', 'ui', A); // activity
    await clock.advanceAsync(49_999);
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
    await clock.advanceAsync(1);
    expect(events.filter((e) => e.type === 'warning')).toEqual([{ type: 'warning', sessionId: s.sessionId, endsInMs: 10_000 }]);
    await clock.advanceAsync(9_999);
    expect(ended).toEqual([]);
    await clock.advanceAsync(1);
    expect(ended).toEqual(['timeout']);
    expect(events.at(-1)).toMatchObject({ type: 'ended', reason: 'timeout' });
    alive.cancel();
  });

  it('accessible mode doubles the timeout; a running checkout holds it', async () => {
    const { clock, sessions, ended } = setup();
    const s = sessions.open(A, 'en', true);
    expect(s.timeoutMs).toBe(120_000);
    const alive = clock.setInterval(() => sessions.current && sessions.keepalive(A), 5000);
    let release!: () => void;
    const work = sessions.holding(() => new Promise<void>((resolve) => (release = resolve)));
    await clock.advanceAsync(300_000);
    expect(ended).toEqual([]);
    release();
    await work;
    await clock.advanceAsync(119_999);
    expect(ended).toEqual([]);
    await clock.advanceAsync(1);
    expect(ended).toEqual(['timeout']);
    alive.cancel();
  });

  it('publishes the retained state without the token, and tells observers (the accessibility unit resets on end)', async () => {
    const { sessions, states } = setup();
    const seen: string[] = [];
    sessions.observe({ opened: (s) => seen.push(`opened ${s.language}`), updated: (s) => seen.push(`updated ${s.accessible}`), ended: (_s, r) => seen.push(`ended ${r}`) });
    sessions.open(A, 'zh', false);
    sessions.update(A, { accessible: true });
    await sessions.end('shutdown');
    expect(seen).toEqual(['opened zh', 'updated true', 'ended shutdown']);
    expect(JSON.stringify(states)).not.toContain(A);
    expect(states.at(-1)).toMatchObject({ active: null, last: { reason: 'shutdown' } });
  });
});
