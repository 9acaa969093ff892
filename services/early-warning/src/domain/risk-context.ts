/** The area a risk assessment is about: a country, or one admin1 of it. */
export interface RiskArea {
  readonly country: string;
  /** Null for the national assessment. */
  readonly admin1: string | null;
}

/**
 * A piece of context that moves a score up or down, e.g. an agreement reached in mediation
 * (negative) or an upcoming or disputed election (positive). Points are added to the 0-100 score
 * after the signal-based computation and the result is clamped to 0..100.
 */
export interface ContextAdjustment {
  /** Stable kind, e.g. "agreement_reached", "election_upcoming". */
  readonly kind: string;
  readonly label: string;
  /** Score points, −100..100. */
  readonly points: number;
}

/**
 * Supplies the context in force for an area at an instant (event time, never wall-clock, so a
 * replay sees the same context as live). Must be deterministic for a given (area, day).
 */
export interface RiskContextProvider {
  adjustmentsFor(area: RiskArea, at: Date): readonly ContextAdjustment[];
}

/** No context: the score is what the signals say. */
export const NO_CONTEXT: RiskContextProvider = Object.freeze({ adjustmentsFor: () => [] });

/** Compared as mediation compares them: the key lives in @crisis-ops/geo, which both services share. */
export { admin1Key } from '@crisis-ops/geo';
