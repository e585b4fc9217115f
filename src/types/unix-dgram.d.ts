declare module 'unix-dgram' {
  interface UnixDgramSocket {
    send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
    bind(path: string): void;
    on(event: 'message', cb: (msg: Buffer, rinfo: unknown) => void): this;
    on(event: 'error', cb: (err: Error) => void): this;
    on(event: 'listening', cb: () => void): this;
    close(): void;
  }
  const unix: { createSocket(type: 'unix_dgram', listener?: (msg: Buffer) => void): UnixDgramSocket };
  export default unix;
}
