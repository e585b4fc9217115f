#!/usr/bin/env node
/**
 * The `kioskd` command: runs the daemon, and the technician's subcommands. The only module that reads
 * argv, env, signals and the config file; everything else gets what it needs from here. Expected
 * failures (a bad config, a missing password file, a taken port, no daemon to talk to) end with one
 * line and a sysexits code (src/cli/args.ts), never a stack trace.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT, parseCommandLine, UsageError, type ParsedCommand } from './cli/args.js';
import { describeFailure } from './cli/failure.js';
import { systemClock } from './core/clock.js';
import { ConfigError, EXIT_CONFIG, loadConfigFile } from './daemon/config/load.js';
import type { KioskConfig } from './daemon/config/schema.js';
import { Daemon } from './daemon/daemon.js';
import { createJournaldWriter } from './core/journald.js';
import { createLogger, type Logger } from './core/logger.js';
import { createNotifier } from './health/sd-notify.js';
import type { ChildNode } from './transports/child-process.js';
import { datagramSender } from './transports/libc.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const SYSTEM_CONFIG = '/etc/kioskd/config.yaml';
export const BUNDLED_CONFIG = join(packageRoot, 'config', 'simulated.yaml');

const USAGE = `kioskd ${version} — kiosk peripherals over MQTT

usage:
  kioskd [--config FILE] [--playground [PORT]] [--no-simulators]
                                  run the daemon (default ${SYSTEM_CONFIG}, else the simulated kiosk);
                                  --playground also serves the UI playground on 127.0.0.1:PORT (8080);
                                  with simulators: own-process it starts \`kioskd simulate\` beside itself
                                  unless --no-simulators (then run that yourself)
  kioskd simulate [--config FILE]  run the config's simulators in their own process (docs/simulators.md)
  kioskd config check FILE        validate a config file and exit (78 when invalid)
  kioskd doctor [--config FILE] [--user NAME] [--json]   check the kiosk; each failure says how to fix it
  kioskd status [--config FILE] [--json]   devices, states, alerts and links (exit 1 when the daemon is offline)
  kioskd ticket [--config FILE]   print a status ticket on the kiosk's own printer
  kioskd sandbox [--config FILE] [--write] [--path FILE]   the systemd drop-in this config needs
  kioskd gpio-safe [--config FILE]  set every GPIO output to its safe value (systemd ExecStopPost)
  kioskd ui-credential [--passwd FILE] [--user kiosk-ui] [--out FILE]
                                  a new broker password for the kiosk UI (every boot: kioskd-ui-credential.service)
  kioskd journal verify [--config FILE] [--json]   check both copies of the money journal (exit 2: it refuses to open)
  kioskd report [--day YYYY-MM-DD] [--json] [--config FILE]   one day's KPIs (availability, faults, transactions, cash)
  kioskd end-of-day [--print] [--config FILE]     close the day now: settlement vs the money journal (technician; exit 2: no match)
  kioskd audit verify [--json] [--config FILE]    audit trail and money journal checked against each other (exit 2: findings named)
  kioskd attention [--json] [--config FILE]   the requires-attention list (exit 2 while it is not empty)
  kioskd attention resolve ID --technician NAME --reason TEXT [--config FILE]
                                  a person dealt with an entry (audited in the journal)
  kioskd journal recover --technician NAME --reason TEXT [--prefer journal|mirror] [--config FILE]
                                  recover a journal that refuses to open (audited; asks the running daemon)
  kioskd cash levels [--json] [--config FILE]   notes and coins per denomination in the payout units
  kioskd cash refill --technician NAME [--coins VALUE=COUNT,...] [--notes-timeout MS] [--comment TEXT]
  kioskd cash empty --technician NAME [--target notes|coins|all] [--no-smart]   (technician; audited)
  kioskd cash dispense --amount MINOR --key KEY --reason service-failed|overpayment|cancelled|other
                  [--currency CUR] [--reference REF] [--session ID] [--allow-partial]
                                  a cash refund; the same --key never pays twice (exit 1: refused or failed)
  kioskd fleet --url URL [--ca F --cert F --key F] [--prefix fleet] [--stale SEC] [--json] [--once MS]   watch the fleet broker
  kioskd fleet op KIOSK OP --url URL [--ca F --cert F --key F] [--input JSON] [--as NAME]   run one remote operation
  kioskd fleet ingest --url URL --db postgres://... [--name NAME] [--lanes 8]   a worker of the fleet store (docs/fleet.md)
  kioskd --version | --help

exit status: 0 ok, 1 failed, 64 usage, 69 no daemon or broker to talk to, 73 cannot create the state
directory, 75 a port is taken, 78 invalid configuration (systemd does not restart on it)
`;

function configPath(given: string | boolean | undefined): string {
  if (typeof given === 'string') return given;
  return existsSync(SYSTEM_CONFIG) ? SYSTEM_CONFIG : BUNDLED_CONFIG;
}

async function loadConfig(path: string): Promise<KioskConfig> {
  const config = await loadConfigFile(path);
  // A relative stateDir is relative to where kioskd was started (the simulated config uses one).
  return { ...config, stateDir: resolve(config.stateDir) };
}

/** mqtt.passwordFile, read; a missing or unreadable file is a configuration error naming the key (exit 78). */
export async function readPasswordFile(config: KioskConfig, source: string): Promise<string | undefined> {
  const file = config.mqtt.passwordFile;
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    const fix = code === 'ENOENT' ? 'create it holding the broker password of mqtt.username (config/mosquitto/README.md)' : 'make it readable by the kioskd user: sudo chgrp kioskd FILE && sudo chmod 0640 FILE';
    throw new ConfigError(source, [`mqtt.passwordFile: cannot read ${file} (${code}): ${fix}`]);
  }
  const password = text.trim();
  if (password === '') throw new ConfigError(source, [`mqtt.passwordFile: ${file} is empty: put the broker password of mqtt.username in it`]);
  return password;
}

