/**
 * The audio device on the simulated sound card (item 6 of issue 19): speech in every language checked
 * by SoX, the queue with interruption, repeat, stop, reset and the volume steps (measured by SoX).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasEspeak, hasSox } from '../../helpers/env.js';
import { audioHarness, soxStat } from './harness.js';

const SENTENCES = {
  ar: 'مرحبا بكم في مركز الخدمة. الرسوم 150 درهم.',
  en: 'Welcome to the service centre. The fee is 150 dirhams.',
  es: 'Bienvenido al centro de servicio. La tasa es de 150 dírhams.',
  fr: 'Bienvenue au centre de services. Les frais sont de 150 dirhams.',
  de: 'Willkommen im Servicezentrum. Die Gebühr beträgt 150 Dirham.',
  ru: 'Добро пожаловать в сервисный центр. Сбор составляет 150 дирхамов.',
  zh: '欢迎来到服务中心。费用是一百五十迪拉姆。',
} as const;

describe.skipIf(!hasEspeak || !hasSox)('audio on the simulated card', () => {
  it.each(Object.entries(SENTENCES))('speaks %s: SoX finds a non-silent WAV of plausible length', async (lang, text) => {
    const h = await audioHarness({}, { pace: 'instant' });
    const r = await h.driver.commands.say({ lang, text, interrupt: false }, h.ctx);
    await h.until(() => h.ended(r.id) !== undefined, 'ended');
    expect(h.ended(r.id)!.payload.outcome).toBe('done');
    const file = h.card.played.at(-1)!.file;
    const sox = soxStat(file);
    // espeak-ng at 160 words a minute says a syllable in ~0.1-0.2 s: a 20-60 syllable sentence takes 2-12 s
    expect(sox.seconds).toBeGreaterThan(2);
    expect(sox.seconds).toBeLessThan(12);
    expect(Math.abs(sox.seconds * 1000 - r.durationMs)).toBeLessThan(25);
    // default level -12 dB below a -1 dBFS peak: max ~0.22, speech RMS well above silence
    expect(sox.max).toBeGreaterThan(0.15);
    expect(sox.max).toBeLessThan(0.3);
    expect(sox.rms).toBeGreaterThan(0.01);
    expect(h.logs.join('\n')).not.toContain(text.slice(0, 12));
    await h.driver.stop();
  });

  it('interrupt cuts the sound playing and drops the queue; every sound ends once', async () => {
    const h = await audioHarness();
    const a = await h.driver.commands.say({ lang: 'en', text: 'First prompt, rather long to be cut.', interrupt: false }, h.ctx);
    const b = await h.driver.commands.say({ lang: 'en', text: 'Second prompt, waiting.', interrupt: false }, h.ctx);
    expect([a.position, b.position]).toEqual([0, 1]);
    await h.until(() => h.card.playing, 'first playing');
    h.clock.advance(700);
    const c = await h.driver.commands.say({ lang: 'en', text: 'Third, cuts in.', interrupt: true }, h.ctx);
    expect(c.position).toBe(0);
    await h.until(() => h.started(c.id) !== undefined && h.card.playing, 'third started');
    expect(h.ended(a.id)!.payload).toMatchObject({ outcome: 'interrupted', playedMs: 700 });
    expect(h.ended(b.id)!.payload).toMatchObject({ outcome: 'dropped', playedMs: 0 });
    expect(h.started(b.id)).toBeUndefined();
    expect(h.card.played.map((p) => p.outcome)).toEqual(['cut', 'playing']);
    h.card.finish();
    await h.until(() => h.ended(c.id) !== undefined, 'third ended');
    expect(h.events.filter((e) => e.event === 'ended').map((e) => e.payload.outcome)).toEqual(['dropped', 'interrupted', 'done']);
  });

  it('queues in order without interrupt, and refuses past maxQueue', async () => {
    const h = await audioHarness({ maxQueue: 2 });
    const ids: string[] = [];
    for (const t of ['one', 'two', 'three']) ids.push((await h.driver.commands.say({ lang: 'en', text: t, interrupt: false }, h.ctx)).id);
    await expect(h.driver.commands.say({ lang: 'en', text: 'four', interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    for (const id of ids) {
      await h.until(() => h.started(id) !== undefined && h.card.playing, `${id} started`);
      h.card.finish();
      await h.until(() => h.ended(id) !== undefined, `${id} ended`);
    }
    expect(h.events.map((e) => `${e.event}:${ids.indexOf(e.payload.id as string)}`)).toEqual(['started:0', 'ended:0', 'started:1', 'ended:1', 'started:2', 'ended:2']);
  });

  it('repeat says the last utterance again from its start, at the current volume; stop ends everything', async () => {
    const h = await audioHarness();
    const a = await h.driver.commands.say({ lang: 'de', text: 'Bitte nehmen Sie Ihre Quittung.', interrupt: false }, h.ctx);
    await h.until(() => h.card.playing, 'playing');
    h.card.finish();
    await h.until(() => h.ended(a.id) !== undefined, 'ended');
    await h.driver.commands.volume({ step: 2 }, h.ctx);
    const r = await h.driver.commands.repeat({}, h.ctx);
    expect(r.durationMs).toBe(a.durationMs);
    await h.until(() => h.started(r.id) !== undefined && h.card.playing, 'repeat started');
    const [first, again] = h.card.played.slice(-2).map((p) => soxStat(p.file));
    expect(again!.seconds).toBe(first!.seconds);
    expect(20 * Math.log10(again!.rms / first!.rms)).toBeCloseTo(12, 1);
    expect(await h.driver.commands.stop({}, h.ctx)).toEqual({ stopped: 1 });
    await h.until(() => h.ended(r.id) !== undefined, 'repeat ended');
    expect(h.ended(r.id)!.payload.outcome).toBe('stopped');
  });

  it('reset forgets the last words (no repeat for the next person) and restores volume and rate', async () => {
    const h = await audioHarness();
    await h.driver.commands.say({ lang: 'en', text: 'Your name is on the receipt.', interrupt: false }, h.ctx);
    await h.driver.commands.volume({ level: 4 }, h.ctx);
    await h.driver.commands.rate({ rate: 'slower' }, h.ctx);
    const r = await h.driver.commands.reset({}, h.ctx);
    expect(r).toEqual({ level: 2, levels: 5, gainDb: -12, rate: 'normal', stopped: 1 });
    await expect(h.driver.commands.repeat({}, h.ctx)).rejects.toMatchObject({ code: 'NOTHING_TO_REPEAT' });
    expect(h.detail()).toMatchObject({ rate: 'normal', volume: { level: 2 } });
  });

  it('volume steps measured by SoX: 24 dB from quietest to loudest in 6 dB steps', async () => {
    const h = await audioHarness({}, { pace: 'instant' });
    const rms: number[] = [];
    for (let level = 0; level < 5; level++) {
      expect((await h.driver.commands.volume({ level }, h.ctx)).gainDb).toBe([-24, -18, -12, -6, 0][level]);
      const r = await h.driver.commands.play({ clip: 'beep', interrupt: false }, h.ctx);
      await h.until(() => h.ended(r.id) !== undefined, 'beep ended');
      rms.push(soxStat(h.card.played.at(-1)!.file).rms);
    }
    const steps = rms.slice(1).map((x, i) => 20 * Math.log10(x / rms[i]!));
    for (const s of steps) expect(s).toBeCloseTo(6, 1);
    expect(20 * Math.log10(rms[4]! / rms[0]!)).toBeGreaterThanOrEqual(18);
    expect((await h.driver.commands.volume({ step: 9 }, h.ctx)).level).toBe(4);
    expect((await h.driver.commands.volume({ step: -9 }, h.ctx)).level).toBe(0);
  });

  it('the WAV the card wrote is the one SoX reads: our level meter agrees with SoX', async () => {
    const h = await audioHarness({}, { pace: 'instant' });
    const r = await h.driver.commands.play({ clip: 'chime', interrupt: false }, h.ctx);
    await h.until(() => h.ended(r.id) !== undefined, 'ended');
    const p = h.card.played.at(-1)!;
    const sox = soxStat(p.file);
    expect(p.measured.peakDb as number).toBeCloseTo(20 * Math.log10(sox.max), 1);
    expect(p.measured.rmsDb as number).toBeCloseTo(20 * Math.log10(sox.rms), 1);
    expect(readFileSync(p.file).subarray(0, 4).toString()).toBe('RIFF');
  });
});
