/**
 * Request round trip and event latency through kioskd, each against its floor (bench/responder.ts)
 * through the same Mosquitto in the same run. Runs alternate in blocks (ABBA) so that drift of a
 * shared machine hits both sides alike; both are warmed up first.
 */
import type { MqttClient } from 'mqtt';
import { gpioBenchConfig } from './lib/configs.js';
import { startKioskd } from './lib/kioskd.js';
import { closeClient, connectClient, subscribe } from './lib/mqtt.js';
import { cpuSeconds, syscalls } from './lib/proc.js';
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

interface Sided {
  run: Side;
  /** The process doing the work on this side, whose CPU time is summed over its blocks. */
  pid: number;
}

interface Timed {
  ms: number[];
  /** CPU seconds (user + system) the side's process spent during its recorded blocks. */
  cpu: number;
  /** Write system calls it made meanwhile. */
  writes: number;
}

/** Runs both sides `n` times each in alternating blocks after `warm` unrecorded runs each. */
async function alternate(a: Sided, b: Sided, n: number, warm: number, block: number): Promise<[Timed, Timed]> {
  for (let i = 0; i < warm; i++) {
    await a.run(i);
    await b.run(i);
  }
  const ra: Timed = { ms: [], cpu: 0, writes: 0 };
  const rb: Timed = { ms: [], cpu: 0, writes: 0 };
  for (let blockNo = 0; ra.ms.length < n; blockNo++) {
    const order: Array<[Sided, Timed]> = blockNo % 2 === 0 ? [[a, ra], [b, rb]] : [[b, rb], [a, ra]];
    for (const [side, out] of order) {
      const cpu0 = cpuSeconds(side.pid);
      const w0 = syscalls(side.pid).writes;
      for (let i = 0; i < block && out.ms.length < n; i++) out.ms.push(await side.run(out.ms.length));
      out.cpu += cpuSeconds(side.pid) - cpu0;
      out.writes += syscalls(side.pid).writes - w0;
    }
  }
  return [ra, rb];
}

function rows(name: string, kt: Timed, ft: Timed): BenchSection['rows'] {
  const [k, f] = [summarize(kt.ms), summarize(ft.ms)];
  const cpuUs = (t: Timed): number => (t.cpu / t.ms.length) * 1e6;
  const row = (who: string, s: Summary, t: Timed): BenchSection['rows'][number] => ({
    path: who,
    n: s.n,
    'p50 ms': fmt(s.p50),
    'p99 ms': fmt(s.p99),
    'max ms': fmt(s.max, 2),
    'mean ms': fmt(s.mean),
    'CPU µs/op': fmt(cpuUs(t), 0),
    'writes/op': fmt(t.writes / t.ms.length, 2),
  });
  return [
    row(`${name}: kioskd`, k, kt),
    row(`${name}: floor`, f, ft),
    {
      path: `${name}: ratio`,
      n: '',
      'p50 ms': `${fmt(ratio(k.p50, f.p50), 2)}x`,
      'p99 ms': `${fmt(ratio(k.p99, f.p99), 2)}x`,
      'max ms': '',
      'mean ms': `${fmt(ratio(k.mean, f.mean), 2)}x`,
      'CPU µs/op': `${fmt(ratio(cpuUs(kt), cpuUs(ft)), 2)}x`,
      'writes/op': '',
    },
  ];
}

export async function benchLatency(o: { quick: boolean; brokerUrl: string; nodeArgs?: string[] }): Promise<BenchResult> {
  const n = o.quick ? 500 : 5000;
  const nEvents = o.quick ? 300 : 2000;
  const { kioskd } = await startKioskd({ brokerUrl: o.brokerUrl, kioskId: 'bench-latency', config: gpioBenchConfig, devices: ['gpio'], ...(o.nodeArgs ? { nodeArgs: o.nodeArgs } : {}) });
  const responder = await startResponder(o.brokerUrl, FLOOR_BASE);
  // One client per phase, subscribed to what that phase awaits only (as a UI that does not watch events).
  const client = await connectClient(o.brokerUrl);
  const watcher = await connectClient(o.brokerUrl);
  try {
    const k = kioskd.base;
    const f = FLOOR_BASE;
    await subscribe(client, [`${k}/device/gpio/response/set`, `${f}/device/gpio/response/set`]);
    await subscribe(watcher, [`${k}/device/gpio/event/change`, `${f}/device/gpio/event/change`]);
    const timer = new Timer(client);
    const eventTimer = new Timer(watcher);
    const setBody = (i: number): string => JSON.stringify({ line: 'light_printer', value: i % 2 === 0 });
    const kp = kioskd.pid;
    const fp = responder.proc.pid ?? -1;
    const [rtK, rtF] = await alternate(
      { pid: kp, run: (i) => timer.time(`${k}/device/gpio/request/set`, setBody(i), `${k}/device/gpio/response/set`) },
      { pid: fp, run: (i) => timer.time(`${f}/device/gpio/request/set`, setBody(i), `${f}/device/gpio/response/set`) },
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
      { pid: kp, run: () => { const i = ki++; return eventTimer.time(`${k}/sim/gpio/request/input`, inputBody(i), `${k}/device/gpio/event/change`, isPresence(i)); } },
      { pid: fp, run: () => { const i = fi++; return eventTimer.time(`${f}/sim/gpio/request/input`, inputBody(i), `${f}/device/gpio/event/change`, isPresence(i)); } },
      nEvents,
      o.quick ? 50 : 200,
      100,
    );
    const [rk, rf, ek, ef] = [summarize(rtK.ms), summarize(rtF.ms), summarize(evK.ms), summarize(evF.ms)];
    const verdicts: Verdict[] = [
      { figure: 'request round trip p50 / floor', value: `${fmt(ratio(rk.p50, rf.p50), 2)}x`, target: '≤ 1.3x', met: ratio(rk.p50, rf.p50) <= 1.3 },
      { figure: 'request round trip p99 / floor', value: `${fmt(ratio(rk.p99, rf.p99), 2)}x`, target: '≤ 1.5x', met: ratio(rk.p99, rf.p99) <= 1.5 },
      { figure: 'GPIO input → event p50 / floor', value: `${fmt(ratio(ek.p50, ef.p50), 2)}x`, target: '≤ 1.3x', met: ratio(ek.p50, ef.p50) <= 1.3 },
    ];
    return {
      sections: [
        {
          title: 'Request round trip (GPIO set) and GPIO input event, kioskd vs floor',
          rows: [...rows('round trip', rtK, rtF), ...rows('input → event', evK, evF)],
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
    await closeClient(watcher);
    await responder.stop();
    await kioskd.stop();
  }
}
