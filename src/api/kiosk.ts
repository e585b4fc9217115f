/**
 * Kiosk-level state that belongs to no single device (issue 19 items 4 and 5):
 *
 * - **Accessible mode** (`{base}/bridge/accessible`, retained; `{base}/bridge/event/accessible`): on while a
 *   headset is plugged into the speech jack (a GPIO sense line) or while the UI asks for it; off on
 *   unplug, on request and at the end of a session (`accessible-reset`). While on, the money flows'
 *   own timeouts are multiplied by `timeoutScale` and the audio device speaks at the accessible rate
 *   and volume.
 * - **Assistance** (`{base}/bridge/assistance`, retained; `{base}/bridge/event/assistance`): the
 *   assistance button (a GPIO input) or the UI asks for a person; the alert `ASSISTANCE_REQUESTED` goes
 *   to the fleet and the assistance light comes on until a technician acknowledges (`assistance-ack`,
 *   technician role, audited).
 *
 * Schemas only: the daemon's units are src/daemon/accessibility.ts and src/daemon/assistance.ts.
 */
import { z } from 'zod';
import { speechLangSchema } from '../drivers/audio/api.js';

/** The session's (the screen's) language: one kioskd speaks (ar, en, es, fr, de, ru, zh, with a region or script). */
export const sessionLanguageSchema = speechLangSchema;

/** Who turned accessible mode on or off. `session`: the UI's session logic (issue 16), `ui`: a page's request. */
export const accessibleSourceSchema = z.enum(['headset', 'ui', 'session', 'reset', 'start']);
export type AccessibleSource = z.infer<typeof accessibleSourceSchema>;

/** `{base}/bridge/accessible`, retained. */
export const accessibleStateSchema = z.object({
  on: z.boolean(),
  /** What last changed `on`. */
  source: accessibleSourceSchema,
  /** The session's language (the screen's), when the UI or session gave one: speech and spoken receipts use it. */
  language: speechLangSchema.nullable(),
  /** The headset-sense line says a headset is plugged in (null: no headset input configured, or not read yet). */
  headset: z.boolean().nullable(),
  /** Factor the money flows' timeouts are multiplied by now (1 when off). */
  timeoutScale: z.number().min(1),
  since: z.string().describe('ISO time `on` last changed'),
});
export type AccessibleState = z.infer<typeof accessibleStateSchema>;

/** `{base}/bridge/event/accessible`, QoS 1, not retained: accessible mode or the session's language changed. */
export const accessibleEventSchema = z.object({
  on: z.boolean(),
  source: accessibleSourceSchema,
  language: speechLangSchema.nullable(),
  at: z.string(),
});

/** `{base}/bridge/assistance`, retained. */
export const assistanceStateSchema = z.object({
  /** A person asked for help and no technician has acknowledged it yet. */
  requested: z.boolean(),
  /** When the pending request was made (null when none is pending). */
  since: z.string().nullable(),
  /** How it was asked: the assistance button or a UI request. */
  via: z.enum(['button', 'ui']).nullable(),
  /** Presses (and UI requests) while it was pending, the first included: a person pressing again and again. */
  presses: z.number().int().nonnegative(),
  /** The last acknowledgement (who and when), kept until the next request. */
  lastAck: z.object({ technician: z.string(), at: z.string(), waitedSec: z.number().int().nonnegative() }).nullable(),
});
export type AssistanceState = z.infer<typeof assistanceStateSchema>;

/** `{base}/bridge/event/assistance`, QoS 1, not retained. */
export const assistanceEventSchema = z.object({
  action: z.enum(['requested', 'pressed-again', 'acknowledged']),
  via: z.enum(['button', 'ui', 'technician', 'fleet']),
  at: z.string(),
  /** `acknowledged`: the technician's name as given in the request (staff, never a citizen). */
  technician: z.string().optional(),
});

/** A staff member's name or id as typed on the technician's tablet or CLI. */
const staffName = z.string().min(1).max(64).regex(/^[^\u0000-\u001f\u007f]+$/, 'printable characters');

/** The bridge operations of both units (merged into src/api/bridge.ts). */
export const kioskOps = {
  accessible: {
    summary:
      'Turn accessible mode on or off and/or set the session language (the screen\'s). Turning it on applies the accessible ' +
      'speech rate and volume and extends the money timeouts; turning it off restores the audio defaults. A headset plug or unplug changes it too.',
    input: z
      .strictObject({ on: z.boolean().optional(), language: speechLangSchema.optional() })
      .refine((v) => v.on !== undefined || v.language !== undefined, 'give on and/or language'),
    output: accessibleStateSchema,
  },
  'accessible-reset': {
    summary:
      'End of a session: accessible mode off, language forgotten, audio stopped and back to its defaults (no repeat of the previous ' +
      'person\'s words). A headset still plugged in turns it on again only when plugged anew.',
    input: z.strictObject({}),
    output: accessibleStateSchema,
  },
  'assistance-request': {
    summary: 'Ask for a person from the screen (as the assistance button does): raises ASSISTANCE_REQUESTED, lights the assistance light.',
    input: z.strictObject({}),
    output: assistanceStateSchema,
  },
  'assistance-ack': {
    summary: 'A technician acknowledges the pending assistance request (audited): the alert clears and the assistance light goes off.',
    role: ['technician', 'fleet'],
    input: z.strictObject({ technician: staffName, note: z.string().max(200).optional() }),
    output: assistanceStateSchema.extend({ acknowledged: z.boolean().describe('false: nothing was pending') }),
  },
} as const;