async function run(values: Record<string, string | boolean | undefined>): Promise<number> {
  const path = configPath(values.config);
  const config = await loadConfig(path);
  const mqttPassword = await readPasswordFile(config, path);
  const playground = typeof values.playground === 'string' ? await import('./playground/cli.js') : undefined;
  const playgroundPort = playground?.parsePlaygroundPort(String(values.playground));
  // A taken playground port is found before any device starts, not after.
  if (playground && playgroundPort !== undefined) await playground.assertPortFree(playgroundPort);
  // Under systemd: structured fields through journald's native socket (journalctl DEVICE=printer),
  // else JSON lines on stdout with priority prefixes.
  const underSystemd = process.env.JOURNAL_STREAM !== undefined;
  const native = underSystemd ? nativeJournal() : undefined;
  const log = createLogger({ level: config.logging.level, journald: underSystemd && !native, ...(native ? { write: native } : {}) });
  const notifier = await createNotifier(process.env, log);
  const daemon = new Daemon({ config, log, clock: systemClock, version, hostname: hostname(), notifier, ...(mqttPassword !== undefined ? { mqttPassword } : {}) });
  const simulators = values['no-simulators'] === true ? undefined : await startSimulatorProcess(config, path, log);
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string, code = 0): void => {
    if (stopping) return;
    log.info({ signal, config: path }, 'stopping');
    const deadline = setTimeout(() => {
      log.error('stop took longer than 4.5 s; exiting anyway');
      process.exit(code);
    }, 4500);
    // The drivers close their ports before the simulators go, so no device is seen unplugged.
    stopping = daemon.stop().then(() => simulators?.stop(1500)).finally(() => {
      clearTimeout(deadline);
      notifier.close();
      process.exit(code);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; stopping so systemd restarts us');
    shutdown('uncaughtException', 70);
  });
  if (process.env.INVOCATION_ID !== undefined) await warnIfSandboxed(config, log);
  try {
    await daemon.start();
    if (config.mqtt.url === 'embedded') banner(daemon);
    if (playground && playgroundPort !== undefined) await playground.playgroundFor(playgroundPort, config, daemon, log);
  } catch (err) {
    // Whatever started (simulators, PTYs, gpiod tools, the broker) stops before we exit: no orphans.
    // The failure is said once, on stderr (reportFatal); the stop itself is not news.
    log.level = 'error';
    await daemon.stop();
    await simulators?.stop(1500);
    notifier.close();
    throw err;
  }
  return new Promise<number>(() => undefined);
}

function kioskIdOf(config: KioskConfig): string {
  return config.kioskId ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
}

/** `simulators: own-process`: `kioskd simulate` as a child, started with the daemon (one command, Node alone). */
async function startSimulatorProcess(config: KioskConfig, path: string, log: Logger): Promise<ChildNode | undefined> {
  if (config.simulators !== 'own-process') return undefined;
  const { apartDevices } = await import('./cli/simulate.js');
  if (apartDevices(config).length === 0) return undefined;
  const { spawnNode } = await import('./transports/child-process.js');
  const child = spawnNode(fileURLToPath(import.meta.url), ['simulate', '--config', path, '--with-parent']);
  child.onExit((code, signal) => log.error({ code, signal }, 'the simulator process exited; its devices go offline'));
  log.info({ pid: child.pid }, 'simulator process started');
  return child;
}

