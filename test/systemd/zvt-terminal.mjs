// A ZVT card terminal on the LAN for the systemd checks: kioskd's own terminal simulator (it speaks
// the real wire protocol) as a separate process, listening on an address that is not localhost, so
// that the unit's IPAddressDeny/IPAddressAllow decide whether kioskd reaches it.
// Usage: node zvt-terminal.mjs HOST PORT STATE_DIR   (run with the node and the program of the package)
const root = '/usr/lib/kioskd/dist/src';
const [{ createLogger }, { systemClock }, { SimStore }, { ZvtSimTerminal }, { TcpListener }] = await Promise.all([
  import(`${root}/core/logger.js`),
  import(`${root}/core/clock.js`),
  import(`${root}/drivers/card/zvt/sim-store.js`),
  import(`${root}/drivers/card/zvt/sim-terminal.js`),
  import(`${root}/transports/tcp-listener.js`),
]);
const [host, port, dir] = process.argv.slice(2);
const log = createLogger({ level: 'info', journald: false });
const terminal = new ZvtSimTerminal(new SimStore(dir), 'tcp', log, systemClock);
await new TcpListener().listen(Number(port), host, (stream) => terminal.attach(stream));
log.info({ host, port }, 'ZVT terminal listening');
