/**
 * `kioskd simulate --config FILE`: every configured simulator in a process of its own, so that the
 * daemon runs its drivers in real mode against them, over the same PTYs, sockets and files it opens on
 * a kiosk, and a measurement of the daemon is of the daemon alone (issue 18).
 *
 * Generic over the device registry: each configured, enabled, simulated device whose kind has a
 * simulator that can run apart (`runsApart`) is started with `apart: true`, and the driver config it
 * returns is handed to the daemon in `{simDir}/{device}/driver.json` (src/daemon/sim-handoff.ts). A
 * simulator that fails to start is logged and the others run (its device stays offline in the daemon).
 * The `sim/{device}/request/+` controls of these devices are answered here, on this process's own MQTT
 * connection to the kiosk's broker, through the same request router (and so the same schemas, codes
 * and envelope) as the daemon's; the daemon answers only those of simulators it runs itself.
 */
import { mkdir } from 'node:fs/promises';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { isAllowedResponseTopic, makeTopics, parseRequestTopic } from '../api/topics.js';
import { RequestRouter, type CommandTable, type ResolvedCommand } from '../bus/request-router.js';
import type { Clock } from '../core/clock.js';
import type { CommandSpec, DeviceApi, DeviceKind, SimulatorHandle } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { KioskConfig } from '../daemon/config/schema.js';
import { DEVICE_KINDS } from '../daemon/registry.js';
import { removeHandoff, runsApart, simPaths, writeHandoff } from '../daemon/sim-handoff.js';

const NEVER_ABORTED = new AbortController().signal;

interface Running {
  readonly name: string;
  readonly api: DeviceApi;
  readonly handle: SimulatorHandle<unknown>;
  readonly handoff: string;
}

/** Simulated devices whose simulators stay in the daemon (`simulatorInProcess`): their sim/ topics are the daemon's. */
export function daemonSimulated(config: KioskConfig): string[] {
  const devices = config.devices as Record<string, { enabled: boolean; simulate: boolean } | undefined>;
  const apart = new Set(apartDevices(config).map((d) => d.name));
  return Object.keys(DEVICE_KINDS).filter((name) => {
    const d = devices[name];
    return d?.enabled === true && (config.simulation || d.simulate) && !apart.has(name);
  });
}

/** The devices of this config whose simulators run in the simulator process. */
export function apartDevices(config: KioskConfig): Array<{ name: string; kind: DeviceKind<DeviceApi, unknown>; devConfig: unknown }> {
  const devices = config.devices as Record<string, { enabled: boolean; simulate: boolean } | undefined>;
  return (Object.entries(DEVICE_KINDS) as Array<[string, DeviceKind<DeviceApi, unknown>]>).flatMap(([name, kind]) => {
    const devConfig = devices[name];
    if (!devConfig?.enabled || !(config.simulation || devConfig.simulate) || !runsApart({ ...config, simulators: 'own-process' }, kind)) return [];
    return [{ name, kind, devConfig }];
  });
}

async function startOne(config: KioskConfig, name: string, kind: DeviceKind<DeviceApi, unknown>, devConfig: unknown, deps: { log: Logger; clock: Clock; simDir?: string }): Promise<Running> {
  const paths = simPaths(config, name, deps.simDir);
  await mkdir(paths.workDir, { recursive: true });
  const handle = await kind.simulate!(devConfig, { log: deps.log.child({ device: name, component: 'sim' }), clock: deps.clock, workDir: paths.workDir, stateDir: paths.stateDir, apart: true });
  if (handle.link !== undefined) {
    await handle.stop();
    throw new KioskError('CONFIG_INVALID', `the ${name} simulator hands its driver an in-process object and cannot run apart (set simulatorInProcess on its kind)`);
  }
  await writeHandoff(paths.handoff, handle.driverConfig, deps.clock.iso());
  return { name, api: kind.api, handle, handoff: paths.handoff };
}

/** The sim/ commands of the running simulators, for the request router. */
function simTable(running: ReadonlyMap<string, Running>): CommandTable {
  return {
    resolve(target): ResolvedCommand {
      const sim = target.scope === 'sim' ? running.get(target.target) : undefined;
      if (!sim) throw new KioskError('UNKNOWN_DEVICE', `no simulated device ${target.target}`);
      const specs: Readonly<Record<string, CommandSpec>> = sim.api.sim ?? {};
      const spec = Object.hasOwn(specs, target.command) ? specs[target.command] : undefined;
      const handler = Object.hasOwn(sim.handle.commands, target.command) ? sim.handle.commands[target.command] : undefined;
      if (!spec || !handler) throw new KioskError('UNKNOWN_COMMAND', `the ${target.target} simulator has no command ${target.command}`);
      return { spec, signal: NEVER_ABORTED, run: (input) => handler(input) };
    },
  };
}

