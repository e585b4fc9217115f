/**
 * The card driver is handed its transport (DriverDeps.transports): here one end of an in-memory pair,
 * the simulated ZVT terminal on the other, and every acknowledgement, idle and host timeout on a
 * ManualClock. Nothing in this file waits on the wall clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { createLogger } from '../../../src/core/logger.js';
import { ManualClock } from '../../../src/core/test-clocks.js';
import type { StreamSpec } from '../../../src/core/transport.js';
import { cardConfigSchema } from '../../../src/drivers/card/config.js';
import { createCardDriver } from '../../../src/drivers/card/driver.js';
import { SimStore } from '../../../src/drivers/card/zvt/sim-store.js';
import { ZvtSimTerminal } from '../../../src/drivers/card/zvt/sim-terminal.js';
import { settle } from '../../helpers/clock.js';
import { memoryPair, streamsFrom } from '../../helpers/transports.js';
import { FakeHost } from './harness.js';

const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'kioskd-card-mem-'));
  const clock = new ManualClock();
  const terminal = new ZvtSimTerminal(new SimStore(join(dir, 'terminal')), 'tcp', log, clock);
  const asked: StreamSpec[] = [];
  const transports = streamsFrom((spec) => {
    asked.push(spec);
    const { driverEnd, deviceEnd } = memoryPair('zvt');
    void deviceEnd.open().then(() => terminal.attach(deviceEnd));
    return driverEnd;
  }, clock);
  const config = cardConfigSchema.parse({ ackTimeoutMs: 1000, idleTimeoutMs: 3000, transport: { type: 'tcp', host: 'terminal.invalid', port: 20007 } });
  const journal = await Journal.open(join(dir, 'journal.jsonl'));
  const host = new FakeHost();
  const abort = new AbortController();
  const driver = createCardDriver(config, { host, log, clock, transports, journal, stateDir: dir, simulatorLink: undefined });
  await settle(clock, driver.start(abort.signal));
  cleanup.push(async () => {
    abort.abort();
    await driver.stop();
    terminal.stop();
    await journal.close();
  });
  const ctx = { transaction: 't1', signal: abort.signal, requester: undefined, role: 'ui' as const };
  const sale = (key: string, amount = 1250) => settle(clock, driver.commands.sale({ amount, currency: 'AED', reference: `ref-${key}`, idempotencyKey: key }, ctx), { maxMs: 120_000 });
  return { clock, terminal, asked, driver, sale };
}

describe('card driver over a transport it is handed', () => {
  it('asks the factory for the configured stream and approves a sale over an in-memory pair', async () => {
    const r = await rig();
    expect(r.asked).toEqual([expect.objectContaining({ type: 'tcp', host: 'terminal.invalid', port: 20007 })]);
    expect(await r.sale('m1')).toMatchObject({ result: 'approved', card: { masked: '476173******0119' } });
  });

  it('a terminal that goes silent: the idle timeout runs on the injected clock, not the wall clock', async () => {
    const r = await rig();
    r.terminal.silent = true;
    const out = await r.sale('m2');
    expect(out).toMatchObject({ result: 'failed' });
    expect(r.clock.monotonic()).toBeGreaterThanOrEqual(1000); // at least the acknowledgement timeout passed on the clock
  });
});
