/**
 * systemd notify protocol (READY=1, WATCHDOG=1, STOPPING=1, STATUS=...) sent straight to
 * $NOTIFY_SOCKET as datagrams, from this process (a short-lived `systemd-notify` child is racy: systemd
 * may not attribute its message to the service). Datagrams go through libc (src/transports/libc.ts,
 * prebuilt koffi: nothing to compile on a Pi); where that cannot load, or without NOTIFY_SOCKET, every
 * call is a no-op and says so once in the log.
 */
import type { Logger } from '../core/logger.js';
import { closeFd, sendDatagram, unixDatagramSocket } from '../transports/libc.js';

export interface Notifier {
  ready(status?: string): void;
  watchdog(): void;
  stopping(): void;
  status(text: string): void;
  /** Watchdog interval (half of WatchdogSec), or undefined when systemd asked for none. */
  readonly watchdogIntervalMs: number | undefined;
  close(): void;
}

export async function createNotifier(env: { NOTIFY_SOCKET?: string; WATCHDOG_USEC?: string }, log: Logger): Promise<Notifier> {
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogIntervalMs = Number.isFinite(usec) && usec > 0 ? Math.max(500, Math.floor(usec / 2000)) : undefined;
  const path = env.NOTIFY_SOCKET;
  let socket: number | undefined;
  if (path) {
    try {
      socket = unixDatagramSocket();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'NOTIFY_SOCKET is set but datagrams cannot be sent; no READY/WATCHDOG (systemd will time the start out)');
    }
  }
  let warned = false;
  const send = (msg: string): void => {
    if (socket === undefined || !path) return;
    const err = sendDatagram(socket, Buffer.from(msg), path);
    if (err && !warned) {
      warned = true;
      log.warn({ err, socket: path }, 'sd_notify failed');
    }
  };
  return {
    watchdogIntervalMs,
    ready: (status) => send(status ? `READY=1\nSTATUS=${status}` : 'READY=1'),
    watchdog: () => send('WATCHDOG=1'),
    stopping: () => send('STOPPING=1'),
    status: (text) => send(`STATUS=${text}`),
    close: () => {
      if (socket !== undefined) closeFd(socket);
      socket = undefined;
    },
  };
}