export interface SimulatorProcess {
  readonly devices: readonly string[];
  stop(): Promise<void>;
}

export interface SimulateOptions {
  config: KioskConfig;
  log: Logger;
  clock: Clock;
  /** The daemon's kiosk id (config.kioskId, else the host name), for the topics. */
  kioskId: string;
  /** Password for the broker (mqtt.passwordFile, read by the caller). */
  mqttPassword?: string | undefined;
  simDir?: string;
}

/** Start every simulator that runs apart, hand each over, and serve their sim/ topics. */
export async function startSimulators(o: SimulateOptions): Promise<SimulatorProcess> {
  const { config, log } = o;
  await mkdir(config.stateDir, { recursive: true });
  const running = new Map<string, Running>();
  const started = await Promise.allSettled(apartDevices(config).map((d) => startOne(config, d.name, d.kind, d.devConfig, o)));
  for (const r of started) {
    if (r.status === 'fulfilled') running.set(r.value.name, r.value);
    else log.error({ err: (r.reason as Error).message }, 'a simulator could not start; its device stays offline');
  }
  const client = connect(o, daemonSimulated(config), simTable(running));
  log.info({ devices: [...running.keys()] }, 'simulators ready');
  return {
    devices: [...running.keys()],
    async stop() {
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
      for (const r of running.values()) {
        await removeHandoff(r.handoff);
        await r.handle.stop().catch((err: unknown) => log.warn({ device: r.name, err: (err as Error).message }, 'simulator stop failed'));
      }
    },
  };
}

/**
 * The simulator process's own MQTT connection: it answers every `sim/+/request/+` (an unknown device, or
 * one whose simulator did not start, gets UNKNOWN_DEVICE) except those of the devices whose simulators
 * stay in the daemon, which the daemon answers: each request is answered exactly once.
 */
function connect(o: SimulateOptions, daemonsOwn: readonly string[], table: CommandTable): MqttClient {
  const { config, log } = o;
  const topics = makeTopics(config.mqtt.root, o.kioskId);
  const url = config.mqtt.url === 'embedded' ? `mqtt://${config.mqtt.embedded.host === '0.0.0.0' ? '127.0.0.1' : config.mqtt.embedded.host}:${config.mqtt.embedded.port}` : config.mqtt.url;
  const protocolVersion = config.mqtt.url === 'embedded' ? 4 : config.mqtt.protocolVersion;
  const options: IClientOptions = {
    clientId: `kioskd-sim-${o.kioskId}-${process.pid}`,
    protocolVersion,
    keepalive: config.mqtt.keepaliveSec,
    reconnectPeriod: 500,
    ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
    ...(o.mqttPassword !== undefined ? { password: o.mqttPassword } : {}),
  };
  const router = RequestRouter.over(table, { maxPayloadBytes: config.mqtt.maxPayloadBytes });
  const client = mqtt.connect(url, options);
  client.on('connect', () => {
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    client.subscribe(`${topics.base}/sim/+/request/+`, { qos: 1 }, (err) => {
      if (err) log.error({ err: err.message }, 'subscribe failed');
    });
  });
  // The embedded broker lives in the daemon: it is not there yet at start and goes first at stop.
  client.on('error', (err) => {
    const expected = /ECONNREFUSED|ECONNRESET|ended by the other party/.test(err.message);
    log[expected ? 'debug' : 'warn']({ err: err.message }, 'mqtt error');
  });
  client.on('message', (topic, payload, packet) => {
    const target = parseRequestTopic(topics.base, topic);
    if (target?.scope !== 'sim' || daemonsOwn.includes(target.target)) return;
    const replyTo = packet.properties?.responseTopic;
    const safeReply = replyTo !== undefined && isAllowedResponseTopic(topics.base, replyTo, target.role);
    void router
      .handle({ target, payload, retain: packet.retain, requester: undefined, role: target.role, refused: replyTo !== undefined && !safeReply ? new KioskError('INVALID_RESPONSE_TOPIC') : undefined })
      .then((response) => {
        const body = JSON.stringify(response);
        if (replyTo !== undefined && safeReply) {
          const correlationData = packet.properties?.correlationData;
          client.publish(replyTo, body, { qos: 1, ...(correlationData ? { properties: { correlationData } } : {}) });
        } else {
          client.publish(topics.simResponse(target.target, target.command), body, { qos: 1 });
        }
      });
  });
  return client;
}
