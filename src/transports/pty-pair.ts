/**
 * A pseudo-terminal standing in for a serial cable: the driver opens `devicePath` (a link to the PTY's
 * slave, /dev/pts/N) exactly as it opens /dev/serial/by-id/..., so it runs the code it runs on a kiosk;
 * the simulator holds the master through `simEnd()`. Made with libc's posix_openpt through koffi (no
 * socat, nothing to install). The slave is switched to raw mode before anyone opens it and kept open
 * by an anchor descriptor, so a driver closing and reopening its port loses nothing.
 * `unplug()` closes the master (the driver's port hangs up, as on a USB unplug) and removes the link;
 * `replug()` makes a new PTY at the same path. All descriptors are close-on-exec: a child process
 * (gpiod tools, a broker) never holds a PTY open behind the simulator's back.
 *
 * The master side does not depend on the driver being in the same process: a simulator process can
 * own the pairs and the daemon open the links (docs/simulators.md).
 */
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { Listeners, type ByteStream } from './byte-stream.js';
import { LibcUnavailableError, makeRaw, openPtyMaster } from './libc.js';

interface Plug {
  master: number;
  /** The slave, held open so that the master never reads EIO while no driver has the port open. */
  anchor: number;
  slavePath: string;
  end: MasterEnd | undefined;
}

export class PtyPair {
  private plug: Plug | undefined;

  private constructor(
    /** The end the driver opens (as if it were /dev/serial/by-id/...). */
    readonly devicePath: string,
  ) {}

  /** Create a PTY with its slave linked at `{dir}/{name}`. Throws ENOPKG where PTYs cannot be made here. */
  static async create(dir: string, name: string): Promise<PtyPair> {
    await mkdir(dir, { recursive: true });
    const pair = new PtyPair(join(dir, name));
    await pair.replug();
    return pair;
  }

  get plugged(): boolean {
    return this.plug !== undefined;
  }

  /** The PTY's slave device (/dev/pts/N) while plugged. */
  get slavePath(): string | undefined {
    return this.plug?.slavePath;
  }

  /**
   * The simulator's end of the cable while plugged: a ByteStream over the PTY master (one per plug;
   * calling again returns the same one). It closes, with an error, when the pair is unplugged.
   */
  simEnd(): ByteStream {
    const plug = this.plug;
    if (!plug) throw Object.assign(new Error(`${this.devicePath} is unplugged`), { code: 'ENODEV' });
    plug.end ??= new MasterEnd(plug.master, `${this.devicePath} (simulator end)`);
    return plug.end;
  }

  async replug(): Promise<void> {
    if (this.plug) return;
    await rm(this.devicePath, { force: true });
    let master: number;
    let slavePath: string;
    try {
      ({ master, slavePath } = openPtyMaster());
    } catch (err) {
      if (err instanceof LibcUnavailableError) throw Object.assign(new Error(`cannot make a PTY for ${this.devicePath}: ${err.message}`), { code: 'ENOPKG', cause: err });
      throw err;
    }
    let anchor: number | undefined;
    try {
      anchor = openSync(slavePath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      makeRaw(anchor);
      await symlink(slavePath, this.devicePath);
    } catch (err) {
      if (anchor !== undefined) closeSync(anchor);
      closeSync(master);
      throw err;
    }
    this.plug = { master, anchor, slavePath, end: undefined };
  }

  /** Remove both ends, as a USB unplug does: the driver's open port hangs up. */
  async unplug(): Promise<void> {
    const plug = this.plug;
    this.plug = undefined;
    if (!plug) return;
    if (plug.end) await plug.end.destroy(Object.assign(new Error(`${this.devicePath} unplugged`), { code: 'ENODEV' }));
    else closeSync(plug.master);
    closeSync(plug.anchor);
    await rm(this.devicePath, { force: true });
  }

  async close(): Promise<void> {
    await this.unplug();
  }
}

/**
 * The PTY master as a ByteStream. The handle reads from the first `open()` until the pair is unplugged,
 * so a driver's writes never back up in the kernel; while the simulator has its end closed, what
 * arrives is dropped, as bytes sent to a closed serial port are.
 */
class MasterEnd implements ByteStream {
  private socket: ReadStream | undefined;
  private opened = false;
  private destroyed = false;
  private readonly data = new Listeners<[Buffer]>();
  private readonly closed = new Listeners<[Error | undefined]>();

  constructor(
    private readonly fd: number,
    readonly label: string,
  ) {}

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.destroyed) throw Object.assign(new Error(`${this.label} is unplugged`), { code: 'ENODEV' });
    if (!this.socket) {
      // tty.ReadStream is a duplex libuv TTY handle (node-pty drives PTY masters the same way).
      const socket = new ReadStream(this.fd);
      socket.on('data', (chunk: Buffer) => {
        if (this.opened) this.data.emit(chunk);
      });
      socket.on('error', () => undefined); // surfaces through destroy or a failing write
      this.socket = socket;
    }
    this.opened = true;
  }

  async write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.opened) throw Object.assign(new Error(`${this.label} is not open`), { code: 'EIO' });
    await new Promise<void>((resolve, reject) => socket.write(Buffer.from(data), (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.closed.emit(undefined);
  }

  /** Close the master (unplug): listeners of an open end hear why. */
  async destroy(reason: Error): Promise<void> {
    this.destroyed = true;
    const wasOpen = this.opened;
    this.opened = false;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => (socket.once('close', () => resolve()), socket.destroy()));
    else closeSync(this.fd);
    if (wasOpen) this.closed.emit(reason);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.data.add(listener);
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.closed.add(listener);
  }
}
