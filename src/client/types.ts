/**
 * Types of the MQTT API as the client sees them, derived from the daemon's own zod schemas
 * (`DEVICE_APIS`, `bridgeOps`): a command's parameters are its input schema's input type, its result the
 * output schema's output type. Nothing here exists at run time.
 */
import type { z } from 'zod';
import type { DeviceApis, DeviceStatus } from '../api/index.js';
import type { BridgeOps } from '../api/bridge.js';

/** A device kind the client knows (and the device's name on the bus: devices are named by kind). */
export type DeviceName = Extract<keyof DeviceApis, string>;

type Commands<D extends DeviceName> = DeviceApis[D]['commands'];
type Events<D extends DeviceName> = DeviceApis[D]['events'];
type Sims<D extends DeviceName> = DeviceApis[D] extends { readonly sim: infer S } ? S : Record<never, never>;

export type CommandName<D extends DeviceName> = keyof Commands<D> & string;
export type CommandParams<D extends DeviceName, C extends CommandName<D>> = Commands<D>[C] extends { readonly input: infer I extends z.ZodType } ? z.input<I> : never;
export type CommandResult<D extends DeviceName, C extends CommandName<D>> = Commands<D>[C] extends { readonly output: infer O extends z.ZodType } ? z.output<O> : never;

export type EventName<D extends DeviceName> = keyof Events<D> & string;
export type EventData<D extends DeviceName, E extends EventName<D>> = Events<D>[E] extends { readonly payload: infer P extends z.ZodType } ? z.output<P> : never;

/** The payload of the progress event a long command publishes (never for commands without one). */
export type ProgressData<D extends DeviceName, C extends CommandName<D>> = Commands<D>[C] extends { readonly progressEvent: infer E }
  ? E extends EventName<D>
    ? EventData<D, E>
    : never
  : never;

export type SimName<D extends DeviceName> = keyof Sims<D> & string;
type SimSpec<D extends DeviceName, S extends SimName<D>> = Sims<D>[S] extends { readonly input: z.ZodType; readonly output: z.ZodType } ? Sims<D>[S] : never;
export type SimParams<D extends DeviceName, S extends SimName<D>> = z.input<SimSpec<D, S>['input']>;
export type SimResult<D extends DeviceName, S extends SimName<D>> = z.output<SimSpec<D, S>['output']>;

export type BridgeOpName = Extract<keyof BridgeOps, string>;
export type BridgeOpParams<O extends BridgeOpName> = z.input<BridgeOps[O]['input']>;
export type BridgeOpResult<O extends BridgeOpName> = z.output<BridgeOps[O]['output']>;

/** A device's retained state, with `detail` typed by the device's state schema. */
export interface DeviceState<D extends DeviceName> {
  readonly status: DeviceStatus;
  readonly detail: z.output<DeviceApis[D]['stateDetail']>;
  readonly since: string;
  readonly error?: { readonly code: string; readonly at: string };
}

export type { DeviceStatus };
