/** The engine's time moves in whole UTC days, numbered from the epoch (day 0 = 1970-01-01). */
const DAY_MS = 86_400_000;

export const dayOf = (at: Date): number => Math.floor(at.getTime() / DAY_MS);
export const dateOfDay = (day: number): Date => new Date(day * DAY_MS);
export const isoDay = (day: number): string => dateOfDay(day).toISOString().slice(0, 10);
