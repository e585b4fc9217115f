/**
 * Commands the daemon's own kiosk-level units send to devices (the assistance light, the audio defaults of
 * accessible mode): found in the device table like any request, their input parsed by the command's own
 * schema (so defaults apply), run with the `technician` role and a `kioskd:{unit}` requester for the logs.
 * No limiter and no role check: nothing outside the process can reach this.
 */
import type { CommandTable } from '../bus/request-router.js';
import { KioskError } from '../core/errors.js';

/** Run `device/{device}/request/{command}` from inside the daemon; throws the command's KioskError. */
export type DeviceCall = (device: string, command: string, input: Record<string, unknown>) => Promise<unknown>;

export function deviceCaller(table: CommandTable, unit: string): DeviceCall {
  return async (device, command, input) => {
    const resolved = table.resolve({ scope: 'device', target: device, command });
    const parsed = resolved.spec.input.safeParse(input);
    if (!parsed.success) throw new KioskError('INVALID_PAYLOAD', `${device}/${command} from ${unit}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return resolved.run(parsed.data, { transaction: undefined, signal: resolved.signal, requester: `kioskd:${unit}`, role: 'technician' });
  };
}
