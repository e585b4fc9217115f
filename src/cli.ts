#!/usr/bin/env node
/**
 * The `kioskd` command: runs the daemon, and the technician's subcommands. The only module that reads
 * argv, env, signals and the config file; everything else gets what it needs from here.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from './core/clock.js';
import { ConfigError, EXIT_CONFIG, loadConfigFile } from './core/config/load.js';
import type { KioskConfig } from './core/config/schema.js';
import { Daemon } from './core/daemon.js';
import { createJournaldWriter } from './core/journald.js';
import { createLogger, type Logger } from './core/logger.js';
import { createNotifier } from './health/sd-notify.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const SYSTEM_CONFIG = '/etc/kioskd/config.yaml';
export const BUNDLED_CONFIG = join(packageRoot, 'config', 'simulated.yaml');

const USAGE = `kioskd ${version} — kiosk peripherals over MQTT

usage:
  kioskd [--config FILE] [--playground [PORT]]
                                  run the daemon (default ${SYSTEM_CONFIG}, else the simulated kiosk);
                                  --playground also serves the UI playground on 127.0.0.1:PORT (8080)
  kioskd config check FILE        validate a config file and exit (78 when invalid)
  kioskd gpio-safe [--config FILE]  set every GPIO output to its safe value (systemd ExecStopPost)
  kioskd status [--config FILE] [--json]   devices, states, alerts and links (exit 1 when the daemon is offline)
  kioskd doctor [--config FILE] [--user NAME] [--json]   check the kiosk; each failure says how to fix it
  kioskd ticket [--config FILE]   print a status ticket on the kiosk's own printer
  kioskd ui-credential [--passwd FILE] [--user kiosk-ui] [--out FILE]
                                  a new broker password for the kiosk UI (every boot: kioskd-ui-credential.service)
  kioskd journal verify [--config FILE] [--json]   check both copies of the money journal (exit 2: it refuses to open)
  kioskd journal recover --technician NAME --reason TEXT [--prefer journal|mirror] [--config FILE]
                                  recover a journal that refuses to open (audited; asks the running daemon)
  kioskd fleet --url URL [--ca F --cert F --key F] [--prefix fleet] [--stale SEC] [--json] [--once MS]   watch the fleet broker
  kioskd fleet op KIOSK OP --url URL [--ca F --cert F --key F] [--input JSON] [--as NAME]   run one remote operation
  kioskd fleet ingest --url URL --db postgres://... [--name NAME] [--lanes 8]   a worker of the fleet store (docs/fleet.md)
  kioskd --version | --help
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError('command line', [`${name} needs a value`]);
  args.splice(i, 2);
  return value;
}

function configPath(args: string[]): string {
  return option(args, '--config') ?? (existsSync(SYSTEM_CONFIG) ? SYSTEM_CONFIG : BUNDLED_CONFIG);
}

async function loadConfig(path: string): Promise<KioskConfig> {
  const config = await loadConfigFile(path);
  // A relative stateDir is relative to where kioskd was started (the simulated config uses one).
  return { ...config, stateDir: resolve(config.stateDir) };
}

async function run(args: string[]): Promise<number> {
  const path = configPath(args);
  const config = await loadConfig(path);
  // Under systemd: structured fields through journald's native socket (journalctl DEVICE=printer),
  // else JSON lines on stdout with priority prefixes.
  const underSystemd = process.env.JOURNAL_STREAM !== undefined;
  const native = underSystemd ? createJournaldWriter() : undefined;
  const log = createLogger({ level: config.logging.level, journald: underSystemd && !native, ...(native ? { write: native } : {}) });
  const notifier = await createNotifier(process.env, log);
  const mqttPassword = config.mqtt.passwordFile ? (await readFile(config.mqtt.passwordFile, 'utf8')).trim() : undefined;
  const daemon = new Daemon({
    config,
    log,
    clock: systemClock,
    version,
    hostname: hostname(),
    notifier,
    ...(mqttPassword !== undefined ? { mqttPassword } : {}),
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    log.info({ signal, config: path }, 'stopping');
    const deadline = setTimeout(() => {
      log.error('stop took longer than 4.5 s; exiting anyway');
      process.exit(0);
    }, 4500);
    stopping = daemon.stop().finally(() => {
      clearTimeout(deadline);
      notifier.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; stopping so systemd restarts us');
    shutdown('uncaughtException');
  });
  await daemon.start();
  if (config.mqtt.url === 'embedded') banner(daemon);
  // `--playground [PORT]`: the kiosk UI playground page (src/playground), loaded only when asked for.
  if (args.includes('--playground')) await (await import('./playground/cli.js')).playgroundFromArgs(args, config, daemon, log);
  return new Promise<number>(() => undefined);
}

function banner(daemon: Daemon): void {
  const base = daemon.topics.base;
  process.stderr.write(
    [
      '',
      `kioskd ${version}: kiosk "${daemon.kioskId}" is up${daemon.brokerWsUrl ? ' with an embedded MQTT 3.1.1 broker' : ` on the broker already at ${daemon.brokerUrl}`}`,
      `  MQTT      ${daemon.brokerUrl}`,
      `  WebSocket ${daemon.brokerWsUrl ?? '(off)'}`,
      `  watch     mosquitto_sub -h 127.0.0.1 -v -t '${base}/#'`,
      `  try       mosquitto_pub -h 127.0.0.1 -t '${base}/device/gpio/request/set' -m '{"line":"light_printer","value":true}'`,
      '',
    ].join('\n'),
  );
}

async function configCheck(args: string[]): Promise<number> {
  const path = args[0];
  if (!path) throw new ConfigError('command line', ['config check needs a FILE']);
  const config = await loadConfigFile(path);
  const devices = Object.entries(config.devices).filter(([, d]) => d !== undefined).map(([n]) => n);
  process.stdout.write(`${path}: valid (${devices.length} devices: ${devices.join(', ') || 'none'})\n`);
  return 0;
}

async function gpioSafe(args: string[]): Promise<number> {
  const config = await loadConfig(configPath(args));
  const gpio = config.devices.gpio;
  if (!gpio || !gpio.enabled || gpio.backend === 'sim' || gpio.simulate || config.simulation) {
    process.stdout.write('gpio-safe: no hardware GPIO outputs configured\n');
    return 0;
  }
  const { createGpioBackend } = await import('./drivers/gpio/backends.js');
  const backend = await createGpioBackend(gpio, undefined);
  const outputs = Object.entries(gpio.outputs).map(([name, c]) => ({ name, line: c.line, initial: c.safe !== c.activeLow }));
  await backend.open([], outputs);
  await backend.close();
  process.stdout.write(`gpio-safe: ${outputs.length} outputs set to their safe values\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.includes('--version')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const [command, sub] = args;
  if (command === 'config' && sub === 'check') return configCheck(args.slice(2));
  if (command === 'gpio-safe') return gpioSafe(args.slice(1));
  if (command === 'status') return (await import('./cli/status.js')).statusCommand(args.slice(1), await loadConfig(configPath(args)));
  if (command === 'doctor') return (await import('./cli/doctor.js')).doctorCommand(args.slice(1), configPath(args));
  if (command === 'ticket') return (await import('./cli/ticket.js')).ticketCommand(args.slice(1), await loadConfig(configPath(args)));
  if (command === 'fleet') return (await import('./cli/fleet.js')).fleetCommand(args.slice(1));
  if (command === 'ui-credential') return (await import('./cli/ui-credential.js')).uiCredentialCommand(args.slice(1));
  if (command === 'journal') return (await import('./cli/journal.js')).journalCommand(args.slice(1), await loadConfig(configPath(args)));
  if (command === undefined || command.startsWith('--')) return run(args);
  process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
  return 64;
}

export function reportFatal(err: unknown, log?: Logger): number {
  if (err instanceof ConfigError) {
    process.stderr.write(`kioskd: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  if (log) log.fatal({ err }, 'kioskd failed');
  else process.stderr.write(`kioskd: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => process.exit(reportFatal(err)),
  );
}
