/**
 * `kioskd --playground [PORT]`: serve the playground page next to the running daemon, pointed at its
 * broker's WebSocket listener. Loaded only when the flag is given.
 */
import type { KioskConfig } from '../core/config/schema.js';
import type { Daemon } from '../core/daemon.js';
import type { Logger } from '../core/logger.js';
import { startPlayground, type Playground } from './server.js';

export const DEFAULT_PLAYGROUND_PORT = 8080;

/** The port after `--playground`, the default when none follows, undefined without the flag. */
export function playgroundPort(args: readonly string[]): number | undefined {
  const i = args.indexOf('--playground');
  if (i < 0) return undefined;
  const next = args[i + 1];
  if (next === undefined || !/^\d+$/.test(next)) return DEFAULT_PLAYGROUND_PORT;
  const port = Number(next);
  if (port > 65535) throw new Error(`--playground: ${next} is not a port`);
  return port;
}

/** The browser-reachable broker URL: the embedded broker's WebSocket, or a configured ws(s):// URL. */
export function browserBrokerUrl(config: KioskConfig, daemon: Pick<Daemon, 'brokerWsUrl'>): string | undefined {
  if (config.mqtt.url === 'embedded') return daemon.brokerWsUrl;
  return /^wss?:\/\//.test(config.mqtt.url) ? config.mqtt.url : undefined;
}

export async function playgroundFromArgs(args: readonly string[], config: KioskConfig, daemon: Daemon, log: Logger): Promise<Playground | undefined> {
  const port = playgroundPort(args);
  if (port === undefined) return undefined;
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
  });
  if (!url) log.warn({ mqtt: config.mqtt.url }, 'playground: the broker has no WebSocket URL the page knows; open it with ?url=ws://host:port');
  log.info({ url: playground.url, broker: url }, 'playground page served');
  process.stderr.write(`  playground ${playground.url}\n`);
  return playground;
}
