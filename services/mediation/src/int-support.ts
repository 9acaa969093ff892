import type { INestApplication } from '@nestjs/common';
import type { Client } from 'pg';
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, LOCAL_DEV_SECRET, signDevToken } from '@crisis-ops/auth';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, inProcessServiceConfig, unusedCountryCodes } from '@crisis-ops/testing';
import { SERVICE } from './service.definition';

/**
 * The mediation app booted in-process on the test infrastructure (INFRA_PROFILE=test): its own
 * schema as its app role after migrations as the migrator, consumer group "mediation", outbox relay.
 */
export interface BootedMediation {
  readonly app: INestApplication;
  /** Its HTTP base URL. */
  readonly base: string;
  /** The admin role, to look at mediation's schema. */
  readonly db: Client;
  /** A request as the bearer; the answer's JSON body parsed. */
  api(method: string, path: string, bearer: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> & unknown[] }>;
  close(): Promise<void>;
}

export async function bootMediation(): Promise<BootedMediation> {
  const app = await startServiceApp(SERVICE, inProcessServiceConfig('mediation'), { port: 0, host: '127.0.0.1', quiet: true });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const db = adminClient();
  await db.connect();
  return {
    app,
    base,
    db,
    async api(method, path, bearer, body, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
    },
    async close() {
      await db.end();
      await app.close();
    },
  };
}

/**
 * One subject per set of roles and region: idempotency keys are a caller's own, so two callers must
 * differ. `subject` names one caller whose claims change (a user moved to another desk).
 */
export function token(roles: string[], region: string, subject = `int-${roles.join('+')}-${region}`): Promise<string> {
  return signDevToken({ subject, roles, region, secret: LOCAL_DEV_SECRET, issuer: DEFAULT_AUTH_ISSUER, audience: DEFAULT_AUTH_AUDIENCE, ttlSeconds: 600 });
}

/**
 * User-assigned ISO codes no earlier run has used in this database (no process, handled
 * escalation or tally), so reruns against the same database pass. ops-centre's suites publish
 * mediation events of their own codes straight to the topic mediation's suite reads from the
 * beginning; its timeline knows those codes. early-warning's suites escalate codes of their own,
 * and mediation's consumer may reach those escalations only after this suite has picked its codes
 * (a clean-clone CI once saw a process opened for the code of "does not propose below high"):
 * codes early-warning holds signals or risk for are not fresh either.
 */
export const freshCountries = (n: number): Promise<string[]> =>
  unusedCountryCodes(n, {
    tables: ['mediation.processes', 'mediation.handled_escalations', 'mediation.country_watch', 'ops_centre.timeline_entries', 'early_warning.signals', 'early_warning.risk_engines'],
  });
