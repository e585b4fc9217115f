/**
 * Turns one incoming request message into one response envelope. Every way a request can be wrong has
 * its own stable code, and a wrong request has no other effect. Every answer carries the request's
 * `transaction` when it had a string one, whatever else was wrong with it. Knows nothing of MQTT itself.
 *
 * Order of checks: response topic, size, retain flag, JSON, transaction, the client's limits
 * (limits.ts), the command, the role (src/core/roles.ts), the command's schema. The payload's
 * `transaction` and `session` (a UI session's token) are envelope fields: taken out before the schema.
 */
import type { z } from 'zod';
import type { CommandContext, CommandSpec } from '../core/driver.js';
import { KioskError, toKioskError } from '../core/errors.js';
import { describeRequirement, mayRun, type Role, type RoleRequirement } from '../core/roles.js';
import type { ResponseEnvelope } from '../api/envelope.js';
import type { RequestLimiter } from './limits.js';

/** What a request is addressed to (the bus parses it from the topic; the fleet link builds it). */
export interface RequestTarget {
  readonly scope: 'bridge' | 'device' | 'sim';
  readonly target: string;
  readonly command: string;
}

export interface IncomingRequest {
  readonly target: RequestTarget;
  readonly payload: Buffer;
  /** The message arrived with the retain flag (a stored request replayed by the broker). */
  readonly retain: boolean;
  readonly requester: string | undefined;
  /** Where the request came from (its topic namespace, or `fleet`): never what it says. */
  readonly role: Role;
  /** Who to count it against for rate and in-flight limits; else the transaction's scope (`scope:...`). */
  readonly client?: string | undefined;
  /** The bus refused the request before reading it (e.g. INVALID_RESPONSE_TOPIC); answered with the transaction. */
  readonly refused?: KioskError | undefined;
}

/** A command found for a request: its schema, the role it needs, and how to run it. */
export interface ResolvedCommand {
  readonly spec: CommandSpec;
  /** The role it needs after the config's overrides (default: the spec's). */
  readonly role?: RoleRequirement | undefined;
  run(input: unknown, ctx: CommandContext): Promise<unknown>;
  /** Aborted when the target stops. */
  readonly signal: AbortSignal;
}

/** Where the router finds commands (the daemon's device table, src/daemon/device-table.ts). */
export interface CommandTable {
  /** Finds the command or throws UNKNOWN_DEVICE / UNKNOWN_COMMAND. */
  resolve(target: RequestTarget): ResolvedCommand;
}

/** What the bus (and the fleet link's remote operations) hand every request to: the router. */
export interface RequestHandler {
  /** Answer one request; never throws. */
  handle(req: IncomingRequest): Promise<ResponseEnvelope>;
}

export interface RouterPolicy {
  readonly maxPayloadBytes: number;
  /** Per-client limits for requests from the local bus (fleet requests are not counted). */
  readonly limiter?: RequestLimiter;
  /** Called with every failed request (for counters and logs). */
  onError?(target: RequestTarget, err: KioskError): void;
}

export interface RouterOptions extends RouterPolicy, CommandTable {}

/** Longest transaction echoed back; a longer one is refused unechoed (the request's limit is 128). */
const ECHO_MAX = 1024;
const TRANSACTION_MAX = 128;

function issuePath(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

type Body = { ok: true; value: Record<string, unknown> } | { ok: false; error: KioskError };

function parseBody(payload: Buffer): Body {
  if (payload.length === 0) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, error: new KioskError('INVALID_JSON', `payload is not valid JSON: ${(err as Error).message}`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: new KioskError('INVALID_PAYLOAD', '(root): expected a JSON object') };
  return { ok: true, value: value as Record<string, unknown> };
}

/** `abc` of a transaction `abc:17`: how a client without an MQTT 5 response topic names itself. */
export function transactionScope(transaction: string | undefined): string | undefined {
  const at = transaction?.indexOf(':') ?? -1;
  return transaction !== undefined && at > 0 && at <= 64 ? transaction.slice(0, at) : undefined;
}

export class RequestRouter implements RequestHandler {
  constructor(private readonly options: RouterOptions) {}

  /** A router in front of `table`: requests flow bus -> router -> table -> runtime -> driver. */
  static over(table: CommandTable, policy: RouterPolicy): RequestRouter {
    return new RequestRouter({ ...policy, resolve: (target) => table.resolve(target) });
  }

  async handle(req: IncomingRequest): Promise<ResponseEnvelope> {
    const body = parseBody(req.payload);
    const raw = body.ok ? body.value.transaction : undefined;
    const transaction = typeof raw === 'string' && raw.length <= ECHO_MAX ? raw : undefined;
    let release: (() => void) | undefined;
    try {
      if (req.refused) throw req.refused;
      if (req.payload.length > this.options.maxPayloadBytes) {
        throw new KioskError('PAYLOAD_TOO_LARGE', `payload of ${req.payload.length} bytes exceeds ${this.options.maxPayloadBytes}`);
      }
      if (req.retain) throw new KioskError('RETAINED_REQUEST');
      if (!body.ok) throw body.error;
      if (raw !== undefined && (typeof raw !== 'string' || raw.length === 0 || raw.length > TRANSACTION_MAX)) {
        throw new KioskError('INVALID_PAYLOAD', `transaction: must be a string of 1 to ${TRANSACTION_MAX} characters`);
      }
      const input = { ...body.value };
      delete input.transaction;
      // A UI session's token travels beside the transaction, not inside any command's schema.
      const session = typeof input.session === 'string' ? input.session.slice(0, 256) : undefined;
      delete input.session;
      if (this.options.limiter && req.role !== 'fleet') {
        release = this.options.limiter.acquire(`${req.role}/${req.client ?? transactionScope(transaction) ?? 'anonymous'}`);
      }
      const command = this.options.resolve(req.target);
      const needs = command.role ?? command.spec.role;
      if (!mayRun(needs, req.role)) {
        throw new KioskError('ROLE_FORBIDDEN', `${req.target.target}/${req.target.command} needs the ${describeRequirement(needs)} role; this request came in as ${req.role}`, {
          details: { needs: describeRequirement(needs), role: req.role },
        });
      }
      const parsed = command.spec.input.safeParse(input);
      if (!parsed.success) {
        throw new KioskError('INVALID_PAYLOAD', issuePath(parsed.error.issues), {
          details: { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const data = await command.run(parsed.data, { transaction, signal: command.signal, requester: req.requester, role: req.role, session });
      return transaction === undefined ? { status: 'ok', data } : { status: 'ok', data, transaction };
    } catch (err) {
      const error = toKioskError(err);
      this.options.onError?.(req.target, error);
      const errorBody = error.toJSON();
      return transaction === undefined ? { status: 'error', error: errorBody } : { status: 'error', error: errorBody, transaction };
    } finally {
      release?.();
    }
  }
}
