/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --only latency --profile DIR`): self time by
 * function and by package/file, so docs/performance.md can say where the daemon's time goes.
 *
 * usage: node dist/bench/profile-summary.js FILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13).split('/').slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1).join('/');
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url || '(native)';
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [top]\n');
  process.exit(64);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = (p.endTime - p.startTime) / 1000;
const fn = new Map<string, number>();
const files = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const name = n.callFrame.functionName || '(anonymous)';
  if (name === '(idle)') continue;
  busy += us;
  const key = `${name} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const w = ['(program)', '(garbage collector)'].includes(name) ? name : where(n.callFrame.url);
  files.set(w, (files.get(w) ?? 0) + us);
}
const top = Number(topArg ?? 25);
const line = (k: string, us: number): string => `${(us / 1000).toFixed(1).padStart(9)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${k}`;
process.stdout.write(`profile ${total.toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms\n\nby package/file:\n`);
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${line(k, us)}\n`);
process.stdout.write('\nby function (self):\n');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${line(k, us)}\n`);
