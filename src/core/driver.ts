/**
 * The contract between a device driver and the rest of kioskd. A driver never imports mqtt: it gets a
 * {@link DriverHost} to publish its state and events, and exposes typed command handlers whose input and
 * output are described by the zod schemas of its {@link DeviceApi}.
 */
import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import type { Journal } from './journal.js';
import type { Role, RoleRequirement } from './roles.js';
import type { Transports } from './transport.js';

export const DEVICE_STATUSES = ['starting', 'ready', 'busy', 'offline', 'fault', 'disabled'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** One request/response command of a device. */
export interface CommandSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  /** Stable error codes this command may answer with, beyond the envelope's own (documentation). */
  readonly errors?: readonly string[];
  /** Long operations publish progress as this event, carrying the request's transaction. */
  readonly progressEvent?: string;
  /**
   * Who may run it (see src/core/roles.ts). Absent: `ui`, open to every role. `technician`: only
   * requests on the technician namespace (and the CLI). Add `fleet` for remote operations.
   */
  readonly role?: RoleRequirement;
}

/** One event a device publishes (QoS 1, never retained). */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly payload: P;
  /** Payload carries personal or card data: local bus only, never the fleet link, never a log. */
  readonly personal?: boolean;
}

/**
 * The API of a device kind: schemas only, importable by the client library and the docs generator
 * without loading any driver or transport.
 */
export interface DeviceApi {
  readonly kind: string;
  readonly summary: string;
  readonly commands: Readonly<Record<string, CommandSpec>>;
  readonly events: Readonly<Record<string, EventSpec>>;
  /** Schema of `detail` in the retained device state. */
  readonly stateDetail: z.ZodType;
  /** Simulator controls, reachable under `sim/{dev}/request/{name}` only when simulation is on. */
  readonly sim?: Readonly<Record<string, CommandSpec>>;
}

export type CommandInput<A extends DeviceApi, K extends keyof A['commands']> = z.infer<A['commands'][K]['input']>;
export type CommandOutput<A extends DeviceApi, K extends keyof A['commands']> = z.output<A['commands'][K]['output']>;
export type EventPayload<A extends DeviceApi, K extends keyof A['events']> = z.input<A['events'][K]['payload']>;

/** Per-request context handed to a command handler. */
export interface CommandContext {
  /** The request's `transaction`, echoed in the response and carried by progress events. */
  readonly transaction: string | undefined;
  /** Aborted when the daemon shuts down or the driver is restarted. */
  readonly signal: AbortSignal;
  /** Who asked (MQTT client id where known, `cli`, `fleet:...`), for audit logs. */
  readonly requester: string | undefined;
  /** The role the request arrived with (its topic namespace, or `fleet`): drivers apply role policies with it. */
  readonly role: Role;
}

export type CommandHandlers<A extends DeviceApi> = {
  [K in keyof A['commands'] & string]: (input: CommandInput<A, K>, ctx: CommandContext) => Promise<CommandOutput<A, K>>;
};

/** Handlers for a table of commands that is not a device's (the bridge operations), typed by its schemas. */
export type HandlersOf<T extends Readonly<Record<string, CommandSpec>>> = {
  [K in keyof T & string]: (input: z.infer<T[K]['input']>, ctx: CommandContext) => Promise<z.output<T[K]['output']>>;
};

/** What a driver can do to the outside world; implemented by the core, backed by the bus. */
export interface DriverHost<A extends DeviceApi = DeviceApi> {
  /** Device name as configured (the `{dev}` in topics). */
  readonly device: string;
  /** Replace status and (optionally) the whole detail; publishes the retained state if it changed. */
  setState(status: DeviceStatus, detail?: Record<string, unknown>): void;
  /** Merge into the current detail without changing status. */
  patchDetail(patch: Record<string, unknown>): void;
  /** Publish an event (QoS 1, not retained). Progress events should carry `transaction`. */
  emit<K extends keyof A['events'] & string>(event: K, payload: EventPayload<A, K>): void;
  /**
   * The device was lost (unplugged, link died). The supervisor stops the driver, marks it offline and
   * restarts it with backoff. Never throws.
   */
  lost(err: unknown): void;
  /** Count something (shown in health): notes stacked, jobs printed, scans dropped... */
  count(counter: string, by?: number): void;
  /** Record an error code as the device's last error (shown in health) without changing status. */
  noteError(code: string): void;
}

