/**
 * The `accessibility:` and `assistance:` sections of the config file (issue 19 items 4 and 5). Both name
 * GPIO lines configured under `devices.gpio`; the config schema checks that they exist.
 */
import { z } from 'zod';

const lineName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a GPIO line name as configured under devices.gpio');

export const accessibilityConfigSchema = z.strictObject({
  /**
   * The speech jack's headset-sense switch, a GPIO input. Jacks differ: some switches close when a plug
   * goes in, most open. `pluggedWhen: inactive` reads "plugged" when the input (after its own
   * activeLow) is inactive.
   */
  headset: z
    .strictObject({
      input: lineName,
      pluggedWhen: z.enum(['active', 'inactive']).default('active'),
    })
    .optional(),
  /** The money flows' own timeouts (cash accept, the card terminal's silence) are multiplied by this while accessible mode is on. */
  timeoutScale: z.number().min(1).max(10).default(2),
  /** What the audio device is set to when accessible mode goes on (`reset` restores the device's defaults). */
  audio: z
    .strictObject({
      rate: z.enum(['slower', 'slow', 'normal', 'fast']).default('slow'),
      /** A volume level index of devices.audio.volume.levelsDb; unset: the audio device's default level. */
      volumeLevel: z.number().int().min(0).max(19).optional(),
    })
    .prefault({}),
});
export type AccessibilityConfig = z.output<typeof accessibilityConfigSchema>;

export const assistanceConfigSchema = z.strictObject({
  /** The assistance button, a GPIO input: a press (inactive -> active) asks for a person. Unset: only the UI can ask. */
  button: lineName.optional(),
  /** The assistance light, a GPIO output: on while a request waits for a technician's acknowledgement. */
  light: lineName.optional(),
});
export type AssistanceConfig = z.output<typeof assistanceConfigSchema>;

/** The lines these sections name, checked against `devices.gpio` (inputs and outputs). */
export function lineProblems(
  a: AccessibilityConfig,
  s: AssistanceConfig,
  gpio: { inputs: Record<string, unknown>; outputs: Record<string, unknown> } | undefined,
): Array<{ path: string[]; message: string }> {
  const out: Array<{ path: string[]; message: string }> = [];
  const need = (path: string[], line: string | undefined, dir: 'inputs' | 'outputs'): void => {
    if (line === undefined) return;
    if (!gpio) out.push({ path, message: `names GPIO line "${line}" but devices.gpio is not configured` });
    else if (!Object.hasOwn(gpio[dir], line)) out.push({ path, message: `no GPIO ${dir.slice(0, -1)} named "${line}" under devices.gpio.${dir}` });
  };
  need(['accessibility', 'headset', 'input'], a.headset?.input, 'inputs');
  need(['assistance', 'button'], s.button, 'inputs');
  need(['assistance', 'light'], s.light, 'outputs');
  return out;
}
