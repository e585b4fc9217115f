/**
 * Speech synthesis as a hostile page would drive it, against stand-ins for espeak-ng and piper that
 * record what they were given: text only on stdin (never argv, never a shell), markup and espeak's
 * [[phoneme]] input stripped, length limits, one engine process at a time with a bounded wait, a
 * deadline, prompts rendered once into a bounded disk cache (free text never on disk), Piper per language.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav, tone } from '../../../src/drivers/audio/wav.js';
import { tempDir } from '../../helpers/daemon.js';
import { audioHarness } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'audio');

/** A directory holding the stand-ins and the WAV they answer with (`seconds` long). */
function fakes(seconds = 0.5): { dir: string; espeak: string; piper: string; calls: () => number; argv: (f?: string) => string[][]; stdin: () => string } {
  const dir = tempDir('kioskd-fake-tts-');
  for (const f of ['fake-espeak.sh', 'fake-piper.sh']) copyFileSync(join(FIXTURES, f), join(dir, f));
  writeFileSync(join(dir, 'voice.wav'), encodeWav(tone([300, 500], seconds * 500)));
  const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return {
    dir,
    espeak: join(dir, 'fake-espeak.sh'),
    piper: join(dir, 'fake-piper.sh'),
    calls: () => read('calls').split('\n').filter(Boolean).length,
    argv: (f = 'argv') => read(f).split('\0\n').filter(Boolean).map((l) => l.split('\0')),
    stdin: () => read('stdin'),
  };
}

describe('speech synthesis under hostile input', () => {
  it('text goes on stdin as one string, never into argv or a shell', async () => {
    const f = fakes();
    const marker = join(f.dir, 'pwned');
    const h = await audioHarness({ espeak: { bin: f.espeak } }, { pace: 'instant' });
    const hostile = `$(touch ${marker}); \`touch ${marker}\` | touch ${marker} -v xx --stdout`;
    await h.driver.commands.say({ lang: 'en', text: hostile, interrupt: false }, h.ctx);
    const synth = f.argv().filter((a) => a[0] === '-b');
    expect(synth).toEqual([['-b', '1', '-v', 'en-gb', '-s', '160', '--stdout']]);
    expect(f.stdin()).toContain('$(touch');
    expect(existsSync(marker)).toBe(false);
  });

  it("strips espeak-ng's [[phoneme]] input and markup brackets; SSML is never enabled", async () => {
    const f = fakes();
    const h = await audioHarness({ espeak: { bin: f.espeak } }, { pace: 'instant' });
    await h.driver.commands.say({ lang: 'en', text: "Hello [[h@'loU]] <speak><audio src='x'/></speak> {x}", interrupt: false }, h.ctx);
    expect(f.stdin()).not.toMatch(/\[\[|\]\]|[<>{}]/);
    expect(f.argv().flat()).not.toContain('-m');
  });

  it('refuses text over maxChars before any process runs, and a voice that is not installed', async () => {
    const f = fakes();
    const h = await audioHarness({ espeak: { bin: f.espeak }, maxChars: 100 }, { pace: 'instant' });
    await expect(h.driver.commands.say({ lang: 'en', text: 'x'.repeat(101), interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'TEXT_TOO_LONG' });
    await expect(h.driver.commands.say({ lang: 'en', parts: Array(9).fill({ number: 999_999_999_999 }), interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'TEXT_TOO_LONG' });
    // the stand-in lists ar, en-gb and de only
    await expect(h.driver.commands.say({ lang: 'ru', text: 'Привет', interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'VOICE_UNAVAILABLE' });
    expect(h.detail()).toMatchObject({ voices: { ar: 'espeak-ng:ar', en: 'espeak-ng:en-gb', ru: 'missing', zh: 'missing' } });
    expect(f.calls()).toBe(0);
  });

  it('runs one engine process at a time and refuses beyond maxPendingSynthesis', async () => {
    const f = fakes();
    writeFileSync(join(f.dir, 'delay'), '0.2');
    const h = await audioHarness({ espeak: { bin: f.espeak }, maxPendingSynthesis: 3, maxQueue: 10 }, { pace: 'instant' });
    const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((t) => h.driver.commands.say({ lang: 'en', text: `text ${t}`, interrupt: false }, h.ctx)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)).toEqual(['TTS_BUSY', 'TTS_BUSY']);
    expect(existsSync(join(f.dir, 'overlap'))).toBe(false);
    expect(f.calls()).toBe(3);
  });

  it('kills an engine that overruns synthesisTimeoutMs (SYNTHESIS_FAILED) and logs no text', async () => {
    const f = fakes();
    writeFileSync(join(f.dir, 'delay'), '5');
    const h = await audioHarness({ espeak: { bin: f.espeak }, synthesisTimeoutMs: 1000 }, { pace: 'instant' });
    const t0 = performance.now();
    await expect(h.driver.commands.say({ lang: 'en', text: 'Mr Secret Name', interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'SYNTHESIS_FAILED' });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(h.logs.join('\n')).toContain('"chars":14');
    expect(h.logs.join('\n')).not.toContain('Secret');
  });

  it('a missing espeak-ng stops the start with TTS_UNAVAILABLE and says what to install', async () => {
    await expect(audioHarness({ espeak: { bin: '/nonexistent/espeak-ng' } })).rejects.toMatchObject({ code: 'TTS_UNAVAILABLE', message: expect.stringContaining('apt-get install espeak-ng') });
  });
});

describe('prompts are rendered once and cached on disk, bounded', () => {
  it('renders configured prompts after start, serves them from disk, also after a restart; free text never goes to disk', async () => {
    const f = fakes();
    const stateDir = tempDir('kioskd-audio-state-');
    const config = { espeak: { bin: f.espeak }, prompts: { welcome: { en: 'Welcome.', ar: 'أهلا وسهلا' }, insert_card: { en: 'Please insert your card.' } } };
    const h = await audioHarness(config, { pace: 'instant', stateDir });
    const dir = join(stateDir, 'prompts');
    await h.until(() => existsSync(dir) && readdirSync(dir).filter((n) => n.endsWith('.wav')).length === 3, 'three prompts rendered');
    expect(f.calls()).toBe(3);
    const r = await h.driver.commands.say({ lang: 'en', prompt: 'welcome', interrupt: false }, h.ctx);
    expect(r.cached).toBe(true);
    await h.driver.commands.say({ lang: 'en', text: 'Ahmed Al Mansouri, your fine is paid.', interrupt: false }, h.ctx);
    expect(readdirSync(dir).filter((n) => n.endsWith('.wav'))).toHaveLength(3);
    await h.driver.stop();
    const again = await audioHarness(config, { pace: 'instant', stateDir });
    const r2 = await again.driver.commands.say({ lang: 'en', prompt: 'insert_card', interrupt: false }, again.ctx);
    expect(r2.cached).toBe(true);
    expect(f.calls()).toBe(4);
    await expect(again.driver.commands.say({ lang: 'de', prompt: 'welcome', interrupt: false }, again.ctx)).rejects.toMatchObject({ code: 'PROMPT_UNKNOWN' });
  });

  it('a damaged cache file is rendered again; the cache stays under promptCacheMb', async () => {
    const f = fakes(4); // ~176 KB per prompt
    const stateDir = tempDir('kioskd-audio-state-');
    const prompts = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, { en: `Prompt number ${i}.` }]));
    const h = await audioHarness({ espeak: { bin: f.espeak }, prompts, promptCacheMb: 1 }, { pace: 'instant', stateDir });
    await h.until(() => f.calls() === 9, 'nine prompts rendered');
    await h.until(() => true, '');
    const dir = join(stateDir, 'prompts');
    const files = readdirSync(dir).filter((n) => n.endsWith('.wav'));
    const total = files.reduce((n, x) => n + statSync(join(dir, x)).size, 0);
    expect(total).toBeLessThanOrEqual(1024 * 1024);
    expect(files.length).toBeGreaterThanOrEqual(4);
    writeFileSync(join(dir, files[0]!), 'garbage');
    mkdirSync(join(stateDir, 'x'), { recursive: true });
    await h.driver.stop();
    const again = await audioHarness({ espeak: { bin: f.espeak }, prompts, promptCacheMb: 1 }, { pace: 'instant', stateDir });
    await again.until(() => f.calls() > 9, 'the damaged and evicted prompts rendered again');
  });
});

