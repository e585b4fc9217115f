/** sd_notify against a datagram socket the test creates, as systemd's would be (no systemd as PID 1 here). */
import unix from 'unix-dgram';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { createNotifier } from '../../../src/health/sd-notify.js';
import { tempDir } from '../../helpers/daemon.js';

describe('sd_notify', () => {
  it('sends READY, WATCHDOG and STOPPING to $NOTIFY_SOCKET and halves WatchdogSec', async () => {
    const path = join(tempDir(), 'notify.sock');
    const got: string[] = [];
    const server = unix.createSocket('unix_dgram', (msg) => got.push(msg.toString()));
    server.bind(path);
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const n = await createNotifier({ NOTIFY_SOCKET: path, WATCHDOG_USEC: '20000000' }, log);
    expect(n.watchdogIntervalMs).toBe(10_000);
    n.ready('2 devices');
    n.watchdog();
    n.stopping();
    for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(['READY=1\nSTATUS=2 devices', 'WATCHDOG=1', 'STOPPING=1']);
    n.close();
    server.close();
  });

  it('is a no-op without NOTIFY_SOCKET', async () => {
    const log = createLogger({ level: 'fatal', journald: false, write: () => undefined });
    const n = await createNotifier({}, log);
    expect(n.watchdogIntervalMs).toBeUndefined();
    expect(() => n.ready()).not.toThrow();
  });
});
