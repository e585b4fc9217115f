/**
 * The playground's HTTP server: the static page, mqtt.js's browser bundle, zod's ES modules and the
 * compiled `kioskd/client` (only the modules it needs), so a browser runs the same client code as Node
 * with no bundler. Listens on 127.0.0.1 unless told otherwise; GET and HEAD only.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUiCredential } from '../cli/ui-credential.js';
import { moduleClosure } from './module-graph.js';

/** What the page needs to reach the kiosk, served as /config.json (query parameters may override it). */
export interface PlaygroundKiosk {
  /** The broker's WebSocket URL, e.g. ws://127.0.0.1:9001. */
  url: string;
  kioskId: string;
  root: string;
  /** 4 for the embedded broker (aedes speaks 3.1.1 only), else the configured version. */
  protocolVersion: 4 | 5;
  simulation: boolean;
}

export interface PlaygroundOptions {
  kiosk: PlaygroundKiosk;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  host?: string;
  /** The package root (holding src/playground/static, dist/src and node_modules). */
  packageRoot?: string;
  /**
   * The per-boot UI credential file (`kioskd ui-credential`): read at each request and added to
   * /config.json as `username`/`password`, so the page never carries a password in its own files.
   * Sent without CORS headers, so a page of another origin cannot read it.
   */
  credentialFile?: string;
}

export interface Playground {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** kioskd's own root, from src/playground (tests) or dist/src/playground (the CLI). */
export function findPackageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'playground'))) return dir;
    if (dirname(dir) === dir) throw new Error(`kioskd's package root not found above ${from}`);
  }
}

/** The directory of an installed package (its exports may hide package.json and dist/). */
function packageDir(name: string, from: string): string {
  let dir = dirname(createRequire(join(from, 'package.json')).resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(`${sep}${name}`)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package ${name} not found from ${from}`);
    dir = up;
  }
  return dir;
}

/** Map a URL path to a file, or undefined when the path is not served. */
export type Resolver = (path: string) => string | undefined;

function under(dir: string, rel: string): string | undefined {
  const file = normalize(join(dir, rel));
  return file.startsWith(dir + sep) ? file : undefined;
}

export async function makeResolver(packageRoot: string): Promise<Resolver> {
  const staticDir = join(packageRoot, 'src', 'playground', 'static');
  const distDir = join(packageRoot, 'dist', 'src');
  const zodDir = packageDir('zod', packageRoot);
  const mqttBundle = join(packageDir('mqtt', packageRoot), 'dist', 'mqtt.esm.js');
  const lib = await moduleClosure(distDir, join('client', 'index.js'));
  return (path) => {
    if (path === '/' || path === '/index.html') return join(staticDir, 'index.html');
    if (path === '/vendor/mqtt.esm.js') return mqttBundle;
    if (path.startsWith('/vendor/zod/') && path.endsWith('.js')) return under(zodDir, path.slice('/vendor/zod/'.length));
    if (path.startsWith('/lib/')) {
      const rel = normalize(path.slice('/lib/'.length));
      return lib.has(rel) ? join(distDir, rel) : undefined;
    }
    if (path.startsWith('/static/')) return under(staticDir, path.slice('/static/'.length));
    return undefined;
  };
}

async function serveFile(res: ServerResponse, file: string | undefined, head: boolean): Promise<void> {
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size, 'cache-control': 'no-store' });
  if (head) res.end();
  else createReadStream(file).pipe(res);
}

export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const resolveFile = await makeResolver(opts.packageRoot ?? findPackageRoot());
  const config = async (): Promise<string> => {
    const credential = opts.credentialFile ? await readUiCredential(opts.credentialFile) : undefined;
    return JSON.stringify({ ...opts.kiosk, ...(credential ? { username: credential.username, password: credential.password } : {}) });
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/config.json') {
      config().then(
        (body) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body),
        () => res.destroy(),
      );
    } else {
      serveFile(res, resolveFile(path), req.method === 'HEAD').catch(() => res.destroy());
    }
  };
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      res.writeHead(400).end();
    }
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
