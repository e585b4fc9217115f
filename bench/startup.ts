/**
 * Start-up (process spawn to bridge/state online with every simulated device ready), then resident
 * memory and CPU use of the idle daemon, read from /proc as an operator would. The simulators run in
 * their own process (`kioskd simulate`, started and ready before the daemon), so every figure is the
 * daemon's alone with its drivers in real mode; the simulator process's own cost is shown beside it.
 * The Pi-class rows run the same daemon pinned to one core under a CPU quota (bench/lib/pi.ts).
 */
import { ALL_DEVICES, allDevicesConfig, gpioBenchConfig } from './lib/configs.js';
import { startKioskd } from './lib/kioskd.js';
import { piClass, type PiClass } from './lib/pi.js';
import { cpuPercent, cpuSeconds, rssBytes } from './lib/proc.js';
import { yes, type BenchResult, type Row, type Verdict } from './lib/section.js';
import { fmt, mb, sleep, summarize } from './lib/stats.js';

interface Case {
  name: string;
  config: Record<string, unknown>;
  devices: readonly string[];
  pi?: boolean;
}

const CASES: Case[] = [
  { name: 'GPIO only', config: gpioBenchConfig, devices: ['gpio'] },
  { name: `every device (${ALL_DEVICES.join(', ')})`, config: allDevicesConfig, devices: ALL_DEVICES },
  { name: 'Pi-class: GPIO only', config: gpioBenchConfig, devices: ['gpio'], pi: true },
  { name: `Pi-class: every device`, config: allDevicesConfig, devices: ALL_DEVICES, pi: true },
];

export async function benchStartup(o: { quick: boolean; brokerUrl: string; nodeArgs?: string[] }): Promise<BenchResult> {
  const runsPerCase = o.quick ? 2 : 5;
  const settleMs = o.quick ? 1000 : 3000;
  const cpuMs = o.quick ? 3000 : 10_000;
  const rows: Row[] = [];
  const verdicts: Verdict[] = [];
  const notes: string[] = [];
  let pi: PiClass | undefined;
  for (const c of CASES) {
    // CI's quick run: one start of each Pi-class case (a throttled start takes 2-3 s here).
    const runs = o.quick && c.pi ? 1 : runsPerCase;
    const times: number[] = [];
    const cpus: number[] = [];
    let idle: { rss: number; cpu: number; simRss: number; simCpu: number } | undefined;
    if (c.pi) pi ??= piClass();
    try {
      for (let run = 0; run < runs; run++) {
        const { kioskd, readyMs } = await startKioskd({
          brokerUrl: o.brokerUrl,
          kioskId: `bench-start-${run}`,
          config: c.config,
          devices: c.devices,
          simulators: 'own-process',
          ...(c.pi && pi ? { wrap: pi.wrap } : {}),
          ...(o.nodeArgs ? { nodeArgs: o.nodeArgs } : {}),
        });
        times.push(readyMs);
        try {
          cpus.push(cpuSeconds(kioskd.pid) * 1000);
          if (run === runs - 1) {
            await sleep(settleMs);
            const simPid = kioskd.simPid ?? -1;
            const [cpu, simCpu] = await Promise.all([cpuPercent(kioskd.pid, cpuMs), cpuPercent(simPid, cpuMs)]);
            idle = { rss: rssBytes(kioskd.pid), cpu, simRss: rssBytes(simPid), simCpu };
          }
        } finally {
          await kioskd.stop();
        }
      }
    } catch (err) {
      notes.push(`${c.name}: failed: ${(err as Error).message.split('\n').slice(0, 4).join(' / ')}`);
      continue;
    }
    const s = summarize(times);
    rows.push({
      config: c.name,
      runs,
      'start-up p50 ms': fmt(s.p50, 0),
      'start-up max ms': fmt(s.max, 0),
      'CPU to ready p50 ms': fmt(summarize(cpus).p50, 0),
      'idle RSS': idle ? mb(idle.rss) : '–',
      [`idle CPU (${cpuMs / 1000} s)`]: idle ? `${fmt(idle.cpu, 2)} %` : '–',
      'simulator process: RSS / CPU (not kioskd)': idle ? `${mb(idle.simRss)} / ${fmt(idle.simCpu, 2)} %` : '–',
    });
    verdicts.push({ figure: `start-up, ${c.name} (slowest of ${runs})`, value: `${fmt(s.max, 0)} ms`, target: '< 1000 ms', met: s.max < 1000 });
    if (idle) {
      verdicts.push({ figure: `idle RSS, ${c.name}`, value: mb(idle.rss), target: '< 80 MB', met: idle.rss < 80 * 1024 * 1024 });
      verdicts.push({ figure: `idle CPU, ${c.name}`, value: `${fmt(idle.cpu, 2)} %`, target: '< 1 %', met: idle.cpu < 1 });
    }
  }
  pi?.cleanup();
  notes.unshift(
    `The daemon alone: \`kioskd simulate --config FILE\` is started first (its own process, ready before the daemon), then \`node dist/src/cli.js --config FILE --no-simulators\`, whose five drivers open the simulators' PTYs, TCP port and GPIO socket as they open hardware. Pi-class rows: the daemon ${pi?.describe ?? 'pinned and throttled (bench/lib/pi.ts)'}; the broker, the simulators and the bench are not throttled.`,
    `Spawn of \`node dist/src/cli.js --config …\` to the moment a subscriber (connected before the spawn) has seen \`bridge/state\` online and \`ready\` from every device. CPU to ready: the daemon's utime+stime (/proc) read at that moment, which the machine's load does not inflate the way it inflates the wall time. Idle figures on the last run, ${settleMs / 1000} s after ready: VmRSS from /proc/<pid>/status, CPU from utime+stime in /proc/<pid>/stat over ${cpuMs / 1000} s (percent of one core).`,
    verdicts.map((v) => `${v.figure}: ${v.value} (${v.target}: ${yes(v.met)})`).join('; '),
  );
  return { sections: [{ title: 'Start-up and idle cost', rows, notes }], verdicts };
}
