/** RiskLevel of common.v1 as numbers (ordered: higher is worse) and the names the API shows. */
export const LEVEL_NAMES = ['unspecified', 'low', 'elevated', 'high', 'critical'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];
export const LEVEL_HIGH = 3;

/** Parses a level as proto JSON ("RISK_LEVEL_HIGH"), a name ("high") or a number; 0 when unknown. */
export function levelOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < LEVEL_NAMES.length) return value;
  if (typeof value !== 'string') return 0;
  if (/^\d$/.test(value)) return levelOf(Number(value));
  const name = value.toLowerCase().replace(/^risk_level_/, '');
  const i = LEVEL_NAMES.indexOf(name as LevelName);
  return i < 0 ? 0 : i;
}

export const levelName = (level: number): LevelName => LEVEL_NAMES[level] ?? 'unspecified';

/**
 * levelOf in SQL, of an event's payload (a jsonb expression): its `newLevel`, else its `level`, else
 * (a MediationProposed) its `escalationLevel`; 0 when it has none or none is a level. Lets a listing
 * filter by level in the database, as levelOfPayload does in the stream.
 */
export function payloadLevelSql(payload: string): string {
  const raw = `coalesce(${payload}->>'newLevel', ${payload}->>'level', ${payload}->>'escalationLevel')`;
  const names = LEVEL_NAMES.map((name, i) => `WHEN '${name}' THEN ${i}`).join(' ');
  return `(CASE WHEN ${raw} ~ '^[0-${LEVEL_NAMES.length - 1}]$' THEN (${raw})::int ELSE CASE lower(regexp_replace(${raw}, '^risk_level_', '', 'i')) ${names} ELSE 0 END END)`;
}
