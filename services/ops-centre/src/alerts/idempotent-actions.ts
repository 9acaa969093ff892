import { AcceptsIdempotencyKey as documentsKey, IdempotentRequests } from '@crisis-ops/service-kit';

/** The same Idempotency-Key sent again with another request (another action, alert or body): 422. */
export const IDEMPOTENCY_KEY_REUSED = 'OPS_CENTRE.IDEMPOTENCY_KEY_REUSED';

/**
 * Alert actions made with an Idempotency-Key, in ops-centre's idempotent_requests: a retry answers
 * the first response and neither applies nor audits the action again (the mechanism is service-kit's,
 * shared with mediation's commands).
 */
export const idempotentActions = new IdempotentRequests(IDEMPOTENCY_KEY_REUSED);

/** Documents the header on an alert action. */
export const AcceptsIdempotencyKey = () => documentsKey(IDEMPOTENCY_KEY_REUSED);
