/**
 * `kioskd --playground [PORT]`: serve the playground page next to the running daemon, pointed at its
 * broker's WebSocket listener. Loaded only when the flag is given.
 */
import { createServer } from 'node:net';
import type { KioskConfig } from '../daemon/config/schema.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Logger } from '../core/logger.js';
import { startPlayground, type Playground } from './server.js';

/** The browser-reachable broker URL: the embedded broker's WebSocket, or a configured ws(s):// URL. */
export function browserBrokerUrl(config: KioskConfig, daemon: Pick<Daemon, 'brokerWsUrl'>): string | undefined {
  if (config.mqtt.url === 'embedded') return daemon.brokerWsUrl;
  return /^wss?:\/\//.test(config.mqtt.url) ? config.mqtt.url : undefined;
}

/** The value of `--playground=PORT` (src/cli/args.ts fills in the default). */
export function parsePlaygroundPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw Object.assign(new Error(`--playground: ${value} is not a port`), { code: 'EINVAL' });
  return port;
}

function taken(port: number, host: string): Error {
  return Object.assign(
    new Error(`the playground port ${host}:${port} is taken (another kioskd --playground or a web server): stop it, or choose another with --playground PORT`),
    { code: 'EADDRINUSE' },
  );
}

/** Fails (EADDRINUSE, one clear message) when the port is taken, before the daemon starts anything. */
export async function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? taken(port, host) : err));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Serve the playground next to a started daemon. */
export async function playgroundFor(port: number, config: KioskConfig, daemon: Daemon, log: Logger): Promise<Playground> {
  const url = browserBrokerUrl(config, daemon) ?? '';
  const playground = await startPlayground({
    port,
    ...(config.ui.credentialFile ? { credentialFile: config.ui.credentialFile } : {}),
    kiosk: {
      url,
      kioskId: daemon.kioskId,
      root: config.mqtt.root,
      protocolVersion: config.mqtt.url === 'embedded' ? 4 : config.mqtt.protocolVersion,
      simulation: config.simulation,
    },
  }).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EADDRINUSE' ? taken(port, '127.0.0.1') : err;
  });
  if (!url) log.warn({ mqtt: config.mqtt.url }, 'playground: the broker has no WebSocket URL the page knows; open it with ?url=ws://host:port');
  log.info({ url: playground.url, broker: url }, 'playground page served');
  process.stderr.write(`  playground ${playground.url}\n`);
  return playground;
}
