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
import { yes, type BenchResult, type Row, type Verdict } from './lib/section.js';
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

/** Runs every side `n` times in rotating blocks (ABC, BCA, CAB…) after `warm` unrecorded runs each. */
async function alternate(sides: Sided[], n: number, warm: number, block: number): Promise<Timed[]> {
  for (let i = 0; i < warm; i++) for (const side of sides) await side.run(i);
  const out: Timed[] = sides.map(() => ({ ms: [], cpu: 0, writes: 0 }));
  for (let blockNo = 0; (out[0]?.ms.length ?? n) < n; blockNo++) {
    for (let j = 0; j < sides.length; j++) {
      const at = (blockNo + j) % sides.length;
      const side = sides[at];
      const t = out[at];
      if (!side || !t) continue;
      const cpu0 = cpuSeconds(side.pid);
      const w0 = syscalls(side.pid).writes;
      for (let i = 0; i < block && t.ms.length < n; i++) t.ms.push(await side.run(t.ms.length));
      t.cpu += cpuSeconds(side.pid) - cpu0;
      t.writes += syscalls(side.pid).writes - w0;
    }
  }
  return out;
}

const cpuUs = (t: Timed): number => (t.cpu / t.ms.length) * 1e6;

function row(path: string, t: Timed): Row {
  const s = summarize(t.ms);
  return {
    path,
    n: s.n,
    'p50 ms': fmt(s.p50),
    'p99 ms': fmt(s.p99),
    'max ms': fmt(s.max, 2),
    'mean ms': fmt(s.mean),
    'CPU µs/op': fmt(cpuUs(t), 0),
    'writes/op': fmt(t.writes / t.ms.length, 2),
  };
}

function ratioRow(path: string, kt: Timed, ft: Timed): Row {
  const [k, f] = [summarize(kt.ms), summarize(ft.ms)];
  const x = (a: number, b: number): string => `${fmt(ratio(a, b), 2)}x`;
  return { path, n: '', 'p50 ms': x(k.p50, f.p50), 'p99 ms': x(k.p99, f.p99), 'max ms': '', 'mean ms': x(k.mean, f.mean), 'CPU µs/op': x(cpuUs(kt), cpuUs(ft)), 'writes/op': '' };
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
    const toggle = (i: number): string => JSON.stringify({ line: 'light_printer', value: i % 2 === 0 });
    const steady = (): string => JSON.stringify({ line: 'light_printer', value: true });
    const kp = kioskd.pid;
    const fp = responder.proc.pid ?? -1;
    const set = (base: string, body: string): Promise<number> => timer.time(`${base}/device/gpio/request/set`, body, `${base}/device/gpio/response/set`);
    const [rtT, rtS, rtF] = (await alternate(
      [
        { pid: kp, run: (i) => set(k, toggle(i)) },
        { pid: kp, run: () => set(k, steady()) },
        { pid: fp, run: (i) => set(f, toggle(i)) },
      ],
      n,
      o.quick ? 100 : 500,
      250,
    )) as [Timed, Timed, Timed];
    const inputBody = (i: number): string => JSON.stringify({ line: 'presence', value: i % 2 === 0 });
    const isPresence = (i: number) => (p: Buffer): boolean => {
      const e = JSON.parse(p.toString()) as { line: string; value: boolean };
      return e.line === 'presence' && e.value === (i % 2 === 0);
    };
    // kioskd only publishes a change, so both sides alternate the level from the same start.
    let ki = 0;
    let fi = 0;
    const [evK, evF] = (await alternate(
      [
        { pid: kp, run: () => { const i = ki++; return eventTimer.time(`${k}/sim/gpio/request/input`, inputBody(i), `${k}/device/gpio/event/change`, isPresence(i)); } },
        { pid: fp, run: () => { const i = fi++; return eventTimer.time(`${f}/sim/gpio/request/input`, inputBody(i), `${f}/device/gpio/event/change`, isPresence(i)); } },
      ],
      nEvents,
      o.quick ? 50 : 200,
      100,
    )) as [Timed, Timed];
    const [rt, rs, rf, ek, ef] = [rtT, rtS, rtF, evK, evF].map((t) => summarize(t.ms)) as [Summary, Summary, Summary, Summary, Summary];
    const v = (figure: string, a: number, b: number, max: number): Verdict => ({ figure, value: `${fmt(ratio(a, b), 2)}x`, target: `≤ ${max}x`, met: ratio(a, b) <= max });
    const verdicts: Verdict[] = [
      v('round trip p50 / floor: set, no change (response only, like the floor)', rs.p50, rf.p50, 1.3),
      v('round trip p99 / floor: set, no change', rs.p99, rf.p99, 1.5),
      v('round trip p50 / floor: set toggling (+ change event before the response)', rt.p50, rf.p50, 1.3),
      v('round trip p99 / floor: set toggling', rt.p99, rf.p99, 1.5),
      v('GPIO input → event p50 / floor', ek.p50, ef.p50, 1.3),
    ];
    return {
      sections: [
        {
          title: 'Request round trip (GPIO set) and GPIO input event, kioskd vs floor',
          rows: [
            row('round trip, floor', rtF),
            row('round trip, kioskd set, no change', rtS),
            ratioRow('  ratio to floor', rtS, rtF),
            row('round trip, kioskd set toggling', rtT),
            ratioRow('  ratio to floor', rtT, rtF),
            row('input → event, floor', evF),
            row('input → event, kioskd', evK),
            ratioRow('  ratio to floor', evK, evF),
          ],
          notes: [
            `Round trip: ${n} sequential QoS 1 requests \`device/gpio/request/set\` per variant, answered on \`device/gpio/response/set\`: \`no change\` sets the line to the level it has (kioskd answers, nothing else), \`toggling\` alternates on/off, so kioskd also publishes a \`change\` event before the response (and the retained state after it): a second message the broker routes, which the floor does not send. Floor: bench/responder.ts, a bare mqtt.js process answering the same request through the same Mosquitto. Rotating blocks of 250 after ${o.quick ? 100 : 500} warm-up requests each. CPU µs/op and writes/op: the answering process's utime+stime and write system calls (/proc) over its blocks.`,
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
