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

export async function startEmbeddedBroker(opts: { host: string; port: number; wsPort: number; log: Logger }): Promise<EmbeddedBroker> {
  const [{ Aedes }, { WebSocketServer, createWebSocketStream }] = await Promise.all([import('aedes'), import('ws')]);
  const broker = await Aedes.createBroker();
  const tcp = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  const port = await listen(tcp, opts.port, opts.host).catch(async (err: NodeJS.ErrnoException) => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw Object.assign(new Error(`embedded broker cannot listen on ${opts.host}:${opts.port} (${err.code ?? err.message})`), { code: err.code });
  });
  let http: HttpServer | undefined;
  let wsUrl: string | undefined;
  if (opts.wsPort !== 0 || opts.port === 0) {
    http = createHttpServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws, req) => {
      (req.socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
      broker.handle(createWebSocketStream(ws), req);
    });
    const wsPort = await listen(http, opts.wsPort, opts.host);
    wsUrl = `ws://${opts.host}:${wsPort}`;
  }
  opts.log.info({ url: `mqtt://${opts.host}:${port}`, wsUrl }, 'embedded MQTT 3.1.1 broker listening');
  return {
    url: `mqtt://${opts.host}:${port}`,
    wsUrl,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        http ? new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }) : undefined,
      ]);
    },
  };
}
