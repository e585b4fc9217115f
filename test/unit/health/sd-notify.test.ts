/** sd_notify against a datagram socket the test binds, as systemd's would be (the real systemd: test/systemd/). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { createNotifier } from '../../../src/health/sd-notify.js';
import { bindUnixDatagram, closeFd, receiveDatagram } from '../../../src/transports/libc.js';
import { tempDir } from '../../helpers/daemon.js';

async function receive(fd: number, count: number): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < 200 && got.length < count; i++) {
    const d = receiveDatagram(fd);
    if (d) got.push(d.toString());
    else await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

describe('sd_notify', () => {
  it('sends READY, WATCHDOG and STOPPING to $NOTIFY_SOCKET and halves WatchdogSec', async () => {
    const path = join(tempDir(), 'notify.sock');
    const server = bindUnixDatagram(path);
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const n = await createNotifier({ NOTIFY_SOCKET: path, WATCHDOG_USEC: '20000000' }, log);
    expect(n.watchdogIntervalMs).toBe(10_000);
    n.ready('2 devices');
    n.watchdog();
    n.stopping();
    expect(await receive(server, 3)).toEqual(['READY=1\nSTATUS=2 devices', 'WATCHDOG=1', 'STOPPING=1']);
    n.close();
    closeFd(server);
  });

  it('reaches an abstract socket named with @, as systemd names some', async () => {
    const name = `@kioskd-test-${process.pid}-${Date.now()}`;
    const server = bindUnixDatagram(name);
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const n = await createNotifier({ NOTIFY_SOCKET: name }, log);
    n.ready();
    expect(await receive(server, 1)).toEqual(['READY=1']);
    n.close();
    closeFd(server);
  });

  it('is a no-op without NOTIFY_SOCKET', async () => {
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const n = await createNotifier({}, log);
    expect(n.watchdogIntervalMs).toBeUndefined();
    expect(() => n.ready()).not.toThrow();
  });

  it('says once in the log when the socket is gone, and keeps running', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', journald: false, write: (l) => lines.push(l) });
    const n = await createNotifier({ NOTIFY_SOCKET: join(tempDir(), 'absent.sock') }, log);
    n.ready();
    n.watchdog();
    expect(lines.filter((l) => l.includes('sd_notify failed'))).toHaveLength(1);
    expect(lines[0]).toContain('ENOENT');
    n.close();
  });
});
