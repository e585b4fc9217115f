/**
 * Request round trip and event latency through kioskd, each against its floor (bench/responder.ts)
 * through the same Mosquitto in the same run. Runs alternate in blocks (ABBA) so that drift of a
 * shared machine hits both sides alike; both are warmed up first.
 */
import type { MqttClient } from 'mqtt';
import { gpioBenchConfig } from './lib/configs.js';
import { startKioskd } from './lib/kioskd.js';
import { closeClient, connectClient, subscribe } from './lib/mqtt.js';
import { startResponder } from './lib/responder.js';
import { yes, type BenchResult, type BenchSection, type Verdict } from './lib/section.js';
import { fmt, ratio, summarize, type Summary } from './lib/stats.js';

const FLOOR_BASE = 'bench-floor/responder';

/** Sends one message and resolves with the milliseconds until the awaited reply. */
class Timer {
  private waiting: { topic: string; match: (p: Buffer) => boolean; resolve: (ms: number) => void; t0: number } | undefined;

  constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      const w = this.waiting;
      if (!w || w.topic !== topic || !w.match(payload)) return;
      this.waiting = undefined;
      w.resolve(performance.now() - w.t0);
    });
  }

  time(pubTopic: string, body: string, replyTopic: string, match: (p: Buffer) => boolean = () => true): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply on ${replyTopic} within 5 s`)), 5000);
      this.waiting = { topic: replyTopic, match, resolve: (ms) => (clearTimeout(timer), resolve(ms)), t0: performance.now() };
      this.client.publish(pubTopic, body, { qos: 1 });
    });
  }
}

type Side = (i: number) => Promise<number>;

/** Runs both sides `n` times each in alternating blocks after `warm` unrecorded runs each. */
async function alternate(a: Side, b: Side, n: number, warm: number, block: number): Promise<[number[], number[]]> {
  for (let i = 0; i < warm; i++) {
    await a(i);
    await b(i);
  }
  const ra: number[] = [];
  const rb: number[] = [];
  for (let blockNo = 0; ra.length < n; blockNo++) {
    const order: Array<[Side, number[]]> = blockNo % 2 === 0 ? [[a, ra], [b, rb]] : [[b, rb], [a, ra]];
    for (const [side, out] of order) {
      for (let i = 0; i < block && out.length < n; i++) out.push(await side(out.length));
    }
  }
  return [ra, rb];
}

function rows(name: string, k: Summary, f: Summary): BenchSection['rows'] {
  const row = (who: string, s: Summary): BenchSection['rows'][number] => ({
    path: who,
    n: s.n,
    'p50 ms': fmt(s.p50),
    'p99 ms': fmt(s.p99),
    'max ms': fmt(s.max, 2),
    'mean ms': fmt(s.mean),
  });
  return [
    row(`${name}: kioskd`, k),
    row(`${name}: floor`, f),
    { path: `${name}: ratio`, n: '', 'p50 ms': `${fmt(ratio(k.p50, f.p50), 2)}x`, 'p99 ms': `${fmt(ratio(k.p99, f.p99), 2)}x`, 'max ms': '', 'mean ms': `${fmt(ratio(k.mean, f.mean), 2)}x` },
  ];
}

export async function benchLatency(o: { quick: boolean; brokerUrl: string }): Promise<BenchResult> {
  const n = o.quick ? 500 : 5000;
  const nEvents = o.quick ? 300 : 2000;
  const { kioskd } = await startKioskd({ brokerUrl: o.brokerUrl, kioskId: 'bench-latency', config: gpioBenchConfig, devices: ['gpio'] });
  const responder = await startResponder(o.brokerUrl, FLOOR_BASE);
  const client = await connectClient(o.brokerUrl);
  try {
    const k = kioskd.base;
    const f = FLOOR_BASE;
    await subscribe(client, [`${k}/device/gpio/response/set`, `${f}/device/gpio/response/set`, `${k}/device/gpio/event/change`, `${f}/device/gpio/event/change`]);
    const timer = new Timer(client);
    const setBody = (i: number): string => JSON.stringify({ line: 'light_printer', value: i % 2 === 0 });
    const [rtK, rtF] = await alternate(
      (i) => timer.time(`${k}/device/gpio/request/set`, setBody(i), `${k}/device/gpio/response/set`),
      (i) => timer.time(`${f}/device/gpio/request/set`, setBody(i), `${f}/device/gpio/response/set`),
      n,
      o.quick ? 100 : 500,
      250,
    );
    const inputBody = (i: number): string => JSON.stringify({ line: 'presence', value: i % 2 === 0 });
    const isPresence = (i: number) => (p: Buffer): boolean => {
      const e = JSON.parse(p.toString()) as { line: string; value: boolean };
      return e.line === 'presence' && e.value === (i % 2 === 0);
    };
    // kioskd only publishes a change, so both sides alternate the level from the same start.
    let ki = 0;
    let fi = 0;
    const [evK, evF] = await alternate(
      () => { const i = ki++; return timer.time(`${k}/sim/gpio/request/input`, inputBody(i), `${k}/device/gpio/event/change`, isPresence(i)); },
      () => { const i = fi++; return timer.time(`${f}/sim/gpio/request/input`, inputBody(i), `${f}/device/gpio/event/change`, isPresence(i)); },
      nEvents,
      o.quick ? 50 : 200,
      100,
    );
    const [rk, rf, ek, ef] = [summarize(rtK), summarize(rtF), summarize(evK), summarize(evF)];
    const verdicts: Verdict[] = [
      { figure: 'request round trip p50 / floor', value: `${fmt(ratio(rk.p50, rf.p50), 2)}x`, target: '≤ 1.3x', met: ratio(rk.p50, rf.p50) <= 1.3 },
      { figure: 'request round trip p99 / floor', value: `${fmt(ratio(rk.p99, rf.p99), 2)}x`, target: '≤ 1.5x', met: ratio(rk.p99, rf.p99) <= 1.5 },
      { figure: 'GPIO input → event p50 / floor', value: `${fmt(ratio(ek.p50, ef.p50), 2)}x`, target: '≤ 1.3x', met: ratio(ek.p50, ef.p50) <= 1.3 },
    ];
    return {
      sections: [
        {
          title: 'Request round trip (GPIO set) and GPIO input event, kioskd vs floor',
          rows: [...rows('round trip', rk, rf), ...rows('input → event', ek, ef)],
          notes: [
            `Round trip: ${n} sequential QoS 1 requests \`device/gpio/request/set\` (alternating on/off, so each one also publishes a change event and the retained state), answered on \`device/gpio/response/set\`. Floor: bench/responder.ts, a bare mqtt.js process answering the same request through the same Mosquitto. Alternating blocks of 250 after ${o.quick ? 100 : 500} warm-up requests each.`,
            `Input → event: ${nEvents} \`sim/gpio/request/input\` publishes (line without debounce, alternating level) until \`device/gpio/event/change\` arrives. Floor: the responder turns the same publish into a raw event publish. ${['Verdicts:', ...verdicts.map((v) => `${v.figure} ${v.value} (${v.target}: ${yes(v.met)})`)].join(' ')}`,
          ],
        },
      ],
      verdicts,
    };
  } finally {
    await closeClient(client);
    await responder.stop();
    await kioskd.stop();
  }
}
