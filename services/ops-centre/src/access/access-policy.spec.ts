import { describe, expect, it } from 'vitest';
import { assertMayActOnCountry, assertMaySeeCountry, auditableDesks, readableDesks } from './access-policy';

const who = (roles: string[], region: string | null) => ({ roles, region });
const forbidden = expect.objectContaining({ code: 'OPS_CENTRE.REGION_FORBIDDEN' });

describe('whose audit log a principal reads: seeing is not auditing', () => {
  it("keeps a regional watch officer who also holds global-viewer to its own desk's audit, though it sees every desk", () => {
    const officer = who(['watch-officer', 'global-viewer'], 'europe-central-asia');
    expect(readableDesks(officer)).toBeUndefined();
    expect(readableDesks(officer, 'africa')).toEqual(['africa']);
    expect(auditableDesks(officer)).toEqual(['europe-central-asia']);
    expect(auditableDesks(officer, 'europe-central-asia')).toEqual(['europe-central-asia']);
    expect(() => auditableDesks(officer, 'africa')).toThrow(forbidden);
  });

  it('reads every desk for a global watch officer, a global token, and an auditor without a region', () => {
    for (const p of [who(['global-watch-officer'], null), who(['watch-officer'], 'global'), who(['auditor'], null), who(['auditor', 'global-viewer'], null)]) {
      expect(auditableDesks(p), JSON.stringify(p)).toBeUndefined();
      expect(auditableDesks(p, 'africa'), JSON.stringify(p)).toEqual(['africa']);
    }
  });

  it("keeps a regional auditor or watch officer to its desk's audit, and refuses another desk", () => {
    for (const p of [who(['auditor'], 'europe-central-asia'), who(['watch-officer'], 'europe-central-asia'), who(['auditor', 'global-viewer'], 'europe-central-asia')]) {
      expect(auditableDesks(p), JSON.stringify(p)).toEqual(['europe-central-asia']);
      expect(() => auditableDesks(p, 'africa'), JSON.stringify(p)).toThrow(forbidden);
    }
  });

  it('names an unknown region as a wrong question before any access rule', () => {
    expect(() => auditableDesks(who(['watch-officer', 'global-viewer'], 'africa'), 'mars')).toThrow(
      expect.objectContaining({ code: 'OPS_CENTRE.QUERY_INVALID', violations: [{ field: 'region', reason: expect.stringContaining('africa') }] }),
    );
  });
});

describe('what a region refusal says', () => {
  const message = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return { code: (e as { code: string }).code, message: (e as Error).message };
    }
    return null;
  };

  it('names the country asked for and its desk, or that it has none', () => {
    const ap = who(['watch-officer'], 'asia-pacific');
    expect(message(() => assertMaySeeCountry(ap, 'QZX'))).toEqual({ code: 'OPS_CENTRE.REGION_FORBIDDEN', message: 'region asia-pacific may not read QZX, a country of no regional desk' });
    expect(message(() => assertMaySeeCountry(ap, 'BFA'))?.message).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(message(() => assertMayActOnCountry(who(['watch-officer', 'global-viewer'], 'asia-pacific'), 'BFA'))?.message).toBe('region asia-pacific may not act on BFA, a country of region africa');
    expect(message(() => readableDesks(ap, 'africa'))?.message).toBe('region asia-pacific may not read region africa');
    expect(message(() => assertMaySeeCountry(ap, 'AUS'))).toBeNull();
  });

  it('says plainly that the token has no region claim', () => {
    const none = who(['watch-officer'], null);
    expect(message(() => assertMaySeeCountry(none, 'BFA'))?.message).toBe('your token has no region claim, so it may not read BFA, a country of region africa');
    expect(message(() => readableDesks(none, 'africa'))?.message).toBe('your token has no region claim, so it may not read region africa');
  });
});
