/**
 * The device table: where the router finds the command a request names. A request flows one way —
 * bus -> router -> this table -> the device's runtime (or the bridge, or a simulator) -> the driver —
 * and its answer comes back the same way. The table also applies the config's role overrides
 * (`policy.roles`); the router checks them.
 */
import { bridgeOps } from '../api/bridge.js';
import type { CommandTable, RequestTarget, ResolvedCommand } from '../bus/request-router.js';
import type { CommandContext, CommandSpec, HandlersOf } from '../core/driver.js';
import type { Role, RoleRequirement } from '../core/roles.js';
import { KioskError } from '../core/errors.js';
import type { Devices } from './devices.js';

/** Bridge and simulator requests are never cancelled; one signal serves them all (an AbortController costs ~7 µs). */
const NEVER_ABORTED = new AbortController().signal;

/** A command by name, own keys only: `toString`, `constructor` or `__proto__` are not commands (found by fuzzing). */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

type Run = (input: unknown, ctx: CommandContext) => Promise<unknown>;

/** The UI session's claim on devices (src/services/sessions.ts): throws CLAIMED_BY_OTHER for another client's request. */
export type ClaimGuard = (device: string, command: string, role: Role, session: string | undefined) => void;

export class DeviceTable implements CommandTable {
  constructor(
    private readonly devices: Pick<Devices, 'runtime' | 'simulator'>,
    private readonly bridge: HandlersOf<typeof bridgeOps>,
    /** `policy.roles`: `{ "card.refund": "technician" }` overrides what a command declares. */
    private readonly roles: Readonly<Record<string, RoleRequirement>>,
    private readonly claim: ClaimGuard = () => undefined,
  ) {}

  resolve(target: RequestTarget): ResolvedCommand {
    if (target.scope === 'bridge') return this.bridgeOp(target.command);
    if (target.scope === 'sim') return this.simCommand(target.target, target.command);
    const runtime = this.devices.runtime(target.target);
    if (!runtime) throw new KioskError('UNKNOWN_DEVICE', `no device ${target.target} on this kiosk`);
    const spec = own(runtime.api.commands, target.command);
    if (!spec) throw new KioskError('UNKNOWN_COMMAND', `${target.target} has no command ${target.command}`);
    const run: Run = (input, ctx) => {
      this.claim(target.target, target.command, ctx.role, ctx.session);
      return runtime.run(target.command, input, ctx);
    };
    return { spec, role: this.roleOf(target.target, target.command, spec), signal: runtime.signal, run };
  }

  private bridgeOp(op: string): ResolvedCommand {
    const spec = own(bridgeOps as Record<string, CommandSpec>, op);
    const run = own(this.bridge as unknown as Record<string, Run>, op);
    if (!spec || !run) throw new KioskError('UNKNOWN_COMMAND', `the bridge has no operation ${op}`);
    return { spec, role: this.roleOf('bridge', op, spec), signal: NEVER_ABORTED, run };
  }

  private simCommand(device: string, command: string): ResolvedCommand {
    const runtime = this.devices.runtime(device);
    const sim = this.devices.simulator(device);
    if (!sim && runtime?.simulated) throw new KioskError('DEVICE_UNAVAILABLE', `the ${device} simulator is not running (${runtime.state.status})`);
    if (!sim) throw new KioskError('UNKNOWN_DEVICE', `no simulated device ${device}`);
    const spec = runtime?.api.sim ? own(runtime.api.sim, command) : undefined;
    const handler = own(sim.commands, command);
    if (!spec || !handler) throw new KioskError('UNKNOWN_COMMAND', `the ${device} simulator has no command ${command}`);
    return { spec, signal: NEVER_ABORTED, run: (input) => handler(input) };
  }

  /** The role a command needs: the config's `policy.roles` override, else what the command declares. */
  private roleOf(target: string, command: string, spec: CommandSpec): CommandSpec['role'] {
    return own(this.roles, `${target}.${command}`) ?? spec.role;
  }
}
