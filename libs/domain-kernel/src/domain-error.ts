/**
 * What kind of failure a domain error is. The HTTP edge maps kinds to status codes; the domain never
 * speaks HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable';

/**
 * An error with a stable code (`CONTEXT.REASON`, e.g. `MEDIATION.PROCESS_ALREADY_CLOSED`) that
 * clients and dashboards may rely on; the message is for people and may change.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'invalid',
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** One rejected field of an input: which field and why, in words a user can act on. */
export interface FieldViolation {
  readonly field: string;
  readonly reason: string;
}

export class ValidationFailed extends DomainError {
  constructor(
    code: string,
    readonly violations: readonly FieldViolation[],
  ) {
    // `errors` on the wire, as every other validation answer of the platform (REQUEST.INVALID) names it.
    super(code, violations.map((v) => `${v.field}: ${v.reason}`).join('; '), 'invalid', { errors: violations });
  }
}