/** `kioskd simulate`: the simulators in this process until SIGTERM/SIGINT (or, under a parent daemon, until it goes). */
async function simulate(values: Record<string, string | boolean | undefined>): Promise<number> {
  const path = configPath(values.config);
  const config = await loadConfig(path);
  const mqttPassword = await readPasswordFile(config, path);
  const log = createLogger({ level: config.logging.level, journald: process.env.JOURNAL_STREAM !== undefined }).child({ component: 'simulate' });
  const { startSimulators } = await import('./cli/simulate.js');
  const sims = await startSimulators({ config, log, clock: systemClock, kioskId: kioskIdOf(config), mqttPassword });
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'stopping the simulators');
    void sims.stop().finally(() => process.exit(0));
  };
  if (values['with-parent'] === true) {
    // Ctrl-C (and systemd's or timeout's SIGTERM) reach the whole process group: the daemon stops its
    // drivers first and then closes our stdin, so no device is seen unplugged on the way down.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => undefined);
    process.stdin.on('end', () => stop('the daemon went away')).on('error', () => stop('the daemon went away'));
    process.stdin.resume();
  } else {
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  }
  return new Promise<number>(() => undefined);
}

/** Under systemd: say at start which configured addresses the unit's IP sandbox would block. */
async function warnIfSandboxed(config: KioskConfig, log: Logger): Promise<void> {
  const { blockedPeers, DROPIN_PATH, APPLY } = await import('./cli/sandbox.js');
  const blocked = blockedPeers(config, await readFile(DROPIN_PATH, 'utf8').catch(() => ''));
  if (blocked.length > 0) {
    log.warn({ blocked: blocked.map((p) => `${p.at}=${p.host}`), dropIn: DROPIN_PATH }, `the service's IP sandbox blocks ${blocked.map((p) => p.host).join(', ')}: sudo kioskd sandbox --write && ${APPLY}`);
  }
}

function nativeJournal(): ((line: string) => void) | undefined {
  try {
    return createJournaldWriter(datagramSender());
  } catch {
    return undefined; // no FFI here: JSON lines on stdout, which journald also keeps
  }
}

function banner(daemon: Daemon): void {
  const base = daemon.topics.base;
  const { hostname: host, port } = new URL(daemon.brokerUrl);
  const where = `-h ${host} -p ${port}`;
  process.stderr.write(
    [
      '',
      `kioskd ${version}: kiosk "${daemon.kioskId}" is up with an embedded MQTT 3.1.1 broker`,
      `  MQTT      ${daemon.brokerUrl}`,
      `  WebSocket ${daemon.brokerWsUrl ?? '(off)'}`,
      `  watch     mosquitto_sub ${where} -v -t '${base}/#'`,
      `  try       mosquitto_pub ${where} -t '${daemon.topics.deviceRequest('gpio', 'set')}' -m '{"line":"light_printer","value":true}'`,
      '',
    ].join('\n'),
  );
}

async function configCheck(path: string): Promise<number> {
  const config = await loadConfigFile(path);
  const devices = Object.entries(config.devices).filter(([, d]) => d !== undefined).map(([n]) => n);
  process.stdout.write(`${path}: valid (${devices.length} devices: ${devices.join(', ') || 'none'})\n`);
  return 0;
}

