import { DomainError, ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';

/** Stable error codes of the mediation context; clients may rely on them. */
export const MEDIATION_ERRORS = {
  INVALID_INPUT: 'MEDIATION.INVALID_INPUT',
  PROCESS_NOT_FOUND: 'MEDIATION.PROCESS_NOT_FOUND',
  PROCESS_ALREADY_EXISTS: 'MEDIATION.PROCESS_ALREADY_EXISTS',
  PROCESS_NOT_PROPOSED: 'MEDIATION.PROCESS_NOT_PROPOSED',
  PROCESS_NOT_ACTIVE: 'MEDIATION.PROCESS_NOT_ACTIVE',
  PROCESS_NOT_SUSPENDED: 'MEDIATION.PROCESS_NOT_SUSPENDED',
  PROCESS_ALREADY_CLOSED: 'MEDIATION.PROCESS_ALREADY_CLOSED',
  PARTY_ALREADY_ADDED: 'MEDIATION.PARTY_ALREADY_ADDED',
  SESSION_ALREADY_RECORDED: 'MEDIATION.SESSION_ALREADY_RECORDED',
  AGREEMENT_ALREADY_RECORDED: 'MEDIATION.AGREEMENT_ALREADY_RECORDED',
  ENVOY_ALREADY_APPOINTED: 'MEDIATION.ENVOY_ALREADY_APPOINTED',
  CONCURRENT_MODIFICATION: 'MEDIATION.CONCURRENT_MODIFICATION',
  REGION_FORBIDDEN: 'MEDIATION.REGION_FORBIDDEN',
  /** GET /country-watch/:country of a country no signal has been seen for (404). */
  COUNTRY_NOT_WATCHED: 'MEDIATION.COUNTRY_NOT_WATCHED',
} as const;

export const invalid = (violations: readonly FieldViolation[]) => new ValidationFailed(MEDIATION_ERRORS.INVALID_INPUT, violations);

export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, message, 'conflict', details);

export const processNotFound = (processId: string) =>
  new DomainError(MEDIATION_ERRORS.PROCESS_NOT_FOUND, `no mediation process ${processId}`, 'not-found', { processId });
