import { describe, expect, it } from 'vitest';
import { DomainError } from '@crisis-ops/domain-kernel';
import { assertMayActOnCountry } from './access-policy';
import { mayActOnAlert } from './alert-acting';

const officer = (roles: string[], region: string | null) => ({ roles, region });

describe('who may act on an alert, as the API and the console both decide it', () => {
  it("offers a regional officer who also holds global-viewer its own desk's alerts, not another desk's", () => {
    const europe = officer(['watch-officer', 'global-viewer'], 'europe-central-asia');
    expect(mayActOnAlert(europe, 'europe-central-asia')).toBe(true);
    expect(mayActOnAlert(europe, 'africa')).toBe(false);
    expect(mayActOnAlert(europe, null)).toBe(false);
  });

  it('lets a global watch officer or a global token act on every desk, and no one without an acting role', () => {
    expect(mayActOnAlert(officer(['global-watch-officer'], null), 'africa')).toBe(true);
    expect(mayActOnAlert(officer(['watch-officer'], 'global'), null)).toBe(true);
    expect(mayActOnAlert(officer(['global-viewer'], 'africa'), 'africa')).toBe(false);
    expect(mayActOnAlert(officer(['analyst'], 'global'), 'africa')).toBe(false);
  });

  it('agrees with what the API refuses, desk by desk', () => {
    const europe = officer(['watch-officer', 'global-viewer'], 'europe-central-asia');
    for (const [country, desk] of [['NOR', 'europe-central-asia'], ['MLI', 'africa'], ['QZX', null]] as const) {
      let refused = false;
      try {
        assertMayActOnCountry(europe, country);
      } catch (e) {
        refused = e instanceof DomainError;
      }
      expect(mayActOnAlert(europe, desk), String(desk)).toBe(!refused);
    }
  });
});
