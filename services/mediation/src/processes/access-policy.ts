import { DomainError } from '@crisis-ops/domain-kernel';
import type { PlatformRole, Principal } from '@crisis-ops/auth';
import { MEDIATION_ERRORS, type ProcessState } from '../domain';
import { UNASSIGNED_REGION } from '../region/region-of';

/** Roles of the mediation context. */
export const ROLE = {
  officer: 'mediation-officer',
  approver: 'approver',
  viewer: 'viewer',
  /** Reads every region; acts nowhere unless it also holds an acting role and region "global". */
  globalViewer: 'global-viewer',
} as const satisfies Record<string, PlatformRole>;
export const READ_ROLES = [ROLE.viewer, ROLE.officer, ROLE.approver, ROLE.globalViewer];

/** A `region` claim of "global" lets a principal act and read in every region. */
export const GLOBAL_REGION = 'global';

const actsEverywhere = (p: Principal) => p.region === GLOBAL_REGION;
const readsEverywhere = (p: Principal) => actsEverywhere(p) || p.roles.includes(ROLE.globalViewer);

/**
 * The refusal (403 MEDIATION.REGION_FORBIDDEN), saying who is refused and what was asked for: the
 * country (when one was) and its desk or that it has none, else the region. A token without a region
 * claim is told so: "region (none) may not access processes of region (any)", with a body field
 * `region: "(any)"`, named pseudo-regions clients read as regions. `region` in the body is a real one
 * (a process's, the country's, or the one asked for), absent when none was asked for.
 */
/** What a refusal says was refused: processes, or the country watch (its route is about no process). */
export type Guarded = 'processes' | 'the country watch';

const forbidden = (p: Principal, asked: { region?: string; country?: string }, guarded: Guarded = 'processes') => {
  const who = p.region ? `region ${p.region}` : 'your token has no region claim, so it';
  const regionWords = (region: string) => (region === UNASSIGNED_REGION ? 'no regional desk' : `region ${region}`);
  const what =
    asked.country && asked.region
      ? `${asked.country}, a country of ${regionWords(asked.region)}`
      : asked.region
        ? asked.region === UNASSIGNED_REGION
          ? 'countries of no regional desk'
          : `region ${asked.region}`
        : 'any region';
  return new DomainError(MEDIATION_ERRORS.REGION_FORBIDDEN, `${who} may not access ${guarded} of ${what}`, 'forbidden', asked.region ? { region: asked.region } : {});
};

/** Refuses acting in `region` (of `country`, named in the refusal when given) unless it is the principal's or it acts everywhere. */
export function assertMayAct(p: Principal, region: string, country?: string): void {
  if (!actsEverywhere(p) && p.region !== region) throw forbidden(p, { region, country });
}

export function assertMayRead(p: Principal, process: Pick<ProcessState, 'region'> & { readonly country?: string }, guarded: Guarded = 'processes'): void {
  if (!readsEverywhere(p) && p.region !== process.region) throw forbidden(p, { region: process.region, country: process.country }, guarded);
}

/**
 * Regions a listing may cover: all (undefined) for global readers, else only the caller's own;
 * asking for another region is refused rather than silently answered with nothing, and so is a
 * listing asked by a token without a region claim (it reads no region).
 */
export function readableRegions(p: Principal, requested?: string, guarded: Guarded = 'processes'): readonly string[] | undefined {
  if (readsEverywhere(p)) return requested ? [requested] : undefined;
  if (!p.region || (requested && requested !== p.region)) throw forbidden(p, { region: requested }, guarded);
  return [p.region];
}
