/** The `alerts:` section of the config file. Off by default; every threshold has a sensible default. */
import { z } from 'zod';

const inputName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a GPIO input name as configured under devices.gpio.inputs');

export const alertsConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** A device offline or in fault for longer than this raises DEVICE_OFFLINE / DEVICE_FAULT. */
  deviceDownSec: z.number().int().min(0).max(86_400).default(120),
  /** GPIO inputs (names under devices.gpio.inputs) whose active state means a door is open. */
  doorInputs: z.array(inputName).default([]),
  /** GPIO inputs whose active state means tampering (critical). */
  tamperInputs: z.array(inputName).default([]),
  cpuHotC: z.number().min(40).max(120).default(80),
  /** Free bytes on the state directory's filesystem below which DISK_LOW is raised (critical at a quarter). */
  diskLowBytes: z.number().int().min(0).default(256 * 1024 * 1024),
  /**
   * systemd-timesyncd creates this file once the clock is synchronised. `false` turns the check off
   * (e.g. with chrony, which does not create it).
   */
  clockSyncFile: z.union([z.string().min(1), z.literal(false)]).default('/run/systemd/timesync/synchronized'),
  /** FLEET_BACKLOG when the fleet link's store-and-forward queue holds more records than this. */
  fleetBacklogRecords: z.number().int().min(1).default(100),
  /** How often time-based rules (device down, clock, backlog) are re-checked. */
  evaluateSec: z.number().int().min(1).max(600).default(5),
});
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
