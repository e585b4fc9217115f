/** `kioskd doctor`'s sound checks: espeak-ng, every configured voice (really synthesised), the sound device. */
import { describe, expect, it } from 'vitest';
import { checkAudio } from '../../../src/cli/doctor-audio.js';
import { validateConfig } from '../../../src/daemon/config/load.js';
import { hasEspeak } from '../../helpers/env.js';

const user = { name: 'kioskd', uid: 1000, gid: 1000, gids: [1000], groupNames: ['kioskd'] };

describe.skipIf(!hasEspeak)('doctor: sound', () => {
  it('passes espeak-ng and all seven voices, and skips the device when simulated', async () => {
    const checks = await checkAudio(validateConfig({ simulation: true, devices: { audio: {} } }, 't'), user);
    expect(checks.map((c) => `${c.name}:${c.result}`)).toEqual([
      'espeak-ng:pass', 'voice ar:pass', 'voice en:pass', 'voice es:pass', 'voice fr:pass', 'voice de:pass', 'voice ru:pass', 'voice zh:pass', 'sound device:skip',
    ]);
    expect(checks.find((c) => c.name === 'voice zh')!.detail).toMatch(/^espeak-ng cmn-latn-pinyin: \d+ ms, peak/);
  });

  it('fails a voice that does not exist and a Piper model that is missing, each with its fix', async () => {
    const config = validateConfig({ simulation: true, devices: { audio: { voices: { fr: { engine: 'espeak-ng', voice: 'xx-nonexistent' }, en: { engine: 'piper', model: '/nonexistent/en.onnx' } } } } }, 't');
    const checks = await checkAudio(config, user);
    expect(checks.find((c) => c.name === 'voice fr')).toMatchObject({ result: 'fail', fix: expect.stringContaining('espeak-ng --voices') });
    expect(checks.find((c) => c.name === 'voice en')).toMatchObject({ result: 'fail', fix: expect.stringContaining('/nonexistent/en.onnx') });
  });

  it('fails a sound device that cannot be opened, saying how to find the right one', async () => {
    const checks = await checkAudio(validateConfig({ devices: { audio: { device: 'hw:CARD=NoSuchCard' } } }, 't'), { ...user, uid: 0 });
    const dev = checks.find((c) => c.name === 'sound device' || c.name === 'sound card');
    expect(dev).toMatchObject({ result: 'fail', fix: expect.stringMatching(/aplay -[lL]/) });
  });
});

describe('doctor: sound without espeak-ng', () => {
  it('fails espeak-ng with the package to install, and is silent when no audio device is configured', async () => {
    const checks = await checkAudio(validateConfig({ simulation: true, devices: { audio: { espeak: { bin: '/nonexistent/espeak-ng' } } } }, 't'), user);
    expect(checks[0]).toMatchObject({ name: 'espeak-ng', result: 'fail', fix: 'sudo apt-get install -y espeak-ng' });
    expect(await checkAudio(validateConfig({ simulation: true }, 't'), user)).toEqual([]);
  });
});
