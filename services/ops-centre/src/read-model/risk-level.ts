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
