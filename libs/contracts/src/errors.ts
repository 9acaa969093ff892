/**
 * Errors of the contracts library carry a stable `code` so that callers (the messaging layer
 * deciding between retry and dead-letter, the ops console) can branch without parsing messages.
 */
export const CONTRACTS_ERROR_CODES = {
  /** A ce_type that is not in EVENT_TYPES: a newer producer, a typo, or a foreign message. */
  UNKNOWN_EVENT_TYPE: 'CONTRACTS.UNKNOWN_EVENT_TYPE',
  /** A message whose protobuf type is not the one registered for the ce_type it is sent as. */
  EVENT_TYPE_MISMATCH: 'CONTRACTS.EVENT_TYPE_MISMATCH',
  /** Bytes that do not parse as the registered message: retrying will not help. */
  MALFORMED_EVENT: 'CONTRACTS.MALFORMED_EVENT',
} as const;

export type ContractsErrorCode = (typeof CONTRACTS_ERROR_CODES)[keyof typeof CONTRACTS_ERROR_CODES];

export class ContractsError extends Error {
  override readonly name = 'ContractsError';

  constructor(
    readonly code: ContractsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isContractsError = (error: unknown, code?: ContractsErrorCode): error is ContractsError =>
  error instanceof ContractsError && (code === undefined || error.code === code);
