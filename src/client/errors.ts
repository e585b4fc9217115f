/**
 * What a failed request throws. `code` is the daemon's stable error code (INVALID_PAYLOAD, PAPER_OUT,
 * DEVICE_BUSY...) or one of the client's own: INVALID_PARAMS (rejected before anything was sent),
 * UNKNOWN_DEVICE / UNKNOWN_COMMAND (not in this client's API), TIMEOUT (no answer in time: the
 * operation may still complete on the kiosk; look money up by its idempotency key), CLOSED, NOT_AUTHORIZED
 * (MQTT 5: the broker's ACL refused the request, e.g. a technician operation from the UI's user).
 */
export class KioskRequestError extends Error {
  override readonly name = 'KioskRequestError';

  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly details?: Record<string, unknown>,
    readonly transaction?: string,
  ) {
    super(message);
  }
}

/** Codes the client raises itself, never sent by the daemon. */
export const CLIENT_ERROR_CODES = ['INVALID_PARAMS', 'UNKNOWN_DEVICE', 'UNKNOWN_COMMAND', 'TIMEOUT', 'CLOSED', 'NOT_AUTHORIZED'] as const;
