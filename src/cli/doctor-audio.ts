/**
 * `kioskd doctor` checks for sound: espeak-ng runs, every language's configured voice really speaks
 * (a short phrase is synthesised and measured), and on a real kiosk the sound device opens (100 ms of
 * silence is played through the configured player and device) for a user in the audio group.
 * Processes are started through src/transports/audio, as the driver does.
 */
import { readdir, stat } from 'node:fs/promises';
import type { KioskConfig } from '../daemon/config/schema.js';
import { voiceFor } from '../drivers/audio/config.js';
import { decodeWav, durationMs, encodeWav, levels } from '../drivers/audio/wav.js';
import { SPEECH_LANGS, type SpeechLang } from '../drivers/audio/words/langs.js';
import { EspeakEngine } from '../transports/audio/espeak.js';
import { PiperEngine } from '../transports/audio/piper.js';
import { ProcessPlayer } from '../transports/audio/player.js';
import { findTool } from '../transports/audio/tool.js';
import type { Account, Check } from './doctor-checks.js';

/** What each voice is asked to say: the digits 1 2 3, which every voice has rules for. */
const PHRASE: Record<SpeechLang, string> = { ar: '1 2 3', en: '1 2 3', es: '1 2 3', fr: '1 2 3', de: '1 2 3', ru: '1 2 3', zh: 'yi1 er4 san1' };
const LIMITS = { timeoutMs: 15_000, maxOutputBytes: 8 * 1024 * 1024 };

function measured(wav: Buffer): { ms: number; peakDb: number } {
  const pcm = decodeWav(wav);
  return { ms: durationMs(pcm), peakDb: levels(pcm).peakDb };
}

async function checkVoice(config: NonNullable<KioskConfig['devices']['audio']>, lang: SpeechLang, espeak: EspeakEngine, workDir: string): Promise<Check> {
  const v = voiceFor(config, lang);
  const name = `voice ${lang}`;
  try {
    const wav =
      v.engine === 'espeak-ng'
        ? await espeak.synthesize({ text: PHRASE[lang], voice: v.voice, wpm: config.espeak.wpm })
        : await new PiperEngine({ workDir, ...LIMITS }).synthesize({ bin: v.bin, model: v.model, config: v.config, speaker: v.speaker }, lang === 'zh' ? '一二三' : PHRASE[lang], 1);
    const m = measured(wav);
    if (m.ms < 300 || m.peakDb < -40) throw new Error(`produced ${m.ms} ms at a peak of ${m.peakDb} dBFS`);
    return { name, result: 'pass', detail: `${v.engine === 'espeak-ng' ? `espeak-ng ${v.voice}` : `piper ${v.model}`}: ${m.ms} ms, peak ${m.peakDb} dBFS` };
  } catch (err) {
    const fix =
      v.engine === 'espeak-ng'
        ? `sudo apt-get install -y espeak-ng-data; "espeak-ng --voices" lists the voice names for devices.audio.voices.${lang}`
        : `install piper and the voice files (${v.model} and its .onnx.json), or remove devices.audio.voices.${lang} to use espeak-ng`;
    return { name, result: 'fail', detail: (err as Error).message, fix };
  }
}

async function checkSoundDevice(config: NonNullable<KioskConfig['devices']['audio']>, account: Account): Promise<Check[]> {
  const out: Check[] = [];
  const bin = config.player === 'pw-play' ? 'pw-play' : 'aplay';
  if (!(await findTool(bin))) return [{ name: `sound player ${bin}`, result: 'fail', detail: `${bin} not found in PATH`, fix: `sudo apt-get install -y ${bin === 'aplay' ? 'alsa-utils' : 'pipewire-bin'}` }];
  const nodes = await readdir('/dev/snd').catch(() => []);
  if (bin === 'aplay' && nodes.length === 0) {
    out.push({ name: 'sound card', result: 'fail', detail: 'no /dev/snd: the kernel sees no sound card', fix: 'Pi: dtparam=audio=on in /boot/firmware/config.txt and reboot, or plug the USB handset in; aplay -l lists the cards' });
  } else if (bin === 'aplay' && account.uid !== 0) {
    const gid = await stat(`/dev/snd/${nodes.find((n) => n.startsWith('pcm')) ?? nodes[0]}`).then((s) => s.gid, () => undefined);
    const inGroup = gid === undefined || account.gids.includes(gid);
    out.push(inGroup ? { name: 'group audio', result: 'pass', detail: `${account.name} may open /dev/snd` } : { name: 'group audio', result: 'fail', detail: `${account.name} is not in the group owning /dev/snd`, fix: `sudo usermod -aG audio ${account.name} && sudo systemctl restart kioskd` });
  }
  const silence = encodeWav({ sampleRate: 22050, channels: 1, samples: new Int16Array(2205) });
  const player = new ProcessPlayer({ kind: bin, device: config.device });
  try {
    await player.play(silence, 100, new AbortController().signal);
    out.push({ name: 'sound device', result: 'pass', detail: `${player.label} opened and played 100 ms of silence` });
  } catch (err) {
    const msg = (err as Error).message;
    out.push(/busy/i.test(msg)
      ? { name: 'sound device', result: 'skip', detail: `${player.label} is busy (kioskd may be speaking): ${msg}` }
      : { name: 'sound device', result: 'fail', detail: `${player.label}: ${msg}`, fix: `"aplay -L" lists the PCMs: set devices.audio.device to one (e.g. plughw:CARD=Headphones,DEV=0); check the cable or USB handset` });
  }
  return out;
}

export async function checkAudio(config: KioskConfig, account: Account, workDir = '/tmp'): Promise<Check[]> {
  const audio = config.devices.audio;
  if (!audio || !audio.enabled) return [];
  const espeak = new EspeakEngine({ bin: audio.espeak.bin, ...LIMITS });
  const out: Check[] = [];
  try {
    out.push({ name: 'espeak-ng', result: 'pass', detail: `version ${await espeak.version()}` });
  } catch (err) {
    out.push({ name: 'espeak-ng', result: 'fail', detail: (err as Error).message, fix: 'sudo apt-get install -y espeak-ng' });
  }
  for (const lang of SPEECH_LANGS) out.push(await checkVoice(audio, lang, espeak, workDir));
  if (audio.simulate || config.simulation || audio.player === 'sim') out.push({ name: 'sound device', result: 'skip', detail: 'simulated: sounds go to WAV files' });
  else out.push(...(await checkSoundDevice(audio, account)));
  return out;
}
