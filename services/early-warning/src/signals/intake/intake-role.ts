import type { PlatformRole } from '@crisis-ops/auth';

/**
 * Who may put signals in (the API, import jobs): what they record moves risk, escalates countries
 * and proposes mediation, so any valid token is not enough. Reading stays open to every principal.
 */
export const INTAKE_ROLE = 'analyst' satisfies PlatformRole;
