/**
 * Errors with a stable machine code. The codes themselves are listed in one registry,
 * src/core/error-codes.ts; anything thrown becomes a {@link KioskError} before it reaches a response.
 */
import { ERROR_CODES, type RegisteredErrorCode } from './error-codes.js';

export { ERROR_CODES };

/** A registered code, or (for forward compatibility of callers) any string: unregistered codes default to not retryable. */
export type ErrorCode = RegisteredErrorCode | (string & {});

export function describeCode(code: string): { retryable: boolean; message: string } | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? (ERROR_CODES as Record<string, { retryable: boolean; message: string }>)[code] : undefined;
}

/** Every registered code, in registry order (the API document's table). */
export function allErrorCodes(): Record<string, { retryable: boolean; message: string }> {
  return { ...ERROR_CODES };
}

/** An error with a stable machine code. Everything that reaches a response becomes one of these. */
export class KioskError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown; retryable?: boolean; details?: Record<string, unknown> } = {},
  ) {
    const def = describeCode(code);
    super(message ?? def?.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KioskError';
    this.code = code;
    this.retryable = options.retryable ?? def?.retryable ?? false;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; retryable: boolean; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Anything thrown becomes a KioskError; unknown errors become INTERNAL without leaking their text. */
export function toKioskError(err: unknown): KioskError {
  if (err instanceof KioskError) return err;
  if (err instanceof Error && 'code' in err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new KioskError('DEVICE_NOT_FOUND', undefined, { cause: err });
    // Transports say ENOPKG ("package not installed") with a message naming what to install.
    if (code === 'ENOPKG') return new KioskError('DEPENDENCY_MISSING', err.message, { cause: err });
    if (code === 'EACCES' || code === 'EPERM') return new KioskError('PERMISSION_DENIED', undefined, { cause: err });
    if (code === 'ETIMEDOUT') return new KioskError('TIMEOUT', `${ERROR_CODES.TIMEOUT.message} (${code})`, { cause: err });
    if (code === 'EIO' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return new KioskError('IO_ERROR', `${ERROR_CODES.IO_ERROR.message} (${code})`, { cause: err });
    }
  }
  return new KioskError('INTERNAL', undefined, { cause: err });
}
