/**
 * The embedded broker used when `mqtt.url: embedded` (the default that runs anywhere): aedes on TCP and
 * WebSocket, bound to 127.0.0.1. aedes speaks MQTT 3.1.1 only; production kiosks use Mosquitto.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { Logger } from '../core/logger.js';

export interface EmbeddedBroker {
  readonly url: string;
  readonly wsUrl: string | undefined;
  close(): Promise<void>;
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** A taken port, said so that a technician knows what to do (and that nothing fell back silently). */
function portTaken(what: string, host: string, port: number, key: string, err: NodeJS.ErrnoException): Error {
  if (err.code !== 'EADDRINUSE') return Object.assign(new Error(`embedded broker cannot listen on ${host}:${port} (${err.code ?? err.message})`), { code: err.code });
  return Object.assign(
    new Error(
      `the embedded broker's ${what} port ${host}:${port} is taken (another kioskd, or Mosquitto): stop it, or set ${key} ` +
        `(0 picks a free port), or use that broker on purpose with mqtt.url: mqtt://${host}:${port}`,
    ),
    { code: 'EADDRINUSE' },
  );
}

export async function startEmbeddedBroker(opts: { host: string; port: number; wsPort: number; log: Logger }): Promise<EmbeddedBroker> {
  const [{ Aedes }, { WebSocketServer, createWebSocketStream }] = await Promise.all([import('aedes'), import('ws')]);
  const broker = await Aedes.createBroker();
  const closeBroker = (): Promise<void> => new Promise<void>((resolve) => broker.close(() => resolve()));
  const tcp = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  const port = await listen(tcp, opts.port, opts.host).catch(async (err: NodeJS.ErrnoException) => {
    await closeBroker();
    throw portTaken('MQTT', opts.host, opts.port, 'mqtt.embedded.port', err);
  });
  let http: HttpServer | undefined;
  let wsUrl: string | undefined;
  if (opts.wsPort !== 0 || opts.port === 0) {
    const server = createHttpServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      (req.socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
      broker.handle(createWebSocketStream(ws), req);
    });
    const wsPort = await listen(server, opts.wsPort, opts.host).catch(async (err: NodeJS.ErrnoException) => {
      await closeBroker();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      throw portTaken('WebSocket', opts.host, opts.wsPort, 'mqtt.embedded.wsPort', err);
    });
    http = server;
    wsUrl = `ws://${opts.host}:${wsPort}`;
  }
  opts.log.info({ url: `mqtt://${opts.host}:${port}`, wsUrl }, 'embedded MQTT 3.1.1 broker listening');
  return {
    url: `mqtt://${opts.host}:${port}`,
    wsUrl,
    async close() {
      await closeBroker();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        http ? new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }) : undefined,
      ]);
    },
  };
}
