/**
 * Turns one incoming request message into one response envelope. Every way a request can be wrong has
 * its own stable code, and a wrong request has no other effect. Knows nothing of MQTT itself.
 */
import type { z } from 'zod';
import type { CommandContext, CommandSpec } from '../core/driver.js';
import { KioskError, toKioskError } from '../core/errors.js';
import type { ResponseEnvelope } from '../api/envelope.js';
import type { ParsedRequestTopic } from './topics.js';

export interface IncomingRequest {
  readonly target: ParsedRequestTopic;
  readonly payload: Buffer;
  /** The message arrived with the retain flag (a stored request replayed by the broker). */
  readonly retain: boolean;
  readonly requester: string | undefined;
}

/** A command found for a request: its schema and how to run it. */
export interface ResolvedCommand {
  readonly spec: CommandSpec;
  run(input: unknown, ctx: CommandContext): Promise<unknown>;
  /** Aborted when the target stops. */
  readonly signal: AbortSignal;
}

export interface RouterOptions {
  readonly maxPayloadBytes: number;
  /** Finds the command or throws UNKNOWN_DEVICE / UNKNOWN_COMMAND. */
  resolve(target: ParsedRequestTopic): ResolvedCommand;
  /** Called with every failed request (for counters and logs). */
  onError?(target: ParsedRequestTopic, err: KioskError): void;
}

function issuePath(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export class RequestRouter {
  constructor(private readonly options: RouterOptions) {}

  async handle(req: IncomingRequest): Promise<ResponseEnvelope> {
    let transaction: string | undefined;
    try {
      if (req.payload.length > this.options.maxPayloadBytes) {
        throw new KioskError('PAYLOAD_TOO_LARGE', `payload of ${req.payload.length} bytes exceeds ${this.options.maxPayloadBytes}`);
      }
      if (req.retain) throw new KioskError('RETAINED_REQUEST');
      const body = this.parseBody(req.payload);
      if (typeof body.transaction === 'string' && body.transaction.length > 0 && body.transaction.length <= 128) {
        transaction = body.transaction;
      } else if (body.transaction !== undefined) {
        throw new KioskError('INVALID_PAYLOAD', 'transaction: must be a string of 1 to 128 characters');
      }
      delete body.transaction;
      const command = this.options.resolve(req.target);
      const parsed = command.spec.input.safeParse(body);
      if (!parsed.success) {
        throw new KioskError('INVALID_PAYLOAD', issuePath(parsed.error.issues), {
          details: { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const data = await command.run(parsed.data, { transaction, signal: command.signal, requester: req.requester });
      return transaction === undefined ? { status: 'ok', data } : { status: 'ok', data, transaction };
    } catch (err) {
      const error = toKioskError(err);
      this.options.onError?.(req.target, error);
      const body = error.toJSON();
      return transaction === undefined ? { status: 'error', error: body } : { status: 'error', error: body, transaction };
    }
  }

  private parseBody(payload: Buffer): Record<string, unknown> {
    if (payload.length === 0) return {};
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new KioskError('INVALID_JSON', `payload is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new KioskError('INVALID_PAYLOAD', '(root): expected a JSON object');
    }
    return value as Record<string, unknown>;
  }
}
