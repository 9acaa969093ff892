/**
 * Every role a service checks, and what it grants. Tokens come from the identity provider with any
 * roles it likes; these are the ones that open something here. The services' own role constants are
 * typed against this list, so a misspelt role is a compile error rather than a door nobody can open.
 */
export const PLATFORM_ROLES = {
  analyst: "early-warning: records signals (POST /signals, /signals/batch) and runs import jobs, for its region's countries (every country with region global or none)",
  'watch-officer': "ops-centre: acts on its region's alerts and reads their audit",
  'global-watch-officer': 'ops-centre: acts on every region, reads the audit and the system view',
  'ops-engineer': 'ops-centre: the system view (services, consumer lag, outbox backlog, dead letters)',
  auditor: 'ops-centre: reads the audit log of every region (of its own, given a region)',
  'mediation-officer': "mediation: proposes and runs processes in its region (parties, sessions, agreements)",
  approver: 'mediation: activates and concludes processes, appoints envoys',
  viewer: "mediation: reads its region's processes and their metrics",
  'global-viewer': 'mediation and ops-centre: reads every region, acts on none',
} as const;

export type PlatformRole = keyof typeof PLATFORM_ROLES;

export const isPlatformRole = (role: string): role is PlatformRole => Object.hasOwn(PLATFORM_ROLES, role);
