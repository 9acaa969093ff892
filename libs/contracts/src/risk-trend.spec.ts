import { describe, expect, it } from 'vitest';
import { riskTrendDeltaOf, riskTrendOf } from './risk-trend';

describe('the risk trend early-warning and the operations centre both show', () => {
  it('is the change of the last assessment, to one decimal, none on an area first assessed', () => {
    expect(riskTrendDeltaOf(14.8, 20.1)).toBe(-5.3);
    expect(riskTrendDeltaOf(12, undefined)).toBeNull();
    expect(riskTrendDeltaOf(12, null)).toBeNull();
  });

  it('rises or falls from two points either way, and is steady in between or while unknown', () => {
    expect([2, 1.9, -1.9, -2, -5.3, null].map(riskTrendOf)).toEqual(['rising', 'steady', 'steady', 'falling', 'falling', 'steady']);
  });
});
