import { describe, expect, it } from 'vitest';
import type { Principal } from '@crisis-ops/auth';
import { DomainError } from '@crisis-ops/domain-kernel';
import { assertMayAct, assertMayRead, readableRegions } from './access-policy';

const who = (roles: string[], region: string | null): Principal => ({ subject: 's', roles, region });
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'MEDIATION.REGION_FORBIDDEN', kind: 'forbidden' });
    return;
  }
  throw new Error('expected MEDIATION.REGION_FORBIDDEN');
};

describe('region access', () => {
  it('lets a principal act only in its own region, or anywhere with region "global"', () => {
    expect(() => assertMayAct(who(['mediation-officer'], 'africa'), 'africa')).not.toThrow();
    expect(() => assertMayAct(who(['mediation-officer'], 'global'), 'middle-east')).not.toThrow();
    refused(() => assertMayAct(who(['mediation-officer'], 'americas'), 'africa'));
    refused(() => assertMayAct(who(['mediation-officer'], null), 'africa'));
    refused(() => assertMayAct(who(['global-viewer'], 'americas'), 'africa'));
  });

  it('lets global-viewer and region "global" read everywhere, others their region only', () => {
    expect(() => assertMayRead(who(['global-viewer'], null), { region: 'africa' })).not.toThrow();
    expect(() => assertMayRead(who(['viewer'], 'global'), { region: 'unassigned' })).not.toThrow();
    expect(() => assertMayRead(who(['viewer'], 'africa'), { region: 'africa' })).not.toThrow();
    refused(() => assertMayRead(who(['viewer'], 'africa'), { region: 'unassigned' }));
  });

  it('scopes listings to the readable regions and refuses asking for another', () => {
    expect(readableRegions(who(['global-viewer'], null))).toBeUndefined();
    expect(readableRegions(who(['global-viewer'], null), 'africa')).toEqual(['africa']);
    expect(readableRegions(who(['viewer'], 'africa'))).toEqual(['africa']);
    expect(readableRegions(who(['viewer'], 'africa'), 'africa')).toEqual(['africa']);
    refused(() => readableRegions(who(['viewer'], 'africa'), 'americas'));
    refused(() => readableRegions(who(['viewer'], null)));
  });

  it('says who is refused and what was asked for: a token without a region claim, a country and its desk, never a pseudo-region', () => {
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as DomainError & { details?: Record<string, unknown> };
      }
      throw new Error('expected a refusal');
    };
    const noClaim = caught(() => readableRegions(who(['viewer'], null)));
    expect(noClaim.message).toBe('your token has no region claim, so it may not access processes of any region');
    expect(JSON.stringify(noClaim)).not.toContain('(any)');
    expect(caught(() => readableRegions(who(['viewer'], 'africa'), 'americas')).message).toBe('region africa may not access processes of region americas');
    expect(caught(() => assertMayRead(who(['viewer'], 'africa'), { region: 'unassigned', country: 'QZX' })).message).toBe('region africa may not access processes of QZX, a country of no regional desk');
    expect(caught(() => assertMayAct(who(['mediation-officer'], null), 'africa', 'MLI')).message).toBe('your token has no region claim, so it may not access processes of MLI, a country of region africa');
    expect(caught(() => assertMayRead(who(['viewer'], 'africa'), { region: 'unassigned' })).message).toBe('region africa may not access processes of countries of no regional desk');
  });
});
