/**
 * Start-up (process spawn to bridge/state online with every simulated device ready), then resident
 * memory and CPU use of the idle daemon, read from /proc as an operator would.
 */
import { ALL_DEVICES, allDevicesConfig, gpioBenchConfig } from './lib/configs.js';
import { startKioskd } from './lib/kioskd.js';
import { cpuPercent, rssBytes } from './lib/proc.js';
import { yes, type BenchResult, type Row, type Verdict } from './lib/section.js';
import { fmt, mb, sleep, summarize } from './lib/stats.js';

interface Case {
  name: string;
  config: Record<string, unknown>;
  devices: readonly string[];
}

const CASES: Case[] = [
  { name: 'GPIO only', config: gpioBenchConfig, devices: ['gpio'] },
  { name: `every device (${ALL_DEVICES.join(', ')})`, config: allDevicesConfig, devices: ALL_DEVICES },
];

export async function benchStartup(o: { quick: boolean; brokerUrl: string; nodeArgs?: string[] }): Promise<BenchResult> {
  const runs = o.quick ? 2 : 5;
  const settleMs = o.quick ? 1000 : 3000;
  const cpuMs = o.quick ? 3000 : 10_000;
  const rows: Row[] = [];
  const verdicts: Verdict[] = [];
  const notes: string[] = [];
  for (const c of CASES) {
    const times: number[] = [];
    let idle: { rss: number; cpu: number } | undefined;
    try {
      for (let run = 0; run < runs; run++) {
        const { kioskd, readyMs } = await startKioskd({
          brokerUrl: o.brokerUrl,
          kioskId: `bench-start-${run}`,
          config: c.config,
          devices: c.devices,
          ...(o.nodeArgs ? { nodeArgs: o.nodeArgs } : {}),
        });
        times.push(readyMs);
        try {
          if (run === runs - 1) {
            await sleep(settleMs);
            const cpu = await cpuPercent(kioskd.pid, cpuMs);
            idle = { rss: rssBytes(kioskd.pid), cpu };
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
      'idle RSS': idle ? mb(idle.rss) : '–',
      [`idle CPU (${cpuMs / 1000} s)`]: idle ? `${fmt(idle.cpu, 2)} %` : '–',
    });
    verdicts.push({ figure: `start-up, ${c.name} (slowest of ${runs})`, value: `${fmt(s.max, 0)} ms`, target: '< 1000 ms', met: s.max < 1000 });
    if (idle) {
      verdicts.push({ figure: `idle RSS, ${c.name}`, value: mb(idle.rss), target: '< 80 MB', met: idle.rss < 80 * 1024 * 1024 });
      verdicts.push({ figure: `idle CPU, ${c.name}`, value: `${fmt(idle.cpu, 2)} %`, target: '< 1 %', met: idle.cpu < 1 });
    }
  }
  notes.unshift(
    `Spawn of \`node dist/src/cli.js --config …\` to the moment a subscriber (connected before the spawn) has seen \`bridge/state\` online and \`ready\` from every device. Idle figures on the last run, ${settleMs / 1000} s after ready: VmRSS from /proc/<pid>/status, CPU from utime+stime in /proc/<pid>/stat over ${cpuMs / 1000} s (percent of one core).`,
    verdicts.map((v) => `${v.figure}: ${v.value} (${v.target}: ${yes(v.met)})`).join('; '),
  );
  return { sections: [{ title: 'Start-up and idle cost', rows, notes }], verdicts };
}
