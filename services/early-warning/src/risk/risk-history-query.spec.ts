import { describe, expect, it } from 'vitest';
import { decodeHistoryCursor, encodeHistoryCursor, parseHistoryPage } from './risk-history-query';

describe('the history page of /risk/{country}', () => {
  it('is the newest 100 entries of every kind by default', () => {
    expect(parseHistoryPage(undefined, undefined, undefined)).toEqual({ page: { limit: 100, kinds: undefined, before: undefined }, violations: [] });
  });

  it('takes kinds as a comma list or given more than once', () => {
    expect(parseHistoryPage('1000', 'escalated,deescalated', undefined).page).toMatchObject({ limit: 1000, kinds: ['escalated', 'deescalated'] });
    expect(parseHistoryPage('5', ['escalated', 'deescalated, escalated'], undefined).page).toMatchObject({ kinds: ['escalated', 'deescalated'] });
  });

  it('resumes after the entry its cursor names', () => {
    expect(parseHistoryPage('10', undefined, encodeHistoryCursor('4711')).page).toMatchObject({ before: 4711n });
    expect(decodeHistoryCursor(encodeHistoryCursor(9_223_372_036_854_775_807n))).toBe(9_223_372_036_854_775_807n);
  });

  it('names each parameter at fault', () => {
    expect(parseHistoryPage('1001', 'changes', 'czox').violations).toEqual([
      { field: 'history', reason: 'must be an integer from 1 to 1000' },
      { field: 'historyKind', reason: 'must be assessed, escalated, deescalated (comma list): "changes" is not' },
      { field: 'historyCursor', reason: 'is not a history cursor this API returned' },
    ]);
    // An empty filter read as none would answer every kind.
    expect(parseHistoryPage(undefined, ',', undefined).violations).toEqual([{ field: 'historyKind', reason: 'must name at least one of assessed, escalated, deescalated' }]);
    // A signal listing's cursor is not one of the history's.
    expect(parseHistoryPage(undefined, undefined, Buffer.from('s:12').toString('base64url')).violations).toEqual([{ field: 'historyCursor', reason: 'is not a history cursor this API returned' }]);
    expect(parseHistoryPage('1e2', undefined, undefined).violations).toEqual([{ field: 'history', reason: 'must be an integer from 1 to 1000' }]);
  });
});