async function gpioSafe(path: string): Promise<number> {
  const config = await loadConfig(path);
  const gpio = config.devices.gpio;
  if (!gpio || !gpio.enabled || gpio.backend === 'sim' || gpio.simulate || config.simulation) {
    process.stdout.write('gpio-safe: no hardware GPIO outputs configured\n');
    return 0;
  }
  const [{ createGpioBackend }, { createTransports }] = await Promise.all([import('./drivers/gpio/backends.js'), import('./transports/factory.js')]);
  const backend = await createGpioBackend(gpio, createTransports({ clock: systemClock }), undefined);
  const outputs = Object.entries(gpio.outputs).map(([name, c]) => ({ name, line: c.line, initial: c.safe !== c.activeLow }));
  try {
    await backend.open([], outputs);
  } finally {
    await backend.close();
  }
  process.stdout.write(`gpio-safe: ${outputs.length} outputs set to their safe values\n`);
  return 0;
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

async function dispatch(cmd: ParsedCommand): Promise<number> {
  switch (cmd.name) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`${version}\n`);
      return 0;
    case 'fleet':
      return (await import('./cli/fleet.js')).fleetCommand(cmd.rest);
    case 'run':
      return run(cmd.values);
    case 'simulate':
      return simulate(cmd.values);
    case 'config check':
      return configCheck(cmd.positionals[0] ?? '');
    case 'gpio-safe':
      return gpioSafe(configPath(cmd.values.config));
    case 'status':
      return (await import('./cli/status.js')).statusCommand(cmd.values.json === true ? ['--json'] : [], await loadConfig(configPath(cmd.values.config)));
    case 'doctor': {
      const args = [...(cmd.values.json === true ? ['--json'] : []), ...(typeof cmd.values.user === 'string' ? ['--user', cmd.values.user] : [])];
      return (await import('./cli/doctor.js')).doctorCommand(args, configPath(cmd.values.config));
    }
    case 'ticket':
      return (await import('./cli/ticket.js')).ticketCommand([], await loadConfig(configPath(cmd.values.config)));
    case 'sandbox': {
      const path = configPath(cmd.values.config);
      const { sandboxCommand } = await import('./cli/sandbox.js');
      return sandboxCommand(await loadConfig(path), path, { write: cmd.values.write === true, path: typeof cmd.values.path === 'string' ? cmd.values.path : undefined });
    }
    case 'ui-credential':
      return (await import('./cli/ui-credential.js')).uiCredentialCommand({ passwd: text(cmd.values.passwd), user: text(cmd.values.user), out: text(cmd.values.out) });
    case 'journal verify':
      return (await import('./cli/journal.js')).journalVerify(await loadConfig(configPath(cmd.values.config)), cmd.values.json === true);
    case 'report':
      return (await import('./cli/report.js')).reportCommand(await loadConfig(configPath(cmd.values.config)), text(cmd.values.day), cmd.values.json === true);
    case 'end-of-day':
      return (await import('./cli/report.js')).endOfDayCommand(await loadConfig(configPath(cmd.values.config)), cmd.values.print === true);
    case 'audit verify':
      return (await import('./cli/report.js')).auditVerifyCommand(await loadConfig(configPath(cmd.values.config)), cmd.values.json === true);
    case 'attention':
      return (await import('./cli/attention.js')).attentionList(await loadConfig(configPath(cmd.values.config)), cmd.values.json === true);
    case 'attention resolve': {
      const { technician, reason } = cmd.values;
      return (await import('./cli/attention.js')).attentionResolve(await loadConfig(configPath(cmd.values.config)), cmd.positionals[0] ?? '', {
        technician: typeof technician === 'string' ? technician : undefined, reason: typeof reason === 'string' ? reason : undefined,
      });
    }
    case 'cash levels':
    case 'cash refill':
    case 'cash empty':
    case 'cash dispense': {
      const v = cmd.values;
      return (await import('./cli/cash.js')).cashCommand(await loadConfig(configPath(v.config)), cmd.name.slice('cash '.length) as import('./cli/cash.js').CashAction, {
        json: v.json === true, technician: text(v.technician), coins: text(v.coins), notesTimeout: text(v['notes-timeout']), comment: text(v.comment),
        target: text(v.target), noSmart: v['no-smart'] === true, amount: text(v.amount), key: text(v.key), reason: text(v.reason),
        currency: text(v.currency), reference: text(v.reference), session: text(v.session), allowPartial: v['allow-partial'] === true,
      });
    }
    case 'journal recover':
      return (await import('./cli/journal.js')).journalRecover(await loadConfig(configPath(cmd.values.config)), {
        technician: text(cmd.values.technician),
        reason: text(cmd.values.reason),
        prefer: text(cmd.values.prefer),
      });
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(parseCommandLine(argv));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kioskd: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** One line for an expected failure (and its sysexits code); the stack only for a bug. */
export function reportFatal(err: unknown): number {
  if (err instanceof ConfigError) {
    process.stderr.write(`kioskd: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  const expected = err instanceof CliError ? err : describeFailure(err);
  if (expected) {
    process.stderr.write(`kioskd: ${expected.message}\n`);
    return expected.exitCode;
  }
  process.stderr.write(`kioskd: unexpected failure (please report it with this text):\n${(err as Error).stack ?? String(err)}\n`);
  return EXIT.failure;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => process.exit(reportFatal(err)),
  );
}
