// Shared by the global setup (which must not load the vitest runtime) and the spec files.

/** Base URLs of the five services started by the global setup, by service name. */
export type PlatformUrls = Record<ServiceUnderTest, string>;

export const SERVICES_UNDER_TEST = ['early-warning', 'mediation', 'electoral-support', 'partnerships', 'ops-centre'] as const;
export type ServiceUnderTest = (typeof SERVICES_UNDER_TEST)[number];

/**
 * Off the default 3001-3004 and 8080, so a developer's `npm start` keeps running beside the suite;
 * E2E_PORT_OFFSET moves them all, for a second run on the same machine.
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const E2E_PORTS: Record<ServiceUnderTest, number> = {
  'early-warning': 13001 + offset,
  mediation: 13002 + offset,
  'electoral-support': 13003 + offset,
  partnerships: 13004 + offset,
  'ops-centre': 18080 + offset,
};

declare module 'vitest' {
  export interface ProvidedContext {
    platform: PlatformUrls;
    otlpReceiverUrl: string;
  }
}