/** A running device. Constructors only store their dependencies; I/O starts in `start`. */
export interface Driver<A extends DeviceApi = DeviceApi> {
  readonly api: A;
  readonly commands: CommandHandlers<A>;
  /**
   * Open the device and bring it to `ready` (or leave it `offline`/`fault` via the host). Throwing means
   * the start failed and will be retried with backoff. `signal` aborts when the daemon stops.
   */
  start(signal: AbortSignal): Promise<void>;
  /** Release the device and put outputs in their safe state. Must not throw; must finish promptly. */
  stop(): Promise<void>;
}

/** What every driver factory receives. */
export interface DriverDeps<A extends DeviceApi = DeviceApi> {
  readonly host: DriverHost<A>;
  readonly log: Logger;
  /** Every timer, timeout, poll interval and backoff of the driver runs on it. */
  readonly clock: Clock;
  /** Makes the driver's streams, GPIO backend and sound output: a driver never constructs its own. */
  readonly transports: Transports;
  /** Durable money journal; present for devices that handle money. */
  readonly journal: Journal | undefined;
  /** A directory this device may persist state in (job ids, counters). */
  readonly stateDir: string;
  /** The running simulator's `link`, when this device is simulated and its simulator has one. */
  readonly simulatorLink: unknown;
}

/** A running simulator: the other end of the real wire, controlled through `sim/` topics. */
export interface SimulatorHandle<C> {
  /** The driver config to use so that the driver talks to this simulator (e.g. the PTY path). */
  readonly driverConfig: C;
  /** Handlers for the kind's `api.sim` commands. */
  readonly commands: Record<string, (input: unknown) => Promise<unknown>>;
  /**
   * For simulators with no byte wire (GPIO's simulated line set): the object the driver's backend
   * attaches to. Serial/TCP simulators leave it undefined: the driver reaches them through the path.
   */
  readonly link?: unknown;
  stop(): Promise<void>;
}

export interface SimulatorDeps {
  readonly log: Logger;
  readonly clock: Clock;
  /** A scratch directory for PTY links, sockets and files of this simulator. */
  readonly workDir: string;
  /** Persistent dir for simulator memory that must survive a daemon restart (e.g. last transaction). */
  readonly stateDir: string;
}

/**
 * A device kind, as registered in `src/daemon/registry.ts`: its API, its config schema, a factory, and
 * optionally a simulator.
 */
export interface DeviceKind<A extends DeviceApi = DeviceApi, C = unknown> {
  readonly api: A;
  /** Schema of `devices.{name}` (without the common keys `enabled` and `simulate`). */
  readonly configSchema: z.ZodType<C>;
  /** True for devices that need the money journal. */
  readonly usesJournal?: boolean;
  /** Lazy: the driver module is imported only when the device is configured. */
  create(config: C, deps: DriverDeps<A>): Promise<Driver<A>>;
  simulate?(config: C, deps: SimulatorDeps): Promise<SimulatorHandle<C>>;
}

/** Helper so that a kind's `create`/`simulate` get their config type inferred from the schema. */
export function defineDeviceKind<A extends DeviceApi, S extends z.ZodType>(kind: {
  api: A;
  configSchema: S;
  usesJournal?: boolean;
  create(config: z.output<S>, deps: DriverDeps<A>): Promise<Driver<A>>;
  simulate?(config: z.output<S>, deps: SimulatorDeps): Promise<SimulatorHandle<z.output<S>>>;
}): DeviceKind<A, z.output<S>> {
  return kind as DeviceKind<A, z.output<S>>;
}
