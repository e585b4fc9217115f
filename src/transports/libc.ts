/**
 * The few libc calls Node does not offer, through koffi's FFI (its npm package ships prebuilt binaries
 * for linux x64 and arm64, so nothing is compiled on a kiosk or a developer's machine):
 * - pseudo-terminals: posix_openpt (close-on-exec, no controlling tty), unlockpt, ptsname_r, and raw
 *   termios set before anyone opens the slave;
 * - unix datagram sockets: the sd_notify protocol and journald's native socket;
 * - readiness of a descriptor libuv cannot watch (an input event device is a character device, which
 *   libuv treats as a file): poll(2) on one of koffi's worker threads ({@link ReadinessWaiter}).
 * Loaded on first use. Where koffi or glibc cannot be loaded (another OS, musl), every call throws a
 * `LibcUnavailableError` whose message says so (errno ENOPKG: DEPENDENCY_MISSING for a device).
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';

/** Linux values; the same on x86-64 and arm64 (asm-generic). */
const O_RDWR = 0o2;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const TCSANOW = 0;
/** sizeof(struct termios) is 60 on glibc x86-64/arm64; a larger buffer costs nothing. */
const TERMIOS_BYTES = 256;
/** sizeof(struct sockaddr_un): sa_family_t + sun_path[108]. */
const SUN_PATH_MAX = 108;

type IntFn = (...args: unknown[]) => number;

interface Libc {
  posix_openpt: IntFn;
  grantpt: IntFn;
  unlockpt: IntFn;
  ptsname_r: IntFn;
  tcgetattr: IntFn;
  tcsetattr: IntFn;
  cfmakeraw: (t: Buffer) => void;
  socket: IntFn;
  sendto: IntFn;
  bind: IntFn;
  recv: IntFn;
  close: IntFn;
  pipe2: IntFn;
  write: IntFn;
  poll: IntFn & { async: (fds: Buffer, nfds: number, timeout: number, cb: (err: unknown, res: number) => void) => void };
  errno: () => number;
}

export class LibcUnavailableError extends Error {
  readonly code = 'ENOPKG';
}

let loaded: Libc | LibcUnavailableError | undefined;

function load(): Libc {
  if (loaded === undefined) {
    try {
      const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
      const lib = koffi.load('libc.so.6');
      const fn = (decl: string): IntFn => lib.func(decl);
      loaded = {
        posix_openpt: fn('int posix_openpt(int flags)'),
        grantpt: fn('int grantpt(int fd)'),
        unlockpt: fn('int unlockpt(int fd)'),
        ptsname_r: fn('int ptsname_r(int fd, void *buf, size_t len)'),
        tcgetattr: fn('int tcgetattr(int fd, void *termios)'),
        tcsetattr: fn('int tcsetattr(int fd, int action, void *termios)'),
        cfmakeraw: lib.func('void cfmakeraw(void *termios)') as unknown as (t: Buffer) => void,
        socket: fn('int socket(int domain, int type, int protocol)'),
        sendto: fn('intptr_t sendto(int fd, void *buf, size_t len, int flags, void *addr, uint32_t addrlen)'),
        bind: fn('int bind(int fd, void *addr, uint32_t addrlen)'),
        recv: fn('intptr_t recv(int fd, void *buf, size_t len, int flags)'),
        close: fn('int close(int fd)'),
        pipe2: fn('int pipe2(void *fds, int flags)'),
        write: fn('intptr_t write(int fd, void *buf, size_t len)'),
        poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)') as Libc['poll'],
        errno: () => koffi.errno(),
      };
    } catch (err) {
      loaded = new LibcUnavailableError(
        `the koffi FFI module or glibc could not be loaded (${(err as Error).message.split('\n')[0]}); ` +
          `kioskd needs Linux with glibc on x86-64 or arm64 and its npm dependencies installed (npm ci)`,
      );
    }
  }
  if (loaded instanceof LibcUnavailableError) throw loaded;
  return loaded;
}

/** Whether the FFI loads here (tests and `doctor` ask; everything else just calls and handles the error). */
export function libcAvailable(): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

function fail(libc: Libc, what: string): NodeJS.ErrnoException {
  const errno = libc.errno();
  const code = ERRNO_NAMES.get(errno) ?? 'EIO';
  return Object.assign(new Error(`${what} failed: ${code}`), { code, errno: -errno, syscall: what });
}

/**
 * A new pseudo-terminal: the master's file descriptor (close-on-exec, non-blocking, never our
 * controlling terminal) and the slave's path (/dev/pts/N). The caller owns the descriptor.
 */
export function openPtyMaster(): { master: number; slavePath: string } {
  const libc = load();
  const master = libc.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (master < 0) throw fail(libc, 'posix_openpt');
  const name = Buffer.alloc(128);
  if (libc.grantpt(master) !== 0 || libc.unlockpt(master) !== 0 || libc.ptsname_r(master, name, name.length) !== 0) {
    const err = fail(libc, 'unlockpt');
    libc.close(master);
    throw err;
  }
  return { master, slavePath: name.toString('latin1', 0, name.indexOf(0)) };
}

/**
 * cfmakeraw(3) on a terminal: no echo, no line editing, no CR/LF translation, no XON/XOFF, no signals
 * from bytes, 8 bits. A PTY starts "cooked"; bytes a simulator writes before the driver has opened (and
 * configured) the slave would otherwise be echoed back or translated.
 */
