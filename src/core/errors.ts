/**
 * The one registry of error codes. A code, once published, is never renamed or reused: kiosk UIs and
 * fleet tools switch on it. Add new codes at the end of their group, each with a default message.
 */
export const ERROR_CODES = {
  // Request envelope (bus)
  INVALID_JSON: { retryable: false, message: 'The payload is not valid JSON' },
  INVALID_PAYLOAD: { retryable: false, message: 'The payload does not match the command schema' },
  UNKNOWN_DEVICE: { retryable: false, message: 'No such device on this kiosk' },
  UNKNOWN_COMMAND: { retryable: false, message: 'The device has no such command' },
  RETAINED_REQUEST: { retryable: false, message: 'Requests must not be published retained' },
  PAYLOAD_TOO_LARGE: { retryable: false, message: 'The payload exceeds the size limit' },
  INVALID_RESPONSE_TOPIC: { retryable: false, message: 'The MQTT 5 response topic is not allowed (under the kiosk root only {root}/{kioskId}/client/... is)' },
  ROLE_FORBIDDEN: { retryable: false, message: 'This command needs a role the request does not have (it came in on the wrong topic namespace)' },
  RATE_LIMITED: { retryable: true, message: 'Too many requests from this client; retry later' },
  // Device availability
  DEVICE_UNAVAILABLE: { retryable: true, message: 'The device is offline or in fault' },
  DEVICE_BUSY: { retryable: true, message: 'The device is busy with another operation' },
  DEVICE_DISABLED: { retryable: false, message: 'The device is disabled in configuration' },
  TIMEOUT: { retryable: true, message: 'The operation timed out' },
  CANCELLED: { retryable: false, message: 'The operation was cancelled' },
  SHUTTING_DOWN: { retryable: true, message: 'The daemon is shutting down' },
  // Generic
  NOT_SUPPORTED: { retryable: false, message: 'The device does not support this operation' },
  INTERNAL: { retryable: false, message: 'Internal error' },
  // Configuration and I/O
  CONFIG_INVALID: { retryable: false, message: 'The configuration is invalid' },
  IO_ERROR: { retryable: true, message: 'Input/output error talking to the device' },
  DEVICE_NOT_FOUND: { retryable: true, message: 'The device path does not exist' },
  PERMISSION_DENIED: { retryable: false, message: 'Permission denied opening the device' },
  PROTOCOL_ERROR: { retryable: true, message: 'The device answered with an unexpected frame' },
  DEPENDENCY_MISSING: { retryable: false, message: 'A program, module or file the device needs is not installed; the state says which' },
  // Journal (money)
  JOURNAL_UNAVAILABLE: { retryable: false, message: 'The payment journal cannot be written; money operations refused' },
  DUPLICATE_REQUEST: { retryable: false, message: 'A request with this idempotency key is already in progress' },
  JOURNAL_CORRUPT: { retryable: false, message: 'The payment journal failed verification; money devices stay in fault until a technician recovers it' },
  JOURNAL_NOT_DAMAGED: { retryable: false, message: 'The payment journal verifies; there is nothing to recover' },
  // GPIO
  GPIO_LINE_UNKNOWN: { retryable: false, message: 'No such GPIO line in configuration' },
  GPIO_NOT_OUTPUT: { retryable: false, message: 'The GPIO line is not an output' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

/** Codes registered above; drivers add their own through {@link registerErrorCodes}. */
export type CoreErrorCode = keyof typeof ERROR_CODES;
export type ErrorCode = CoreErrorCode | (string & {});

const extraCodes = new Map<string, { retryable: boolean; message: string }>();

/**
 * Lets a device kind register its own stable codes (e.g. PAPER_OUT) next to the core ones, so that
 * `KioskError.retryable` defaults and the generated API document know about them.
 */
export function registerErrorCodes(codes: Record<string, { retryable: boolean; message: string }>): void {
  for (const [code, def] of Object.entries(codes)) {
    if (code in ERROR_CODES) throw new Error(`error code ${code} is a core code`);
    extraCodes.set(code, def);
  }
}

export function describeCode(code: string): { retryable: boolean; message: string } | undefined {
  return (ERROR_CODES as Record<string, { retryable: boolean; message: string }>)[code] ?? extraCodes.get(code);
}

export function allErrorCodes(): Record<string, { retryable: boolean; message: string }> {
  return { ...ERROR_CODES, ...Object.fromEntries(extraCodes) };
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
