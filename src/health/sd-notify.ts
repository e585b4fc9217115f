/**
 * systemd notify protocol (READY=1, WATCHDOG=1, STOPPING=1, STATUS=...) sent straight to
 * $NOTIFY_SOCKET as datagrams, from this process (a short-lived `systemd-notify` child is racy: systemd
 * may not attribute its message to the service). Uses the optional native `unix-dgram`; without it,
 * or without NOTIFY_SOCKET, every call is a no-op and says so once in the log.
 */
import type { Logger } from '../core/logger.js';

export interface Notifier {
  ready(status?: string): void;
  watchdog(): void;
  stopping(): void;
  status(text: string): void;
  /** Watchdog interval (half of WatchdogSec), or undefined when systemd asked for none. */
  readonly watchdogIntervalMs: number | undefined;
  close(): void;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  close(): void;
}

export async function createNotifier(env: { NOTIFY_SOCKET?: string; WATCHDOG_USEC?: string }, log: Logger): Promise<Notifier> {
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogIntervalMs = Number.isFinite(usec) && usec > 0 ? Math.max(500, Math.floor(usec / 2000)) : undefined;
  const path = env.NOTIFY_SOCKET;
  let socket: DgramSocket | undefined;
  if (path) {
    try {
      const mod = (await import('unix-dgram')) as unknown as { default: { createSocket(type: 'unix_dgram'): DgramSocket } };
      socket = mod.default.createSocket('unix_dgram');
      socket.on('error', (err) => log.warn({ err: err.message }, 'sd_notify failed'));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'NOTIFY_SOCKET is set but unix-dgram is not available; no READY/WATCHDOG');
    }
  }
  const target = path?.startsWith('@') ? `\0${path.slice(1)}` : path;
  const send = (msg: string): void => {
    if (!socket || !target) return;
    const buf = Buffer.from(msg);
    socket.send(buf, 0, buf.length, target);
  };
  return {
    watchdogIntervalMs,
    ready: (status) => send(status ? `READY=1\nSTATUS=${status}` : 'READY=1'),
    watchdog: () => send('WATCHDOG=1'),
    stopping: () => send('STOPPING=1'),
    status: (text) => send(`STATUS=${text}`),
    close: () => socket?.close(),
  };
}
