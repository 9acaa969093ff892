import { RiskLevel } from './generated/common/v1/types_pb';

/**
 * Which RiskEscalated mediation answers, with a MediationProposed or an EscalationReferred: one at
 * this level or above. Below it mediation publishes nothing by design, so a subscriber waiting for
 * an answer waits for ever. Declared here, beside the events, because mediation decides by it and
 * the operations centre must know it to tell "not due" from "pending"; two copies would drift.
 */
export const MEDIATION_ANSWERS_FROM_LEVEL = RiskLevel.HIGH;

/** Whether mediation answers an escalation to `level` (RiskLevel, or its number as ops-centre keeps it). */
export const mediationAnswersEscalation = (level: RiskLevel | number): boolean => level >= MEDIATION_ANSWERS_FROM_LEVEL;