describe('Piper where configured', () => {
  it('speaks that language with piper (model, rate as length_scale, text on stdin); others stay on espeak-ng', async () => {
    const f = fakes();
    const model = join(f.dir, 'en_GB-test-medium.onnx');
    writeFileSync(model, 'onnx');
    writeFileSync(`${model}.json`, '{}');
    const h = await audioHarness({ espeak: { bin: f.espeak }, voices: { en: { engine: 'piper', model, bin: f.piper } } }, { pace: 'instant' });
    expect(h.detail()).toMatchObject({ voices: { en: 'piper:en_GB-test-medium.onnx', ar: 'espeak-ng:ar' } });
    await h.driver.commands.rate({ rate: 'slower' }, h.ctx);
    const r = await h.driver.commands.say({ lang: 'en', text: 'Please take your receipt.', interrupt: false }, h.ctx);
    expect(r.engine).toBe('piper');
    const [args] = f.argv('piper-argv');
    expect(args!.slice(0, 2)).toEqual(['--model', model]);
    expect(args!.slice(4)).toEqual(['--length_scale', '1.43']);
    expect(readFileSync(join(f.dir, 'piper-stdin'), 'utf8')).toBe('Please take your receipt.\n');
    expect(readdirSync(f.dir).filter((n) => n.startsWith('piper-') && n.endsWith('.wav'))).toEqual([]);
    expect((await h.driver.commands.say({ lang: 'de', text: 'Danke.', interrupt: false }, h.ctx)).engine).toBe('espeak-ng');
  });

  it('a configured Piper model that is missing shows as missing and answers VOICE_UNAVAILABLE', async () => {
    const f = fakes();
    const h = await audioHarness({ espeak: { bin: f.espeak }, voices: { en: { engine: 'piper', model: '/nonexistent/en.onnx', bin: f.piper } } }, { pace: 'instant' });
    expect(h.detail()).toMatchObject({ voices: { en: 'missing' } });
    await expect(h.driver.commands.say({ lang: 'en', text: 'Hello', interrupt: false }, h.ctx)).rejects.toMatchObject({ code: 'VOICE_UNAVAILABLE' });
  });
});
