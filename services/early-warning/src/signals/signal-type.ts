/**
 * Signal types: ACLED's six event types plus indicators ACLED does not code. The value is the wire
 * form used in events and APIs.
 */
export const SIGNAL_TYPES = [
  'battles',
  'explosions_remote_violence',
  'violence_against_civilians',
  'riots',
  'protests',
  'strategic_developments',
  'displacement',
  'hate_speech',
  'political_crisis',
  'election_violence',
] as const;

export type SignalType = (typeof SIGNAL_TYPES)[number];
