import { describe, expect, it } from 'vitest';
import { afterFailure, type Listed } from '../../web/src/listing-answer';

describe("a console listing whose request failed", () => {
  const ukr: Listed<string> = { query: 'status=active&country=UKR', rows: ['ukr-alert-1', 'ukr-alert-2'] };

  it('lists nothing under a filter that was refused, rather than the previous filter\'s rows', () => {
    expect(afterFailure(ukr, 'status=active&country=BFA')).toEqual({ query: 'status=active&country=BFA', rows: [] });
  });

  it('keeps what it showed when a refresh of the same filter failed', () => {
    expect(afterFailure(ukr, 'status=active&country=UKR')).toBe(ukr);
  });
});
