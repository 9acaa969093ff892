import type { RiskEvent } from './risk-events';
import { levelRank } from './risk-score';
import type { RiskLevel } from './risk-parameters';

/**
 * What a live service tells subscribers of the engine's events (an engine given none, a replay,
 * tells nothing and marks nothing). It decides which events are marked `announced` and so which
 * assessments are emitted at all (see RiskEngine.assess), never a score or a level.
 */
export interface Announcing {
  /** Whether events about this day are news. */
  isNews(day: Date): boolean;
  /** Whether a de-escalation that is not news is told all the same when it corrects what subscribers were told (correctsAnnouncedLevel). */
  readonly corrects: boolean;
}

/**
 * Whether a level change that is not news must be told all the same: a de-escalation below the level
 * subscribers were last told the area is at (`announced`). Without it a country that went quiet
 * after a told escalation would stay red on the console and keep its mediation process, although
 * the engine has long left that level; a de-escalation from a level never told stays history (it
 * would undo what nobody saw).
 */
export function correctsAnnouncedLevel(e: RiskEvent, announced: RiskLevel | null | undefined): boolean {
  return e.type === 'RiskDeescalated' && announced !== null && announced !== undefined && levelRank(announced) > levelRank(e.newLevel);
}
