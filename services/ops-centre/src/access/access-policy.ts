import type { PlatformRole, Principal } from '@crisis-ops/auth';
import { DomainError, ValidationFailed } from '@crisis-ops/domain-kernel';
import { countryByIso3, DESK_IDS, isDeskId } from '@crisis-ops/geo';
import { ALERT_ACTOR_ROLES, GLOBAL_REGION, mayActOnDesk } from './alert-acting';

export { GLOBAL_REGION, mayActOnAlert, mayActOnDesk } from './alert-acting';

/**
 * Who sees what in the operations centre.
 *
 * A principal is *global* when it holds the role `global-watch-officer` (or the platform-wide
 * read role `global-viewer`), or when its token's `region` claim is `global`. Everyone else sees
 * only the countries of their regional desk (`region` claim = a @crisis-ops/geo desk id such as
 * "africa"); a token without a region sees nothing regional. Countries with no desk (user-assigned
 * codes such as "QZX", Antarctic territories) are seen by global principals only.
 *
 * Acting and auditing are narrower than seeing: `global-viewer` only reads, so a regional watch
 * officer who also holds it still acts on its own desk's alerts only, and reads its own desk's audit
 * log only (whose audit one reads is not widened by what one may see). An `auditor` without a region
 * reads the audit log of every desk (auditing is not a desk's job); with a desk as region, that desk's.
 */
export const ROLE = {
  watchOfficer: 'watch-officer',
  globalWatchOfficer: 'global-watch-officer',
  globalViewer: 'global-viewer',
  opsEngineer: 'ops-engineer',
  auditor: 'auditor',
} as const satisfies Record<string, PlatformRole>;

/** Roles that may act on alerts (acknowledge, assign, comment, close). */
export const ALERT_ACTORS: PlatformRole[] = [...ALERT_ACTOR_ROLES];
/** Roles that may read the audit log (of the alerts they may see). */
export const AUDIT_READERS = [ROLE.watchOfficer, ROLE.globalWatchOfficer, ROLE.auditor];
/** Roles that may see the system view. */
export const SYSTEM_READERS = [ROLE.opsEngineer, ROLE.globalWatchOfficer];

export const isGlobal = (p: Pick<Principal, 'roles' | 'region'>): boolean =>
  p.region === GLOBAL_REGION || p.roles.includes(ROLE.globalWatchOfficer) || p.roles.includes(ROLE.globalViewer);

/** The regional desk of a country, or null when it has none. */
export const deskOf = (country: string | null | undefined): string | null =>
  country ? (countryByIso3(country)?.desk ?? null) : null;

/** Whether the principal may see something about a country of this desk. */
export const maySeeDesk = (p: Pick<Principal, 'roles' | 'region'>, desk: string | null): boolean =>
  isGlobal(p) || (p.region !== null && desk !== null && desk === p.region);

/**
 * Desks a listing may cover: undefined (all) for global principals, else the caller's own, and none
 * for a principal without a region (an ops engineer: it sees nothing regional, an empty listing; a
 * 403 there kept its console's risk board "stale" for good). Asking for another desk is refused
 * rather than silently answered with nothing.
 */
export function readableDesks(p: Pick<Principal, 'roles' | 'region'>, requested?: string): string[] | undefined {
  return desksFor(p, requested, isGlobal(p));
}

/**
 * The desks a listing covers, for a principal who covers every desk (`everyDesk`) or its own region
 * only. Checked before access: an unknown desk is a wrong question, not a forbidden one (nor, for a
 * principal of every desk, one answered with nothing).
 */
function desksFor(p: Pick<Principal, 'region'>, requested: string | undefined, everyDesk: boolean): string[] | undefined {
  if (requested !== undefined && !isDeskId(requested)) throw new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'region', reason: `must be one of ${DESK_IDS.join(', ')}` }]);
  if (everyDesk) return requested ? [requested] : undefined;
  if (!p.region && requested === undefined) return [];
  // Only a requested region reaches here: a principal without a region asking for none has [] above.
  if (!p.region || (requested && requested !== p.region)) throw regionForbidden(p, 'read', { region: requested as string });
  return [p.region];
}

/**
 * The refusal of what a principal may not see or act on (403 OPS_CENTRE.REGION_FORBIDDEN), in words
 * that say who is refused and what was asked for: the country (when one was) and its desk, or that it
 * has none. "region asia-pacific may not access region (none)" read as if the caller had no region
 * when the country (QZX) had no desk, and "region (none) …" as a region called "(none)" when the
 * token had no region claim.
 */
export function regionForbidden(p: Pick<Principal, 'region'>, verb: 'read' | 'act on', asked: { country: string; desk: string | null } | { region: string }): DomainError {
  const who = p.region ? `region ${p.region}` : 'your token has no region claim, so it';
  const what = 'region' in asked ? `region ${asked.region}` : `${asked.country}, a country of ${asked.desk ? `region ${asked.desk}` : 'no regional desk'}`;
  return new DomainError('OPS_CENTRE.REGION_FORBIDDEN', `${who} may not ${verb} ${what}`, 'forbidden');
}

/** Refuses (403) a country the principal may not see, naming it and its desk. */
export function assertMaySeeCountry(p: Pick<Principal, 'roles' | 'region'>, country: string): void {
  const desk = deskOf(country);
  if (!maySeeDesk(p, desk)) throw regionForbidden(p, 'read', { country, desk });
}

/** Refuses (403) acting on a country's alert unless the principal acts on its desk, naming the country and its desk. */
export function assertMayActOnCountry(p: Pick<Principal, 'roles' | 'region'>, country: string, desk: string | null = deskOf(country)): void {
  if (!mayActOnDesk(p, desk)) throw regionForbidden(p, 'act on', { country, desk });
}

/**
 * Whether the principal reads the audit log of every desk: a global watch officer, a `global`
 * region, or an auditor without a region. Not `global-viewer`: it widens what one may see, not whose
 * audit one may read, so a regional watch officer who holds it reads its own desk's audit, as the
 * acting rule (`mayActOnDesk`) keeps it to its own desk's alerts.
 */
export const auditsEveryDesk = (p: Pick<Principal, 'roles' | 'region'>): boolean =>
  p.region === GLOBAL_REGION || p.roles.includes(ROLE.globalWatchOfficer) || (p.roles.includes(ROLE.auditor) && p.region === null);

/** Whether the principal reads the audit of this desk's alerts: every desk's (`auditsEveryDesk`), else its own region's. */
export const mayAuditDesk = (p: Pick<Principal, 'roles' | 'region'>, desk: string | null): boolean =>
  auditsEveryDesk(p) || (p.region !== null && desk !== null && desk === p.region);

/** Desks of the audit log a principal may read: every desk's (see `auditsEveryDesk`), else its own region's. */
export function auditableDesks(p: Pick<Principal, 'roles' | 'region'>, requested?: string): string[] | undefined {
  return desksFor(p, requested, auditsEveryDesk(p));
}
