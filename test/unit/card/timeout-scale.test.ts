/**
 * Accessible mode's timeout scale in the card driver (DriverDeps.timeoutScale): the terminal's silence
 * limit is stretched, read as each operation starts; the protocol's acknowledgement timeout never is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cardConfigSchema } from '../../../src/drivers/card/config.js';
import { terminalTimeouts } from '../../../src/drivers/card/protocols.js';
import { makeRig, type Rig } from './harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('card timeouts under accessible mode', () => {
  it('idleMs follows the scale at the time it is read; ackMs never does; a scale below 1 is ignored', () => {
    let scale = 1;
    const t = terminalTimeouts(cardConfigSchema.parse({ ackTimeoutMs: 1000, idleTimeoutMs: 30_000 }), () => scale);
    expect([t.ackMs, t.idleMs]).toEqual([1000, 30_000]);
    scale = 2.5;
    expect([t.ackMs, t.idleMs]).toEqual([1000, 75_000]);
    scale = 0.1;
    expect(t.idleMs).toBe(30_000);
    expect(terminalTimeouts(cardConfigSchema.parse({ idleTimeoutMs: 4000 })).idleMs).toBe(4000);
  });

  it('a silent terminal is given idleTimeoutMs x scale before the sale answers TIMEOUT (lower bound only)', async () => {
    rig = await makeRig({ config: { idleTimeoutMs: 1000 }, timeoutScale: () => 3 });
    await rig.sim.commands.silent!({ next: true });
    const t0 = performance.now();
    const out = await rig.driver.commands.sale({ amount: 500, currency: 'AED', reference: 'ref-a11y', idempotencyKey: 'a11y-1' }, rig.ctx('t1'));
    const waited = performance.now() - t0;
    expect(out).toMatchObject({ result: 'failed', reason: 'TIMEOUT', charged: 'unknown' });
    // Unscaled, the sale would have answered after ~1000 ms; timers fire late under load, never 100 ms early.
    expect(waited).toBeGreaterThanOrEqual(2900);
    await rig.sim.commands.silent!({ on: false });
  });
});
