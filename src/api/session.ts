/**
 * UI sessions (bridge operations `session-*`): a UI client opens a session, which claims the money
 * devices (cash, card) and the scanner for it until it closes, vanishes or times out. Schemas only;
 * the design is in docs/checkout.md ("Sessions").
 *
 * The session's secret is a token the client makes itself (at least 128 random bits, hex) and sends in
 * the `session` field of every request that needs the claim (next to `transaction`; the router takes
 * it out before the command's schema). Other UI clients cannot read requests (broker ACL), so they
 * never learn it; the daemon keeps only its SHA-256.
 */
import { z } from 'zod';
import type { CommandSpec } from '../core/driver.js';
import { availabilitySchema, kioskLanguageSchema } from './catalogue.js';
import { catalogueSchema } from './catalogue.js';

/** A session token: 32 to 128 hex digits (128 to 512 bits), chosen by the client. */
export const sessionTokenSchema = z.string().regex(/^[0-9a-f]{32,128}$/, '32 to 128 lower-case hex digits');

/** Devices a session claims: another client's money or scan requests on them get CLAIMED_BY_OTHER. */
export const CLAIMED_DEVICES = ['cash', 'card', 'scanner'] as const;

export const SESSION_END_REASONS = ['closed', 'vanished', 'timeout', 'shutdown'] as const;

export const sessionInfoSchema = z.object({
  sessionId: z.string(),
  language: kioskLanguageSchema,
  accessible: z.boolean(),
  openedAt: z.string(),
  /** The session ends this long after its last request unless extended (a warning event comes first). */
  timeoutMs: z.number().int(),
  /** Send `session-keepalive` at least this often, or the session is taken as vanished after `livenessMs`. */
  keepaliveMs: z.number().int(),
  livenessMs: z.number().int(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** Retained on `bridge/session`: whether a session holds the devices (never its token). */
export const sessionStateSchema = z.object({
  active: sessionInfoSchema.omit({ keepaliveMs: true, livenessMs: true }).nullable(),
  /** How the last session ended. */
  last: z.object({ sessionId: z.string(), endedAt: z.string(), reason: z.enum(SESSION_END_REASONS) }).nullable(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** `bridge/event/session`: a session opened, is about to time out, or ended. */
export const sessionEventSchema = z.object({
  type: z.enum(['opened', 'warning', 'ended', 'updated']),
  sessionId: z.string(),
  reason: z.enum(SESSION_END_REASONS).optional(),
  /** `warning`: the session ends in this many ms unless a request or `session-update {extend}` comes. */
  endsInMs: z.number().int().optional(),
  language: kioskLanguageSchema.optional(),
  accessible: z.boolean().optional(),
});
export type SessionEvent = z.infer<typeof sessionEventSchema>;

export const sessionOps = {
  'session-open': {
    summary:
      'Open a UI session: the money devices and the scanner answer only requests carrying its token (`session`) until it ends. ' +
      'One session at a time; keep it alive with session-keepalive (the client library also sets a last will that closes it).',
    input: z.strictObject({
      token: sessionTokenSchema,
      language: kioskLanguageSchema.default('en'),
      accessible: z.boolean().default(false),
    }),
    output: sessionInfoSchema,
    errors: ['CLAIMED_BY_OTHER'],
  },
  'session-keepalive': {
    summary: 'The session\'s client is still there (send every keepaliveMs). Not activity: it does not push the timeout back.',
    input: z.strictObject({}),
    output: z.object({ sessionId: z.string() }),
    errors: ['SESSION_REQUIRED'],
  },
  'session-update': {
    summary: 'Change the session\'s language or accessible mode, or push its timeout back (`extend`).',
    input: z.strictObject({ language: kioskLanguageSchema.optional(), accessible: z.boolean().optional(), extend: z.boolean().optional() }),
    output: sessionInfoSchema,
    errors: ['SESSION_REQUIRED'],
  },
  'session-close': {
    summary: 'End the session (the client library\'s last will sends this with reason `vanished`): money intake stops, escrow is returned, a checkout is suspended with what it was paid.',
    input: z.strictObject({ reason: z.enum(['closed', 'vanished']).default('closed') }),
    output: z.object({ sessionId: z.string(), closed: z.boolean() }),
    errors: ['SESSION_REQUIRED'],
  },
  catalogue: {
    summary: 'The services this kiosk sells (names in seven languages, fee or fee range, methods, required devices).',
    input: z.strictObject({}),
    output: z.object({ services: catalogueSchema }),
  },
  availability: {
    summary: 'Which services can be offered now and why not (also retained on bridge/availability).',
    input: z.strictObject({}),
    output: availabilitySchema,
  },
} as const satisfies Record<string, CommandSpec>;
