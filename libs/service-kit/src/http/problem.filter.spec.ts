import { describe, expect, it } from 'vitest';
import type { ArgumentsHost } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';

/** What the filter answered, through the small part of an Express response it uses. */
function answer(error: unknown) {
  const out: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    status: (code: number) => ({ json: (body: unknown) => Object.assign(out, { status: code, body }) }),
    setHeader: (name: string, value: string) => (out.headers[name] = value),
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return out;
}

describe('errors at the HTTP edge', () => {
  it('answers a database out of reach with 503 and a time to retry, where it was a 500 like a defect', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
    const wrapped = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) });
    for (const error of [refused, wrapped, new Error('timeout exceeded when trying to connect')]) {
      expect(answer(error), error.message).toEqual({ status: 503, headers: { 'Retry-After': '5' }, body: { code: 'SERVICE.DATABASE_UNAVAILABLE', message: 'the service cannot reach its database; retry later' } });
    }
  });

  it('still answers anything else unexpected with a 500 that leaks nothing', () => {
    expect(answer(new Error('secret detail'))).toEqual({ status: 500, headers: {}, body: { code: 'INTERNAL', message: 'internal error; see the service log' } });
    expect(answer(Object.assign(new Error('duplicate key'), { code: '23505' })).status).toBe(500);
  });
});
