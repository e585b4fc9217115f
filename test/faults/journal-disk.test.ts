/**
 * The money journal's disk read-only, then full (a real size-limited tmpfs mounted on the journal
 * directory; needs root, as on CI). Money operations must refuse to start with JOURNAL_UNAVAILABLE rather
 * than take money they cannot record: the simulated terminal receives no sale, the validator takes no
 * note. Devices that need no journal keep working.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { gpioConfig } from '../helpers/configs.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from './report.js';

const config = {
  simulation: true,
  devices: {
    gpio: gpioConfig.devices.gpio,
    card: { ackTimeoutMs: 1000, idleTimeoutMs: 2500 },
    cash: { validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 }, coinAcceptor: { pollIntervalMs: 30 }, simulator: { stepMs: 40 } },
  },
};

describe.skipIf(!hasMosquitto || !hasPty)('the money journal on a read-only or full disk', () => {
  let broker: Broker;
  let kiosk: TestDaemon;
  let probe: Probe;
  const stateDir = tempDir('kioskd-journal-fault-');
  const journalDir = join(stateDir, 'journal');
  const outcomes: string[] = [];
  let n = 0;

  const sale = (amount: number) => {
    const key = `jf-${process.pid}-${++n}`;
    return probe.request('card', 'sale', { amount, currency: 'AED', reference: `fee-${key}`, idempotencyKey: key }, { timeoutMs: 20_000 });
  };
  const terminalSales = async (): Promise<number> => {
    const res = await probe.sim('card', 'log', {});
    const entries = (res.status === 'ok' ? (res.data as { received?: Array<{ command: string }> }).received : undefined) ?? [];
    return entries.filter((e) => e.command === 'sale').length;
  };
  const remount = (opts: string): void => void execFileSync('mount', ['-o', `remount,${opts}`, journalDir]);

  const journalText = (): string => readFileSync(join(journalDir, 'money.jsonl'), 'utf8');
  const statusOf = (r: { status: string; error?: { code: string; details?: Record<string, unknown> } }): string =>
    r.status === 'ok' ? 'ok' : `${r.error?.code ?? '?'}${typeof r.error?.details?.lastError === 'string' ? ` (lastError ${r.error.details.lastError})` : ''}`;

  beforeAll(async () => {
    mkdirSync(journalDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', journalDir]);
    remount('ro'); // read-only from boot (a kernel remounts ext4 read-only on errors; a file open for writing blocks that for tmpfs)
    broker = await startMosquitto();
    kiosk = await startTestDaemon({ brokerUrl: broker.url, stateDir, config });
    probe = await Probe.connect(broker.url, kiosk.base);
    await probe.waitFor('device/gpio/state', (p) => p.status === 'ready', 20_000);
  }, 40_000);

  afterAll(async () => {
    await probe?.close();
    await kiosk?.stop();
    await broker?.stop();
    try {
      execFileSync('umount', ['-l', journalDir]);
    } catch {
      /* already gone */
    }
  });

  it('read-only: card and cash stay in fault (JOURNAL_UNAVAILABLE) and refuse money; no sale reaches the terminal, no note is taken; GPIO works', async () => {
    for (const d of ['card', 'cash']) {
      const st = await probe.waitFor(`device/${d}/state`, (p) => p.status === 'fault', 20_000);
      expect(st.payload).toMatchObject({ error: { code: 'JOURNAL_UNAVAILABLE' } });
    }
    const res = await sale(1100);
    expect(res).toMatchObject({ status: 'error', error: { details: { lastError: 'JOURNAL_UNAVAILABLE' } } });
    outcomes.push(`read-only at boot: card and cash state fault/JOURNAL_UNAVAILABLE; sale -> ${statusOf(res)}`);
    const accept = await probe.request('cash', 'accept', { amountDue: 500, currency: 'EUR', timeoutMs: 5000 }, { timeoutMs: 15_000 });
    expect(accept.status).toBe('error');
    outcomes.push(`accept -> ${statusOf(accept)}`);
    expect(await probe.sim('cash', 'insert-note', { value: 500 })).toMatchObject({ status: 'ok', data: { taken: false } });
    expect(await terminalSales()).toBe(0);
    expect(await probe.request('gpio', 'read')).toMatchObject({ status: 'ok' });
  });

  it('writable again: card and cash recover by themselves (retry with backoff) and a sale is journaled', async () => {
    remount('rw');
    for (const d of ['card', 'cash']) await probe.waitFor(`device/${d}/state`, (p) => p.status === 'ready', 20_000);
    expect(await sale(1000)).toMatchObject({ status: 'ok', data: { result: 'approved' } });
    expect(await terminalSales()).toBe(1);
    outcomes.push('remounted rw: both back to ready without a restart');
  });

  it('disk full: sales go on until one cannot be journaled; that one is refused before the terminal sees it, and so is cash', async () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(journalDir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      /* ENOSPC: the point */
    }
    let approvedOnFullDisk = 0;
    let refused: { status: string; error?: { code: string } } | undefined;
    try {
      // The journal file's last page still has room for a few lines; the sale that needs a new page fails.
      for (let i = 0; i < 20 && !refused; i++) {
        const res = await sale(1200 + i);
        if (res.status === 'ok') approvedOnFullDisk++;
        else refused = res;
      }
      // Refused by the failed intent write (JOURNAL_UNAVAILABLE), or — when the write that failed was the
      // previous sale's outcome — by the card already in fault because of it.
      expect(statusOf(refused as never)).toMatch(/^(JOURNAL_UNAVAILABLE|DEVICE_UNAVAILABLE \(lastError JOURNAL_UNAVAILABLE\))$/);
      // the card does not stay `ready` on a journal it cannot write: fault, and every later sale is refused
      await probe.waitFor('device/card/state', (p: { status: string; error?: { code: string } }) => p.status === 'fault' && p.error?.code === 'JOURNAL_UNAVAILABLE', 10_000);
      const after = await sale(1300);
      expect(after).toMatchObject({ status: 'error', error: { code: 'DEVICE_UNAVAILABLE', details: { lastError: 'JOURNAL_UNAVAILABLE' } } });
      const accept = await probe.request('cash', 'accept', { amountDue: 500, currency: 'EUR', timeoutMs: 5000 }, { timeoutMs: 15_000 });
      outcomes.push(`disk full: ${approvedOnFullDisk} sales fitted in the last page, then sale -> ${statusOf(refused as never)}, accept -> ${statusOf(accept)}; card state fault/JOURNAL_UNAVAILABLE from the failed write on (next sale -> ${statusOf(after)})`);
      expect(accept).toMatchObject({ status: 'error', error: { code: 'JOURNAL_UNAVAILABLE' } });
      expect(await probe.sim('cash', 'stacked', {})).toMatchObject({ status: 'ok', data: { total: 0 } });
    } finally {
      rmSync(join(journalDir, 'filler'), { force: true });
    }
    // Every sale the terminal ever received has its intent in the journal (journal first, terminal second).
    const sent = await terminalSales();
    const intents = journalText().split('\n').filter((l) => l.includes('sale.intent')).length;
    expect(intents).toBeGreaterThanOrEqual(sent);
    expect(sent).toBe(1 + approvedOnFullDisk);
    record({
      id: 'fault.journal-disk',
      section: 'fault',
      what: 'money journal disk read-only at boot, then full at runtime (real 256 KiB tmpfs; card + cash + GPIO simulated)',
      inFlight: 'card sales and cash accepts started on the broken disk',
      behaviour: outcomes.join('; '),
      figure: `terminal received ${sent} sales, each journaled first (${intents} intents); 0 notes stacked; GPIO kept answering`,
      lostOrDuplicated: 'no money taken that is not journaled',
      test: 'test/faults/journal-disk.test.ts',
    });
  });
});
