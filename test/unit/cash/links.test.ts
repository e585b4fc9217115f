import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SspLink } from '../../../src/drivers/cash/ssp/link.js';
import { SspSimulator } from '../../../src/drivers/cash/ssp/sim.js';
import { inhibitMask, parseCounters, parsePollEvents, parseSetup, SspCommand, type SspEvent } from '../../../src/drivers/cash/ssp/commands.js';
import { CcLink } from '../../../src/drivers/cash/cctalk/link.js';
import { CcTalkSimulator } from '../../../src/drivers/cash/cctalk/sim.js';
import { CcHeader, newEvents, parseCoinId, parseCreditBuffer } from '../../../src/drivers/cash/cctalk/codec.js';
import { ManualClock } from '../../../src/core/clock.js';
import { elapse, settle, until } from '../../helpers/clock.js';
import { pipe } from './pipe.js';

/** Simulators and links share one manual clock: replies, steps and timeouts move only when the test moves it. */
let clock = new ManualClock();

const dir = mkdtempSync(join(tmpdir(), 'cash-link-'));
let sims: { stop(): void }[] = [];
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
  clock = new ManualClock();
});

function validator(fixedKey = '0123456789abcdef', name = 'v'): { link: SspLink; sim: SspSimulator } {
  const [host, device] = pipe();
  const sim = new SspSimulator(device, {
    currency: 'EUR', notes: [5, 10, 20], multiplier: 100, stepMs: 5, escrowTimeoutMs: 5000, fixedKey, statePath: join(dir, `${name}-${Math.random()}.json`), clock,
  });
  sim.start();
  sims.push(sim);
  const link = new SspLink(host, { address: 0, replyTimeoutMs: 200, retries: 1, clock });
  link.attach();
  return { link, sim };
}

async function pollUntil(link: SspLink, name: SspEvent['name']): Promise<SspEvent[]> {
  const seen: SspEvent[] = [];
  for (let i = 0; i < 200; i++) {
    const { events } = parsePollEvents(await link.command(Uint8Array.of(SspCommand.POLL)));
    seen.push(...events);
    if (events.some((e) => e.name === name)) return seen;
    await elapse(clock, 2, 2);
  }
  throw new Error(`no ${name} event`);
}

describe('SSP link against the simulated validator', () => {
  it('syncs, reads the channel table, and takes a note through escrow to the cashbox', async () => {
    const { link, sim } = validator();
    await link.sync();
    const setup = parseSetup(await link.command(Uint8Array.of(SspCommand.SETUP_REQUEST)));
    expect(setup.channels.map((c) => c.value)).toEqual([500, 1000, 2000]);
    await link.command(Uint8Array.of(SspCommand.SET_INHIBITS, ...inhibitMask([1, 2, 3])));
    await link.command(Uint8Array.of(SspCommand.ENABLE));
    expect(sim.insertNote(1000)).toEqual({ taken: true });
    const seen = await pollUntil(link, 'stacked');
    expect(seen).toContainEqual({ name: 'readNote', channel: 2 });
    expect(seen).toContainEqual({ name: 'credit', channel: 2 });
    expect(sim.stacked).toEqual([1000]);
    expect(parseCounters(await link.command(Uint8Array.of(SspCommand.GET_COUNTERS))).stacked).toBe(1);
  });

  it('returns a note on REJECT and counts nothing', async () => {
    const { link, sim } = validator();
    await link.sync();
    await link.command(Uint8Array.of(SspCommand.SET_INHIBITS, ...inhibitMask([1, 2, 3])));
    await link.command(Uint8Array.of(SspCommand.ENABLE));
    sim.insertNote(2000);
    await pollUntil(link, 'readNote');
    await until(clock, () => sim.currentPhase === 'escrow', 'escrow');
    await pollUntil(link, 'readNote'); // reports the channel; the next poll would accept
    await link.command(Uint8Array.of(SspCommand.REJECT));
    await pollUntil(link, 'rejected');
    expect(sim.stacked).toEqual([]);
  });

  it('negotiates an eSSP key and polls encrypted; a wrong fixed key fails', async () => {
    const { link, sim } = validator('00112233aabbccdd');
    await link.sync();
    await link.negotiateKey('00112233aabbccdd');
    expect(link.encrypted).toBe(true);
    await link.command(Uint8Array.of(SspCommand.SET_INHIBITS, ...inhibitMask([1])));
    await link.command(Uint8Array.of(SspCommand.ENABLE));
    sim.insertNote(500);
    await pollUntil(link, 'credit');
    expect(sim.stacked).toEqual([500]);

    const other = validator('00112233aabbccdd');
    await other.link.sync();
    await other.link.negotiateKey('ffffffffffffffff');
    await expect(settle(clock, other.link.command(Uint8Array.of(SspCommand.POLL)))).rejects.toMatchObject({ code: 'CASH_NO_REPLY' });
  });

  it('refuses unknown commands with a protocol error carrying the reply code', async () => {
    const { link } = validator();
    await link.sync();
    await expect(link.command(Uint8Array.of(0x3f))).rejects.toMatchObject({ code: 'PROTOCOL_ERROR', details: { reply: 0xf2 } });
  });
});

