import { DomainError } from '@crisis-ops/domain-kernel';
import type { PlatformRole, Principal } from '@crisis-ops/auth';
import { MEDIATION_ERRORS, type ProcessState } from '../domain';

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

const forbidden = (p: Principal, region: string) =>
  new DomainError(MEDIATION_ERRORS.REGION_FORBIDDEN, `region ${p.region ?? '(none)'} may not access processes of region ${region}`, 'forbidden', { region });

export function assertMayAct(p: Principal, region: string): void {
  if (!actsEverywhere(p) && p.region !== region) throw forbidden(p, region);
}

export function assertMayRead(p: Principal, process: Pick<ProcessState, 'region'>): void {
  if (!readsEverywhere(p) && p.region !== process.region) throw forbidden(p, process.region);
}

/**
 * Regions a listing may cover: all (undefined) for global readers, else only the caller's own;
 * asking for another region is refused rather than silently answered with nothing.
 */
export function readableRegions(p: Principal, requested?: string): readonly string[] | undefined {
  if (readsEverywhere(p)) return requested ? [requested] : undefined;
  if (!p.region || (requested && requested !== p.region)) throw forbidden(p, requested ?? '(any)');
  return [p.region];
}
