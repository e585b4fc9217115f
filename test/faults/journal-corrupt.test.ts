/**
 * A damaged money journal, over MQTT: the real daemon (card and cash simulated) starts on a state
 * directory whose journal was damaged in each way a failing SD card, a bad repair or a careless hand
 * would damage it. Each time: the money devices are in `fault` with JOURNAL_CORRUPT naming the file and
 * line, retrying the last sale's idempotency key is refused with the same (the terminal receives no
 * second sale), and both files are left byte for byte as they were. Then a technician's recovery
 * (bridge journal-recover, technician namespace) brings the history back from the mirror and the retry
 * replays the sale's true outcome, still without a second charge.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnDaemon, startTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { hasMosquitto, hasPty } from '../helpers/env.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';
import { Probe } from '../helpers/mqtt-probe.js';
import { record } from './report.js';

const cardOnly = { simulation: true, devices: { card: { ackTimeoutMs: 1000, idleTimeoutMs: 2500 } } };
const withCash = {
  simulation: true,
  devices: { ...cardOnly.devices, cash: { validator: { pollIntervalMs: 30, replyTimeoutMs: 150, retries: 2 }, simulator: { stepMs: 40 } } },
};
const J = (dir: string): string => join(dir, 'journal', 'money.jsonl');
const M = (dir: string): string => join(dir, 'journal-mirror', 'money.jsonl');
const lines = (text: string): string[] => text.split('\n').slice(0, -1).map((l) => `${l}\n`);
const flip = (line: string, at: number): string => line.slice(0, at) + (line[at] === '7' ? '8' : '7') + line.slice(at + 1);

describe.skipIf(!hasMosquitto || !hasPty)('a damaged money journal over MQTT: refused, never guessed', () => {
  let broker: Broker;
  const pristine = tempDir('kioskd-jc-base-');
  const kioskId = `jc${process.pid}`;
  const retry = { amount: 3300, currency: 'AED', reference: 'fee-s3', idempotencyKey: 's3' };
  let baseLines: string[] = [];
  const rows: string[] = [];

  const start = async (stateDir: string, config: Record<string, unknown> = cardOnly): Promise<{ kiosk: TestDaemon; probe: Probe }> => {
    const kiosk = await startTestDaemon({ brokerUrl: broker.url, stateDir, kioskId, config });
    const probe = await Probe.connect(broker.url, kiosk.base);
    return { kiosk, probe };
  };
  const terminalSales = async (probe: Probe): Promise<string[]> => {
    const res = await probe.sim('card', 'log', {});
    const received = res.status === 'ok' ? (res.data as { received: Array<{ command: string; amount?: number }> }).received : [];
    return received.filter((r) => r.command === 'sale').map((r) => String(r.amount));
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    const { kiosk, probe } = await start(pristine);
    await probe.waitFor('device/card/state', (p) => p.status === 'ready', 20_000);
    for (const [key, amount] of [['s1', 1100], ['s2', 2200], ['s3', 3300]] as const) {
      const res = await probe.request('card', 'sale', { amount, currency: 'AED', reference: `fee-${key}`, idempotencyKey: key });
      expect(res).toMatchObject({ status: 'ok', data: { result: 'approved' } });
    }
    await probe.close();
    await kiosk.stop();
    // As after a kill -9 between the last sale's intent and its outcome: both copies end with s3's
    // sale.intent (the terminal did approve it). This is a valid journal: the next start reconciles it.
    const kept = lines(readFileSync(J(pristine), 'utf8')).filter((l) => !(l.includes('"sale.outcome"') && l.includes('"key":"s3"')));
    expect(kept.at(-1)).toContain('"type":"sale.intent","key":"s3"');
    writeFileSync(J(pristine), kept.join(''));
    writeFileSync(M(pristine), kept.join(''));
    // The audit trail and the KPI book are written after each journal write, so a crash that lost the
    // outcome line never let them see it; their copies from this run (which did see it) go.
    rmSync(join(pristine, 'audit'), { recursive: true, force: true });
    rmSync(join(pristine, 'kpi'), { recursive: true, force: true });
    baseLines = kept;
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
    const seen = rows.length;
    record({
      id: 'fault.journal-corrupt',
      section: 'fault',
      what: 'money journal damaged before a start: a flipped byte in the last complete line (a card sale.intent), garbage with and without newline, zeros, the file deleted, truncated at 5 points, a duplicated line, two lines swapped, a flipped byte in the mirror',
      inFlight: 'three approved card sales; the last one journaled as intent only (kill -9 before its outcome); its idempotency key retried over MQTT',
      behaviour: 'card (and cash) in fault with JOURNAL_CORRUPT naming file and line; the retry refused with the same; files untouched; after journal-recover (technician): history from the mirror, s3 reconciled with the terminal, the retry replays approved',
      figure: `${seen} damage cases: ${seen} refusals naming file:line, 0 silent starts, 0 second charges (before: the flipped line was cut silently and the retry charged again; garbage/zeros truncated the file to 0 bytes)`,
      lostOrDuplicated: '0 sales charged twice; 0 journal bytes changed by a refusal',
      test: 'test/faults/journal-corrupt.test.ts',
    });
  });

  const cut = (at: number): string => {
    const text = baseLines.join('');
    return text.slice(0, Math.floor(text.length * at));
  };
  const cases: Array<{ what: string; damage: (dir: string) => void; file: (dir: string) => string; line: number | (() => number) }> = [
    { what: 'a flipped byte in the last complete line (the sale.intent)', damage: (d) => writeFileSync(J(d), [...baseLines.slice(0, -1), flip(baseLines.at(-1) ?? '', 40)].join('')), file: J, line: 5 },
    { what: 'garbage with a newline', damage: (d) => writeFileSync(J(d), baseLines.join('') + 'garbage\n'), file: J, line: 6 },
    { what: 'garbage without a newline', damage: (d) => writeFileSync(J(d), baseLines.join('') + '}}{{garbage'), file: J, line: 6 },
    { what: 'zeros (a block never written)', damage: (d) => writeFileSync(J(d), baseLines.join('') + '\u0000'.repeat(4096)), file: J, line: 6 },
    { what: 'the journal deleted', damage: (d) => rmSync(J(d)), file: J, line: 1 },
    { what: 'a duplicated line', damage: (d) => writeFileSync(J(d), [...baseLines.slice(0, 3), baseLines[2] ?? '', ...baseLines.slice(3)].join('')), file: J, line: 4 },
    { what: 'two lines swapped', damage: (d) => writeFileSync(J(d), [baseLines[0], baseLines[2], baseLines[1], ...baseLines.slice(3)].join('')), file: J, line: 2 },
    { what: 'a flipped byte in the mirror', damage: (d) => writeFileSync(M(d), [baseLines[0], flip(baseLines[1] ?? '', 30), ...baseLines.slice(2)].join('')), file: M, line: 2 },
    ...[0.05, 0.25, 0.5, 0.75, 0.999].map((at) => ({
      what: `truncated at ${Math.round(at * 1000) / 10} %`,
      damage: (d: string) => writeFileSync(J(d), cut(at)),
      file: J,
      // the complete lines left verify; the journal then holds fewer records than its mirror
      line: () => lines(cut(at)).length + 1,
    })),
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.what}: refused, naming ${c.file === J ? 'the journal' : 'the mirror'} and the line; the retried sale is not charged`, async () => {
      const dir = tempDir('kioskd-jc-');
      cpSync(pristine, dir, { recursive: true });
      c.damage(dir);
      const before = [J(dir), M(dir)].map((f) => (existsSync(f) ? readFileSync(f) : undefined));
      const { kiosk, probe } = await start(dir, i === 0 ? withCash : cardOnly);
      try {
        const state = (await probe.waitFor('device/card/state', (p) => p.status === 'fault')).payload as { error: { code: string; message: string } };
        const line = typeof c.line === 'number' ? c.line : c.line();
        expect(state.error).toMatchObject({ code: 'JOURNAL_CORRUPT', message: expect.stringContaining(`${c.file(dir)} line ${line}:`) });
        if (i === 0) {
          const cash = (await probe.waitFor('device/cash/state', (p) => p.status === 'fault')).payload as { error: { code: string } };
          expect(cash.error.code).toBe('JOURNAL_CORRUPT');
        }
        const res = await probe.request('card', 'sale', retry);
        expect(res).toMatchObject({ status: 'error', error: { code: 'JOURNAL_CORRUPT', message: expect.stringContaining(`${c.file(dir)} line ${line}`), details: { file: c.file(dir), line } } });
        expect(await terminalSales(probe)).toEqual(['1100', '2200', '3300']);
        expect([J(dir), M(dir)].map((f) => (existsSync(f) ? readFileSync(f) : undefined))).toEqual(before);
        expect(kiosk.logs.some((l) => l.includes('money journal refused') && l.includes(c.file(dir)))).toBe(true);
        rows.push(`${c.what}: ${c.file === J ? 'money.jsonl' : 'mirror'} line ${line}`);
      } finally {
        await probe.close();
        await kiosk.stop();
      }
    }, 30_000);
  }

  it('the technician\'s CLI: kioskd journal verify names the damage (exit 2), kioskd journal recover fixes it through the running daemon', async () => {
    const dir = tempDir('kioskd-jc-cli-');
    cpSync(pristine, dir, { recursive: true });
    cases[0]?.damage(dir);
    const daemon = spawnDaemon({ brokerUrl: broker.url, stateDir: dir, kioskId: `${kioskId}cli`, config: cardOnly });
    const cli = (...args: string[]): Promise<{ code: number; out: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, [join(repoRoot, 'dist', 'src', 'cli.js'), ...args, '--config', daemon.configPath], (err, stdout, stderr) => {
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
        });
      });
    try {
      await daemon.waitForLog(/money journal refused/, 20_000);
      const verify = await cli('journal', 'verify');
      expect(verify.code).toBe(2);
      expect(verify.out).toContain(`REFUSES TO OPEN: ${J(dir)} line 5: hash mismatch`);
      expect((await cli('journal', 'recover', '--technician', 'tech-9')).code).toBe(64);
      const recover = await cli('journal', 'recover', '--technician', 'tech-9', '--reason', 'bad sector');
      expect(recover).toMatchObject({ code: 0, out: expect.stringContaining('recovered from the mirror: 5 records kept') });
      expect(recover.out).toContain('devices: card ready');
      expect(await cli('journal', 'verify')).toMatchObject({ code: 0 });
    } finally {
      daemon.kill('SIGTERM');
      await daemon.exited;
    }
  }, 60_000);

  it('a torn final write (power cut mid-append, never acknowledged) is repaired, logged, and the start goes on', async () => {
    const dir = tempDir('kioskd-jc-torn-');
    cpSync(pristine, dir, { recursive: true });
    writeFileSync(J(dir), baseLines.join('') + `{"seq":${baseLines.length + 1},"prev":"`);
    const { kiosk, probe } = await start(dir);
    try {
      await probe.waitFor('device/card/state', (p) => p.status === 'ready', 20_000);
      expect(kiosk.logs.some((l) => l.includes('money journal repaired at open') && l.includes('torn final write'))).toBe(true);
      expect(readFileSync(J(dir), 'utf8').startsWith(baseLines.join(''))).toBe(true);
      expect(await probe.request('card', 'sale', retry)).toMatchObject({ status: 'ok', data: { result: 'approved', replayed: true, recovered: true } });
      expect(await terminalSales(probe)).toEqual(['1100', '2200', '3300']);
    } finally {
      await probe.close();
      await kiosk.stop();
    }
  });

  it("a technician's journal-recover restores the history from the mirror; the retried key replays its true outcome", async () => {
    const dir = tempDir('kioskd-jc-recover-');
    cpSync(pristine, dir, { recursive: true });
    cases[0]?.damage(dir);
    const { kiosk, probe } = await start(dir, withCash);
    try {
      await probe.waitFor('device/card/state', (p) => p.status === 'fault');
      expect(await probe.bridge('journal-verify', {}, 'technician')).toMatchObject({ status: 'ok', data: { refusal: { file: J(dir), line: 5 }, mirror: { records: 5 } } });
      expect(await probe.bridge('journal-recover', { technician: 'tech-7', reason: 'SD card check' })).toMatchObject({ status: 'error', error: { code: 'ROLE_FORBIDDEN' } });
      const rec = await probe.bridge('journal-recover', { technician: 'tech-7', reason: 'SD card check' }, 'technician');
      expect(rec).toMatchObject({ status: 'ok', data: { from: 'mirror', kept: 5, quarantined: [], devices: { card: 'ready', cash: 'ready' } } });
      expect(readFileSync(J(dir), 'utf8').startsWith(baseLines.join(''))).toBe(true);
      const recovered = await probe.waitFor('device/card/event/recovered', (p: { idempotencyKey: string }) => p.idempotencyKey === 's3');
      expect(recovered.payload).toMatchObject({ outcome: { result: 'approved', recovered: true } });
      expect(await probe.request('card', 'sale', retry)).toMatchObject({ status: 'ok', data: { result: 'approved', replayed: true } });
      expect(await terminalSales(probe)).toEqual(['1100', '2200', '3300']);
      expect(kiosk.logs.some((l) => l.includes('audit: money journal recovered') && l.includes('tech-7'))).toBe(true);
      const aside = rec.status === 'ok' ? (rec.data as { movedAside: string[] }).movedAside : [];
      expect(aside.map((f) => existsSync(f))).toEqual([true, true]);
      expect(aside[0]?.startsWith(`${J(dir)}.damaged-`)).toBe(true);
    } finally {
      await probe.close();
      await kiosk.stop();
    }
  });
});
