/**
 * Checks a running simulated kiosk over MQTT, as its first user would: the bridge online and all five
 * money/ID devices ready, audio ready (or, without espeak-ng, in fault TTS_UNAVAILABLE saying what to
 * install), accessible mode and assistance retained; an Arabic and a Chinese receipt print (the page the virtual printer decoded from the
 * wire) and preview, each matching the reviewed golden image (so the shaping and the fonts are right).
 * Used by .ci/fresh-machine.sh (Node alone: no socat, fonts, Mosquitto, gpiod or compiler) and
 * .ci/arm64-smoke.sh (the arm64 package under emulation). Runs on the host: tsx test/fresh/check-kiosk.ts
 *   --url mqtt://127.0.0.1:1883 --base kiosk/sim-kiosk [--playground http://127.0.0.1:8080/] [--timeout-s 60]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { receiptFor, type Lang } from '../fixtures/printer/receipts.js';
import { compareToGolden, MAX_DIFF_RATIO } from '../helpers/png-diff.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, base: { type: 'string' }, playground: { type: 'string' }, 'timeout-s': { type: 'string' } } });
const url = values.url ?? 'mqtt://127.0.0.1:1883';
const base = values.base ?? 'kiosk/sim-kiosk';
const timeoutMs = Number(values['timeout-s'] ?? 60) * 1000;
const DEVICES = ['gpio', 'printer', 'scanner', 'card', 'cash'];
const GOLDEN = join(import.meta.dirname, '..', 'golden', 'printer');

let failed = 0;
const ok = (what: string): void => void process.stdout.write(`ok   - ${what}\n`);
const fail = (what: string): void => {
  failed++;
  process.stdout.write(`FAIL - ${what}\n`);
};

const retained = new Map<string, unknown>();
const waiters: Array<() => void> = [];
async function until(what: string, check: () => boolean, ms = timeoutMs): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, 200);
    });
  }
  return true;
}

// The daemon may still be starting (npm start builds first): keep trying until the time is up.
const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 500 });
client.on('error', () => undefined);
const connected = await new Promise<boolean>((resolve) => {
  const timer = setTimeout(() => resolve(false), timeoutMs);
  client.once('connect', () => (clearTimeout(timer), resolve(true)));
});
if (!connected) {
  process.stdout.write(`FAIL - no broker at ${url} within ${timeoutMs / 1000} s\n`);
  process.exit(1);
}
client.on('message', (topic, payload) => {
  try {
    retained.set(topic.slice(base.length + 1), JSON.parse(payload.toString('utf8')));
  } catch {
    /* not JSON */
  }
  waiters.splice(0).forEach((w) => w());
});
await client.subscribeAsync([`${base}/bridge/state`, `${base}/bridge/accessible`, `${base}/bridge/assistance`, `${base}/device/+/state`, `${base}/device/printer/response/+`, `${base}/sim/printer/response/+`], { qos: 1 });

const status = (d: string): string | undefined => (retained.get(`device/${d}/state`) as { status?: string } | undefined)?.status;
if (await until('online', () => (retained.get('bridge/state') as { state?: string } | undefined)?.state === 'online')) ok(`bridge online at ${url}`);
else fail(`bridge not online at ${url}`);
for (const d of DEVICES) {
  if (await until(d, () => status(d) === 'ready')) ok(`${d} ready`);
  else fail(`${d} is ${status(d) ?? 'absent'}: ${JSON.stringify(retained.get(`device/${d}/state`))}`);
}

// Speech needs Debian's espeak-ng (not on npm). Without it the audio device must say so to the
// technician — fault TTS_UNAVAILABLE naming the package — and nothing else may suffer for it.
const espeak = spawnSync('espeak-ng', ['--version']).status === 0;
const audio = (): { status?: string; error?: { code?: string; message?: string } } | undefined => retained.get('device/audio/state') as never;
if (espeak) {
  if (await until('audio', () => audio()?.status === 'ready')) ok('audio ready (espeak-ng installed)');
  else fail(`audio is ${JSON.stringify(audio())}`);
} else if (await until('audio', () => audio()?.status === 'fault' && audio()?.error?.code === 'TTS_UNAVAILABLE' && /apt-get install espeak-ng/.test(audio()?.error?.message ?? ''))) {
  ok(`audio in fault TTS_UNAVAILABLE without espeak-ng, saying what to install: "${audio()?.error?.message ?? ''}"`);
} else fail(`audio without espeak-ng: ${JSON.stringify(audio())}`);
const a11y = retained.get('bridge/accessible') as { on?: boolean } | undefined;
const assist = retained.get('bridge/assistance') as { requested?: boolean } | undefined;
if (a11y?.on === false && assist?.requested === false) ok('accessible mode off and no assistance pending (retained)');
else fail(`bridge/accessible ${JSON.stringify(a11y)}, bridge/assistance ${JSON.stringify(assist)}`);

let seq = 0;
async function request(scope: 'device' | 'sim', command: string, payload: Record<string, unknown>): Promise<{ status: string; data?: Record<string, unknown>; error?: { code: string; message: string } }> {
  const transaction = `fresh-${process.pid}-${++seq}`;
  const key = `${scope === 'device' ? 'device' : 'sim'}/printer/response/${command}`;
  retained.delete(key);
  await client.publishAsync(`${base}/${scope}/printer/request/${command}`, JSON.stringify({ ...payload, transaction }), { qos: 1 });
  const answered = await until(key, () => (retained.get(key) as { transaction?: string } | undefined)?.transaction === transaction);
  if (!answered) return { status: 'error', error: { code: 'TIMEOUT', message: `no ${key} in ${timeoutMs} ms` } };
  return retained.get(key) as { status: string };
}

function matches(what: string, pngBase64: unknown, lang: Lang): void {
  if (typeof pngBase64 !== 'string') return fail(`${what}: no PNG`);
  const { diff, total, sizeMatch } = compareToGolden(Buffer.from(pngBase64, 'base64'), join(GOLDEN, `${lang}.png`));
  if (sizeMatch && diff / total <= MAX_DIFF_RATIO) ok(`${what} matches test/golden/printer/${lang}.png (${diff} of ${total} dots differ)`);
  else fail(`${what} differs from test/golden/printer/${lang}.png (${sizeMatch ? `${diff} of ${total} dots` : 'size'})`);
}

for (const lang of ['ar', 'zh'] as const) {
  const document = receiptFor(lang);
  const printed = await request('device', 'print', { document, idempotencyKey: `fresh-${lang}-${Date.now()}` });
  if (printed.status !== 'ok') fail(`${lang} receipt print: ${JSON.stringify(printed.error)}`);
  else {
    ok(`${lang} receipt printed`);
    matches(`${lang} printed page`, (await request('sim', 'lastPage', {})).data?.png, lang);
  }
  const preview = await request('device', 'preview', { document });
  if (preview.status !== 'ok') fail(`${lang} preview: ${JSON.stringify(preview.error)}`);
  else matches(`${lang} preview`, preview.data?.png, lang);
}

if (values.playground) {
  const res = await fetch(new URL('/config.json', values.playground)).catch((err: Error) => err);
  if (res instanceof Error || !res.ok) fail(`playground ${values.playground}: ${res instanceof Error ? res.message : res.status}`);
  else ok(`playground serves ${values.playground} (kiosk ${String(((await res.json()) as { kioskId?: string }).kioskId)})`);
}

await client.endAsync();
process.stdout.write(failed === 0 ? 'kiosk checks: all ok\n' : `kiosk checks: ${failed} failing\n`);
process.exit(failed === 0 ? 0 : 1);
