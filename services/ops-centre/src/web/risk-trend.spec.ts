import { describe, expect, it } from 'vitest';
import { trendAfter } from '../../web/src/risk-trend';

describe("the console's live risk trend", () => {
  it("is early-warning's: the change of the last assessment, falling though the score stands above the history's first point", () => {
    expect(trendAfter({ trendDelta: 13.4 }, 'risk-assessed', { country: 'MOZ', score: 20.1, previousScore: 25.4 })).toEqual({ trend: 'falling', trendDelta: -5.3 });
  });

  it('is left as it was by an escalation and by an area first assessed', () => {
    expect(trendAfter({ trendDelta: -5.3 }, 'risk-escalated', { country: 'MOZ', score: 30 })).toEqual({ trend: 'falling', trendDelta: -5.3 });
    expect(trendAfter(undefined, 'risk-assessed', { country: 'MOZ', score: 12 })).toEqual({ trend: 'steady', trendDelta: 0 });
  });
});