describe('ccTalk link against the simulated coin acceptor (with echo)', () => {
  it('polls, reads coin ids, and reads buffered credits', async () => {
    const [host, device] = pipe();
    const sim = new CcTalkSimulator(device, { coinIds: ['EU050A', 'EU100A', 'EU200A'], statePath: join(dir, `c-${Math.random()}.json`) });
    sim.start();
    sims.push(sim);
    const link = new CcLink(host, { address: 2, replyTimeoutMs: 200, retries: 1, clock });
    link.attach();
    await link.request(CcHeader.SIMPLE_POLL);
    expect(parseCoinId(await link.request(CcHeader.REQUEST_COIN_ID, Uint8Array.of(3)))?.value).toBe(200);
    const first = parseCreditBuffer(await link.request(CcHeader.READ_BUFFERED_CREDIT));
    expect(sim.insertCoin(100)).toEqual({ taken: false, reason: 'inhibited coin' });
    await link.request(CcHeader.MODIFY_INHIBIT_STATUS, Uint8Array.of(0x07, 0));
    await link.request(CcHeader.MODIFY_MASTER_INHIBIT, Uint8Array.of(1));
    expect(sim.insertCoin(100).taken).toBe(true);
    expect(sim.insertCoin('fake').taken).toBe(false);
    const after = parseCreditBuffer(await link.request(CcHeader.READ_BUFFERED_CREDIT));
    const { events, lost } = newEvents(first.counter, after);
    expect(lost).toBe(0);
    expect(events).toEqual([{ kind: 'error', code: 2 }, { kind: 'coin', position: 2, sorter: 1 }, { kind: 'error', code: 1 }]);
  });
});

describe('escrow hold while the host is slow', () => {
  it('HOLDs the note while a slow decision runs, so the validator does not hand it back', async () => {
    const { NoteValidator } = await import('../../../src/drivers/cash/validator.js');
    const { createLogger } = await import('../../../src/core/logger.js');
    // the simulated validator gives an escrowed note back after 150 ms of host silence
    const [host, device] = pipe();
    const short = new SspSimulator(device, { currency: 'EUR', notes: [5], multiplier: 100, stepMs: 5, escrowTimeoutMs: 150, fixedKey: '0123456701234567', statePath: join(dir, `hold-${Math.random()}.json`), clock });
    short.start();
    sims.push(short);
    const slowLink = new SspLink(host, { address: 0, replyTimeoutMs: 200, retries: 1, clock });
    slowLink.attach();
    const slow = new NoteValidator(slowLink, createLogger({ level: 'fatal', journald: false, write: () => undefined }), { enabled: false, fixedKey: '0123456701234567' }, clock);
    await slow.connect();
    await slow.setInhibits([1]);
    await slow.enable();
    short.insertNote(500);
    await pollUntil(slowLink, 'readNote');
    await until(clock, () => short.currentPhase === 'escrow', 'escrow');
    await pollUntil(slowLink, 'readNote');
    // 600 ms of the shared clock in the slow decision: four escrow timeouts' worth of host silence but for the HOLDs
    await settle(clock, slow.holdWhile(clock.sleep(600), 50), { stepMs: 2 });
    expect(clock.monotonic()).toBeGreaterThanOrEqual(600);
    expect(short.currentPhase).toBe('escrow');
    await pollUntil(slowLink, 'credit');
    expect(short.stacked).toEqual([500]);
  });
});
