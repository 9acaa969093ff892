/**
 * Who may act on an alert (acknowledge, assign, comment, close): the API's rule, and the console's,
 * which offers the actions only to those the API lets act. It depends on nothing, so that the console
 * imports it by path: a copy there checked the role only, and offered a regional officer who also
 * holds `global-viewer` actions on other desks' alerts that the API refused, every one.
 */

/** Roles that may act on alerts, on the desks `mayActOnDesk` allows. */
export const ALERT_ACTOR_ROLES = ['watch-officer', 'global-watch-officer'] as const;

/** A token's `region` claim that stands for every desk. */
export const GLOBAL_REGION = 'global';

interface Actor {
  readonly roles: readonly string[];
  readonly region: string | null;
}

/**
 * Whether the principal may act on an alert of this desk, its role aside. Seeing is not acting:
 * `global-viewer` sees every desk but acts on none, so it widens nothing here.
 */
export const mayActOnDesk = (p: Actor, desk: string | null): boolean =>
  p.region === GLOBAL_REGION || p.roles.includes('global-watch-officer') || (p.region !== null && desk !== null && desk === p.region);

/** Whether the principal may act on an alert of this desk: a role that acts on alerts, and the desk. */
export const mayActOnAlert = (p: Actor, desk: string | null): boolean =>
  p.roles.some((r) => (ALERT_ACTOR_ROLES as readonly string[]).includes(r)) && mayActOnDesk(p, desk);
