// Makes a running kioskd's event loop hang, as a bug would: SIGUSR1 opens Node's inspector (on
// 127.0.0.1:9229), and an endless loop is evaluated in the daemon's main thread. Nothing else in the
// daemon runs after that, the watchdog pings included. Usage: node hang.mjs PID
import { createRequire } from 'node:module';
const WebSocket = createRequire('/usr/lib/kioskd/package.json')('ws');
const pid = Number(process.argv[2]);
if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a daemon pid: ${process.argv[2]}`);
process.kill(pid, 'SIGUSR1');
let targets;
for (let i = 0; i < 100 && !targets; i++) {
  await new Promise((r) => setTimeout(r, 100));
  targets = await fetch('http://127.0.0.1:9229/json/list').then((r) => r.json(), () => undefined);
}
if (!targets?.[0]) throw new Error(`no inspector on 127.0.0.1:9229 after SIGUSR1 to ${pid}`);
const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression: 'for (;;) {}' } }));
await new Promise((r) => setTimeout(r, 300));
ws.terminate();
console.log(`event loop of ${pid} hung`);
