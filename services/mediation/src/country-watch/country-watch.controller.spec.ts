import { describe, expect, it } from 'vitest';
import type { HttpException } from '@nestjs/common';
import type { Principal } from '@crisis-ops/auth';
import { DomainError } from '@crisis-ops/domain-kernel';
import type { Repository } from 'typeorm';
import { CountryWatchController } from './country-watch.controller';
import type { CountryWatch } from './country-watch.entity';

const officer: Principal = { subject: 'unit-officer', roles: ['mediation-officer'], region: 'africa' };
const controller = new CountryWatchController({ findOneBy: async () => null } as unknown as Repository<CountryWatch>);

async function refusalOf(country: string) {
  try {
    await controller.one(officer, country);
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code };
    return { status: (err as HttpException).getStatus(), body: (err as HttpException).getResponse() };
  }
  return undefined;
}

describe('the country watch of one country', () => {
  it('refuses three capitals that name no country as a proposal does, naming `country`, where it was a 403 for an unassigned region', async () => {
    expect(await refusalOf('MAL')).toEqual({
      status: 400,
      body: { code: 'REQUEST.INVALID', message: 'country: MAL is not an ISO 3166-1 country', errors: [{ field: 'country', reason: 'MAL is not an ISO 3166-1 country' }] },
    });
  });

  it('goes on to the region rule and the tally for a real country and a user-assigned code, as exercises use', async () => {
    expect(await refusalOf('MLI')).toEqual({ code: 'MEDIATION.COUNTRY_NOT_WATCHED' });
    expect(await refusalOf('QZA')).toEqual({ code: 'MEDIATION.REGION_FORBIDDEN' });
  });

  it('refuses another region\'s country as the country watch, where the refusal spoke of processes on a route about none', async () => {
    const refusal = await controller.one(officer, 'NOR').catch((err: DomainError) => err);
    expect(refusal).toMatchObject({ code: 'MEDIATION.REGION_FORBIDDEN', message: 'region africa may not access the country watch of NOR, a country of region europe-central-asia' });
    const list = await controller.list({ ...officer, region: null }).catch((err: DomainError) => err);
    expect(list).toMatchObject({ code: 'MEDIATION.REGION_FORBIDDEN', message: 'your token has no region claim, so it may not access the country watch of any region' });
  });

  it("looks Kosovo's UNK up as XKX, the code its watch is kept under", async () => {
    const asked: unknown[] = [];
    const watching = new CountryWatchController({ findOneBy: async (where: unknown) => (asked.push(where), { country: 'XKX' }) } as unknown as Repository<CountryWatch>);
    const global: Principal = { subject: 'unit-global', roles: ['global-viewer'], region: null };
    expect(await watching.one(global, 'UNK')).toEqual({ country: 'XKX' });
    expect(asked).toEqual([{ country: 'XKX' }]);
  });
});
