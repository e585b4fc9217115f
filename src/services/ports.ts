/**
 * What the kiosk-level services see of the devices (implemented by the composition root over the
 * device runtimes): run a command as the daemon itself, and read a device's retained state.
 */
import type { DeviceView } from './availability.js';

export interface DevicePort {
  /**
   * Run `device`'s command with an already valid input, as the daemon (no role or claim check: the
   * service checked its own session). Rejects with the device's KioskError; UNKNOWN_DEVICE when the
   * kiosk has no such device.
   */
  run(device: string, command: string, input: Record<string, unknown>, transaction?: string): Promise<unknown>;
  /** The device's retained state; undefined when it is not configured. */
  view(device: string): DeviceView | undefined;
}
