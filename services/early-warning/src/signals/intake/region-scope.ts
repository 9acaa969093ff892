import { DomainError, type FieldViolation } from '@crisis-ops/domain-kernel';
import { GLOBAL_REGION, type Principal } from '@crisis-ops/auth';
import { outsideDesk } from '../../domain';

/** A write for a country outside the desk of the token's region (403 at the edge). */
export const REGION_FORBIDDEN = 'EARLY_WARNING.REGION_FORBIDDEN';

/**
 * The desk a writer's records are confined to, from its token's `region` claim: none (null) for a
 * token of region `global` or without one, which records for every country; else the claim. The
 * verifier admits only the desks and `global`, but a claim that were neither would confine its
 * writer to a desk no country has, not to none: the check fails closed.
 */
export const writerDesk = (principal: Pick<Principal, 'region'> | undefined): string | null =>
  !principal || principal.region === null || principal.region === GLOBAL_REGION ? null : principal.region;

/** The most faults a refusal's message spells out; `errors` names every one. */
const MESSAGE_FAULTS = 10;

/**
 * Refuses, naming each, the signals of countries outside the writer's desk: `field(i)` names the
 * i-th signal's country (`country`, `items[3].country`). Run after the body is valid (a wrong
 * request is told so before a forbidden one) and before anything is written, so a refused request,
 * a batch with a single such item included, applies nothing.
 */
export function assertMayRecord(principal: Pick<Principal, 'region'> | undefined, countries: readonly string[], field: (i: number) => string): void {
  const desk = writerDesk(principal);
  if (desk === null) return;
  const faults: FieldViolation[] = [];
  countries.forEach((country, i) => {
    const reason = outsideDesk(country, desk);
    if (reason) faults.push({ field: field(i), reason });
  });
  if (faults.length === 0) return;
  const shown = faults.slice(0, MESSAGE_FAULTS).map((f) => `${f.field}: ${f.reason}`);
  if (faults.length > MESSAGE_FAULTS) shown.push(`and ${faults.length - MESSAGE_FAULTS} more (see errors)`);
  throw new DomainError(REGION_FORBIDDEN, `nothing was recorded: ${shown.join('; ')}`, 'forbidden', { errors: faults });
}
