/**
 * The one registry of error codes: every stable code kioskd answers with, the daemon's and each
 * device's, with whether a retry may help and a default message. Listed here, explicitly, rather than
 * registered by whichever module happens to be imported: a code is known everywhere (KioskError's
 * defaults, the generated API document, the fuzzers) or nowhere.
 *
 * A code, once published, is never renamed or reused: kiosk UIs and fleet tools switch on it. Add new
 * codes at the end of their group, each with a default message; a command lists the codes it may answer
 * with in its spec (`errors`).
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
  // Fleet link (src/fleet/link.ts)
  REMOTE_OP_FORBIDDEN: { retryable: false, message: 'This remote operation is not in fleet.remoteOps on this kiosk' },
  // Printer (src/drivers/printer)
  PAPER_OUT: { retryable: true, message: 'The printer is out of paper; nothing was printed' },
  COVER_OPEN: { retryable: true, message: 'The printer cover is open; nothing was printed' },
  PRINTER_ERROR: { retryable: false, message: 'The printer reports a cutter or mechanical error; nothing was printed' },
  PAPER_OUT_MID_JOB: { retryable: false, message: 'Paper ran out while printing: the receipt may be partly printed; it will not be reprinted' },
  PRINT_INTERRUPTED: { retryable: false, message: 'Printing was interrupted (cover opened, link lost or no answer): the receipt may be partly printed; it will not be reprinted' },
  JOB_ALREADY_ATTEMPTED: { retryable: false, message: 'A job with this idempotency key was already sent to the printer and did not finish; use a new key to print again' },
  DOCUMENT_INVALID: { retryable: false, message: 'The receipt document cannot be printed as given' },
  FONT_MISSING: { retryable: false, message: 'A font needed to render this receipt is not installed' },
  DOCUMENT_TOO_LARGE: { retryable: false, message: 'The receipt would be longer than the printer accepts (measured from the document, before rendering); nothing was rendered' },
  // Scanner (src/drivers/scanner)
  SCANNER_INPUT_UNKNOWN: { retryable: false, message: 'No such scanner input in configuration' },
  // Card terminal (src/drivers/card)
  CARD_TRANSACTION_UNKNOWN: { retryable: false, message: 'No card transaction with this idempotency key or reference' },
  CARD_NOT_REVERSIBLE: { retryable: false, message: 'Only an approved sale can be reversed' },
  CARD_IDEMPOTENCY_MISMATCH: { retryable: false, message: 'This idempotency key was used for a different request' },
  CARD_NOTHING_TO_RESOLVE: { retryable: false, message: 'This transaction is not on the list of mismatches for a technician' },
  CARD_REFUND_NO_SALE: { retryable: false, message: 'A refund must pay back an approved, unreversed sale in this kiosk\'s journal (saleKey)' },
  CARD_REFUND_EXCEEDS_SALE: { retryable: false, message: 'The refund is more than what is left of its sale, or in another currency' },
  CARD_REFUND_OVER_LIMIT: { retryable: false, message: 'The refund is above what the UI may refund on its own (devices.card.refunds.uiLimit); a technician may' },
  CARD_CURRENCY_NOT_ACCEPTED: { retryable: false, message: 'This kiosk does not take card payments in this currency' },
  // Cash (src/drivers/cash)
  CASH_JAM: { retryable: false, message: 'A note is jammed in the validator; a technician must clear it' },
  CASH_FRAUD: { retryable: false, message: 'The validator detected a fraud attempt' },
  CASH_CASHBOX_REMOVED: { retryable: false, message: 'The cashbox is removed' },
  CASH_CASHBOX_FULL: { retryable: false, message: 'The cashbox is full; it must be emptied' },
  CASH_CURRENCY_MISMATCH: { retryable: false, message: 'The acceptor does not take this currency' },
  CASH_KEY_EXCHANGE_FAILED: { retryable: true, message: 'The eSSP key exchange with the validator failed' },
  CASH_NO_REPLY: { retryable: true, message: 'The cash device does not answer' },
  CASH_UNKNOWN_SESSION: { retryable: false, message: 'No unsettled cash session with this id' },
  CASH_CHANGE_NOT_PAYABLE: { retryable: false, message: 'The recycler and hoppers cannot pay this amount exactly now (details: payable, remainder)' },
  CASH_PAYOUT_UNAVAILABLE: { retryable: true, message: 'No payout unit (note recycler or coin hopper) is fitted, connected and free of faults' },
  CASH_REFUND_NO_DEPOSIT: { retryable: false, message: 'A cash refund must name the deposit it pays back (sessionId of a session in this journal); only a technician may dispense without one' },
  CASH_REFUND_EXCEEDS_DEPOSIT: { retryable: false, message: 'The refund is more than what is left of its deposit (taken minus already paid back), or in another currency' },
  CASH_IDEMPOTENCY_MISMATCH: { retryable: false, message: 'This idempotency key was used for a different payout' },
  CASH_UNKNOWN_PAYOUT: { retryable: false, message: 'No payout with this id is waiting to be settled' },
  CASH_PAYOUT_JAM: { retryable: false, message: 'A note or coin jammed while paying out; a technician must clear it' },
  CASH_PAYOUT_EMPTY: { retryable: false, message: 'A payout unit ran empty while paying out' },
  CASH_PAYOUT_SHORT: { retryable: false, message: 'A payout unit paid out less than it was asked' },
  // Audio (src/drivers/audio)
  TTS_UNAVAILABLE: { retryable: false, message: 'The text-to-speech engine is not installed or does not run (apt-get install espeak-ng)' },
  VOICE_UNAVAILABLE: { retryable: false, message: 'No working voice is configured for this language' },
  SYNTHESIS_FAILED: { retryable: true, message: 'The speech engine failed or took too long on this text' },
  TTS_BUSY: { retryable: true, message: 'Too many utterances are waiting to be synthesised' },
  QUEUE_FULL: { retryable: true, message: 'Too many sounds are queued; stop or interrupt first' },
  TEXT_TOO_LONG: { retryable: false, message: 'The text is longer than the configured limit for one utterance' },
  NOTHING_TO_REPEAT: { retryable: false, message: 'Nothing has been spoken since the last reset' },
  CLIP_UNKNOWN: { retryable: false, message: 'No clip with this name is configured' },
  PROMPT_UNKNOWN: { retryable: false, message: 'No prompt with this name is configured for this language' },
  SOUND_DEVICE_FAILED: { retryable: true, message: 'The sound device could not play (busy, unplugged or missing)' },
  // UI sessions, checkout and the attention list (src/services)
  CLAIMED_BY_OTHER: { retryable: false, message: 'Another UI session holds this device (or the kiosk); status reads stay open' },
  SESSION_REQUIRED: { retryable: false, message: 'No UI session is open; open one with session-open' },
  SERVICE_UNKNOWN: { retryable: false, message: 'No service with this id in the catalogue' },
  SERVICE_UNAVAILABLE: { retryable: true, message: 'The service cannot be offered now (see bridge/availability for why)' },
  CHECKOUT_AMOUNT_INVALID: { retryable: false, message: 'The amount does not match the service\'s fee or is outside its range' },
  CHECKOUT_METHOD_NOT_ACCEPTED: { retryable: false, message: 'The service does not take this payment method' },
  CHECKOUT_IDEMPOTENCY_MISMATCH: { retryable: false, message: 'This idempotency key was used for a different checkout' },
  CHECKOUT_UNKNOWN: { retryable: false, message: 'No checkout with this idempotency key or reference' },
  CHECKOUT_BUSY: { retryable: true, message: 'Another checkout is running' },
  CHECKOUT_NOT_RESUMABLE: { retryable: false, message: 'This checkout has ended or waits for a technician' },
  ATTENTION_UNKNOWN: { retryable: false, message: 'No entry with this id on the requires-attention list' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type RegisteredErrorCode = keyof typeof ERROR_CODES;
