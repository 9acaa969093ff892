import { reverseEscalations, tellEscalation, type AreaState } from './risk-area';
import type { RiskEvent, RiskLevelChange } from './risk-events';
import { levelRank } from './risk-score';
import type { RiskLevel } from './risk-parameters';
import { dateOfDay, isoDay } from './utc-day';

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

/** A live engine's assessment of one area on a news day, as what it tells beyond the assessment needs it. */
export interface Telling {
  readonly state: AreaState;
  /** What every event of the assessment carries. */
  readonly common: Pick<RiskLevelChange, 'country' | 'admin1' | 'score' | 'drivers' | 'windowStart' | 'windowEnd'>;
  /** The level subscribers were told before this assessment (nothing told reads as low). */
  readonly toldBefore: RiskLevel;
  /** Where the assessment's events go, in the order they are published. */
  readonly events: RiskEvent[];
}

/**
 * A news day at a level other than the one told, the change having happened in history (told to no
 * one): subscribers that react to level changes (alerts, mediation) hear of it now, dated when it
 * happened, `toldLate`. A rise told late names the escalation that holds the area at `held`; a fall,
 * the escalation subscribers hold, not one history made (told to no one) since.
 */
export function tellLate({ state, common, toldBefore, events }: Telling, held: RiskLevel): void {
  const at = dateOfDay(state.levelSinceDay);
  if (levelRank(held) > levelRank(toldBefore)) {
    const inForce = [...state.escalations].reverse().find(([, to]) => to === held);
    const escalationId = inForce?.[2] ?? state.lastEscalationId ?? `${state.area.country}/${state.area.admin1 ?? '-'}/${isoDay(state.levelSinceDay)}/${held}`;
    tellEscalation(state, toldBefore, held, escalationId);
    events.push({ type: 'RiskEscalated', ...common, escalationId, previousLevel: toldBefore, newLevel: held, at, announced: true, toldLate: true });
  } else if (levelRank(held) < levelRank(toldBefore)) {
    const escalationId = reverseEscalations(state.toldEscalations, held) ?? state.lastEscalationId ?? `${state.area.country}/${state.area.admin1 ?? '-'}/none`;
    events.push({ type: 'RiskDeescalated', ...common, escalationId, previousLevel: toldBefore, newLevel: held, at, announced: true, toldLate: true });
  }
}

/**
 * A news day that leaves the area at `level` tells late the level it holds, when that is not the one
 * told. An open day (`provisional`) held at a level its close will lower (`closesAt`) tells instead
 * the level it will close at, if above the one told, not the one it is held at for the day. Held
 * below the one told, the fall to it stands whatever the close, and the board is told that level now.
 */
export function tellHeldLevel(telling: Telling, level: RiskLevel, closesAt: RiskLevel, provisional: boolean): void {
  if (!provisional || closesAt === level) {
    tellLate(telling, level);
  } else if (levelRank(closesAt) > levelRank(telling.toldBefore)) {
    tellLate(telling, closesAt);
    telling.state.announcedLevel = closesAt;
  } else if (levelRank(level) < levelRank(telling.toldBefore)) {
    tellLate(telling, level);
  }
}
