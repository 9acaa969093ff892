import { AcceptsIdempotencyKey as documentsKey, IdempotentRequests } from '@crisis-ops/service-kit';

export const IDEMPOTENCY_KEY_REUSED = 'MEDIATION.IDEMPOTENCY_KEY_REUSED';

/** Mediation's commands made with an Idempotency-Key, in its schema's idempotent_requests (the mechanism is service-kit's). */
export const idempotentRequests = new IdempotentRequests(IDEMPOTENCY_KEY_REUSED);

/** Documents the header on a command route. */
export const AcceptsIdempotencyKey = () => documentsKey(IDEMPOTENCY_KEY_REUSED);
