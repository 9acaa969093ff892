import { describe, expect, it } from 'vitest';
import { RiskLevel } from './generated/common/v1/types_pb';
import { mediationAnswersEscalation } from './mediation-answers';

describe('which escalations mediation answers', () => {
  it('answers high and critical ones, and none below', () => {
    const levels = [RiskLevel.UNSPECIFIED, RiskLevel.LOW, RiskLevel.ELEVATED, RiskLevel.HIGH, RiskLevel.CRITICAL];
    expect(levels.map(mediationAnswersEscalation)).toEqual([false, false, false, true, true]);
  });
});