export function makeRaw(fd: number): void {
  const libc = load();
  const termios = Buffer.alloc(TERMIOS_BYTES);
  if (libc.tcgetattr(fd, termios) !== 0) throw fail(libc, 'tcgetattr');
  libc.cfmakeraw(termios);
  if (libc.tcsetattr(fd, TCSANOW, termios) !== 0) throw fail(libc, 'tcsetattr');
}

/** A unix datagram socket (close-on-exec, non-blocking) for {@link sendDatagram}. */
export function unixDatagramSocket(): number {
  const libc = load();
  const fd = libc.socket(AF_UNIX, SOCK_DGRAM | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0) throw fail(libc, 'socket');
  return fd;
}

/** `sockaddr_un` for a path, or an abstract address when it starts with "@" or NUL (systemd's notation). */
function sockaddr(path: string): Buffer {
  const abstract = path.startsWith('@') || path.startsWith('\0');
  const name = Buffer.from(abstract ? `\0${path.slice(1)}` : path, 'utf8');
  if (name.length > SUN_PATH_MAX - (abstract ? 0 : 1)) throw Object.assign(new Error(`socket path too long: ${path}`), { code: 'ENAMETOOLONG' });
  // A path address carries its NUL; an abstract one is exactly its bytes (length decides).
  const addr = Buffer.alloc(2 + name.length + (abstract ? 0 : 1));
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, 2);
  return addr;
}

/**
 * Send one datagram without blocking. Returns undefined when sent, else the errno name (EAGAIN when the
 * receiver's queue is full, ENOENT/ECONNREFUSED when nobody listens, EMSGSIZE when too large).
 */
export function sendDatagram(fd: number, data: Buffer, path: string): string | undefined {
  const libc = load();
  const addr = sockaddr(path);
  const sent = libc.sendto(fd, data, data.length, MSG_DONTWAIT | MSG_NOSIGNAL, addr, addr.length);
  if (Number(sent) >= 0) return undefined;
  return ERRNO_NAMES.get(libc.errno()) ?? 'EIO';
}

/** A unix datagram socket bound at `path`, for {@link receiveDatagram} (a notify or journal socket in tests). */
export function bindUnixDatagram(path: string): number {
  const libc = load();
  const fd = unixDatagramSocket();
  const addr = sockaddr(path);
  if (libc.bind(fd, addr, addr.length) !== 0) {
    const err = fail(libc, 'bind');
    libc.close(fd);
    throw err;
  }
  return fd;
}

/** The next datagram waiting on a bound socket, or undefined when none is (never blocks). */
export function receiveDatagram(fd: number, maxBytes = 262_144): Buffer | undefined {
  const libc = load();
  const buf = Buffer.alloc(maxBytes);
  const n = Number(libc.recv(fd, buf, buf.length, MSG_DONTWAIT));
  return n >= 0 ? buf.subarray(0, n) : undefined;
}

/** close(2) for descriptors made here (Node's fs.close wants descriptors it knows about). */
export function closeFd(fd: number): void {
  load().close(fd);
}

/** A datagram sender over one socket (journald's native protocol); throws where libc cannot load. */
export function datagramSender(): { send(data: Buffer, path: string): string | undefined; close(): void } {
  const fd = unixDatagramSocket();
  return { send: (data, path) => sendDatagram(fd, data, path), close: () => closeFd(fd) };
}

/** poll(2) event bits (Linux, every architecture we run on). */
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

/**
 * Waits, without a timer and without burning a thread of the event loop, until a descriptor is
 * readable: poll(2) runs on one of koffi's worker threads and blocks there until the descriptor is
 * ready or {@link close} wakes it through a pipe of its own. Nothing runs while nothing arrives.
 * One wait at a time; the caller must not close `fd` while a wait is pending (close this first).
 */
export class ReadinessWaiter {
  private readonly libc = load();
  /** struct pollfd[2] = { fd, POLLIN }, { wake pipe, POLLIN }: 8 bytes each, reused by every wait. */
  private readonly fds = Buffer.alloc(16);
  private readonly pipe = Buffer.alloc(8);
  private pending: Promise<number> | undefined;
  private closed = false;

  constructor(fd: number) {
    if (this.libc.pipe2(this.pipe, O_CLOEXEC | O_NONBLOCK) !== 0) throw fail(this.libc, 'pipe2');
    this.fds.writeInt32LE(fd, 0);
    this.fds.writeInt16LE(POLLIN, 4);
    this.fds.writeInt32LE(this.pipe.readInt32LE(0), 8);
    this.fds.writeInt16LE(POLLIN, 12);
  }

  /** Resolves with the descriptor's revents (POLLIN, POLLHUP, POLLERR…), or 0 once closed. */
  wait(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    this.pending ??= new Promise<number>((resolve, reject) => {
      this.libc.poll.async(this.fds, 2, -1, (err, res) => {
        this.pending = undefined;
        if (err) return reject(err instanceof Error ? err : new Error('poll failed'));
        if (this.closed) return resolve(0);
        if (res < 0) return resolve(POLLERR);
        resolve(this.fds.readInt16LE(6));
      });
    });
    return this.pending;
  }

  /** Wake a pending wait (it resolves 0) and release the pipe once it has returned. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.libc.write(this.pipe.readInt32LE(4), Buffer.from([1]), 1);
    await this.pending?.catch(() => undefined);
    this.libc.close(this.pipe.readInt32LE(0));
    this.libc.close(this.pipe.readInt32LE(4));
  }
}
