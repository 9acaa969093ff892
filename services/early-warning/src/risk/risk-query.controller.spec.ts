import { HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RiskQueryController } from './risk-query.controller';
import type { RiskQueries } from './risk-query.service';

/** Risk read from a store holding only the codes given. */
const controller = (assessed: readonly string[], exerciseCountries: boolean) =>
  new RiskQueryController({ country: async (code: string) => (assessed.includes(code) ? { national: { country: code }, admin1: [], context: [], history: [] } : undefined) } as unknown as RiskQueries, exerciseCountries);

const refusal = async (answer: Promise<unknown>) => {
  const error = await answer.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof HttpException)) throw new Error(`answered ${JSON.stringify(error)}`);
  return { status: error.getStatus(), body: error.getResponse() as { code: string; errors?: unknown[] } };
};

describe('the risk of one code', () => {
  it('is not assessed yet for a country, or for an exercise code where exercises run', async () => {
    expect(await refusal(controller([], false).one('MLI'))).toMatchObject({ status: 404, body: { code: 'EARLY_WARNING.COUNTRY_NOT_ASSESSED' } });
    expect(await refusal(controller([], true).one('XYZ'))).toMatchObject({ status: 404, body: { code: 'EARLY_WARNING.COUNTRY_NOT_ASSESSED' } });
  });

  it('names the code at fault (400) where no exercise runs, since nothing would ever assess it', async () => {
    expect(await refusal(controller([], false).one('XYZ'))).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'country', reason: expect.stringContaining('XYZ is a user-assigned code, taken only for exercises') }] },
    });
  });

  it('is answered for an exercise code that holds risk all the same (an earlier exercise, mediation context)', async () => {
    expect(await controller(['XYZ'], false).one('XYZ')).toMatchObject({ national: { country: 'XYZ' } });
  });

  it("is Kosovo's under XKX when asked by UNK, as intake records it", async () => {
    expect(await controller(['XKX'], false).one('UNK')).toMatchObject({ national: { country: 'XKX' } });
  });
});
