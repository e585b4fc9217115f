/**
 * A simulated GPIO line set in another process, over a Unix socket: `kioskd simulate` serves its
 * {@link SimGpioChip} at `{workDir}/chip.sock`, and the daemon's GPIO driver opens it with
 * {@link SocketGpioBackend} as it would open a chip (a machine without GPIO hardware has no kernel chip
 * to simulate: the gpio-sim module needs configfs and root). Edges carry the time the simulator made
 * them (CLOCK_MONOTONIC, the kernel's time base), so a daemon that reads them late debounces them as
 * they happened.
 *
 * The protocol is one text line per message:
 *   daemon -> simulator  `open {"inputs":[...],"outputs":[{"name","initial"}]}` | `write NAME 0|1`
 *   simulator -> daemon  `opened {"levels":{...}}` | `refused CODE MESSAGE` | `edge NAME 0|1 AT_MS`
 * Line names are the configured ones (a-z, 0-9, _), so a space separates fields safely.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import { Listeners } from '../byte-stream.js';
import type { GpioBackend, GpioLineSpec, GpioOutputSpec } from './backend.js';
import { SimGpioBackend, type SimGpioChip } from './sim-chip.js';

/** Calls `onLine` for each complete line of a socket's data. */
function lines(socket: Socket, onLine: (line: string) => void): void {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    let text = rest + chunk;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      onLine(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    rest = text;
  });
}

/** Serve `chip` at `path`: each connection is one backend (its lines are released when it closes). */
export async function serveSimChip(chip: SimGpioChip, path: string): Promise<{ close(): Promise<void> }> {
  await rm(path, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay?.(true);
    const backend = new SimGpioBackend(chip);
    const off = backend.onEdge((name, level, atMs) => socket.write(`edge ${name} ${level ? 1 : 0} ${atMs}\n`));
    lines(socket, (line) => {
      const space = line.indexOf(' ');
      const verb = line.slice(0, space);
      const rest = line.slice(space + 1);
      if (verb === 'write') {
        const [name, level] = rest.split(' ');
        if (name) void backend.write(name, level === '1');
      } else if (verb === 'open') {
        const spec = JSON.parse(rest) as { inputs: GpioLineSpec[]; outputs: GpioOutputSpec[] };
        backend.open(spec.inputs, spec.outputs).then(
          async () => {
            const levels: Record<string, boolean> = {};
            for (const l of [...spec.inputs, ...spec.outputs]) levels[l.name] = await backend.read(l.name);
            socket.write(`opened ${JSON.stringify({ levels })}\n`);
          },
          (err: NodeJS.ErrnoException) => socket.write(`refused ${err.code ?? 'EIO'} ${err.message}\n`),
        );
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      off();
      sockets.delete(socket);
      void backend.close();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    },
  };
}

/** The daemon's side: a GPIO backend on a simulated chip served at `path`. */
export class SocketGpioBackend implements GpioBackend {
  readonly kind = 'sim' as const;
  private socket: Socket | undefined;
  private closing = false;
  private readonly levels = new Map<string, boolean>();
  private readonly edges = new Listeners<[string, boolean, number]>();
  private readonly lost = new Listeners<[Error]>();

  constructor(private readonly path: string) {}

  async open(inputs: readonly GpioLineSpec[], outputs: readonly GpioOutputSpec[]): Promise<void> {
    this.closing = false;
    const socket = createConnection(this.path);
    socket.setNoDelay?.(true);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => reject(err);
      socket.once('error', fail);
      lines(socket, (line) => {
        if (line.startsWith('edge ')) {
          const [, name, level, at] = line.split(' ');
          if (!name) return;
          this.levels.set(name, level === '1');
          this.edges.emit(name, level === '1', Number(at));
        } else if (line.startsWith('opened ')) {
          const { levels } = JSON.parse(line.slice(7)) as { levels: Record<string, boolean> };
          for (const [n, l] of Object.entries(levels)) this.levels.set(n, l);
          socket.off('error', fail);
          socket.on('error', () => undefined);
          resolve();
        } else if (line.startsWith('refused ')) {
          const [, code, ...words] = line.split(' ');
          reject(Object.assign(new Error(words.join(' ')), { code }));
        }
      });
      socket.once('connect', () => socket.write(`open ${JSON.stringify({ inputs, outputs })}\n`));
    });
    socket.on('close', () => {
      if (!this.closing) this.lost.emit(Object.assign(new Error(`the GPIO simulator at ${this.path} went away`), { code: 'EIO' }));
    });
  }

  async read(name: string): Promise<boolean> {
    return this.levels.get(name) ?? false;
  }

  async write(name: string, level: boolean): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) throw Object.assign(new Error(`line ${name} is not open`), { code: 'EIO' });
    socket.write(level ? `write ${name} 1\n` : `write ${name} 0\n`);
    this.levels.set(name, level);
  }

  onEdge(listener: (name: string, level: boolean, atMs: number) => void): () => void {
    return this.edges.add(listener);
  }

  onLost(listener: (err: Error) => void): () => void {
    return this.lost.add(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => socket.end(() => resolve()));
  }
}
