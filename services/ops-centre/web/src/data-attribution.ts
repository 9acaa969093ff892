/**
 * The attribution line shown wherever the console shows risk: ACLED's terms ask for attribution wherever
 * results built from its data are shown, and early-warning's risk events say what each country's data
 * owes (`attributions`; the API answers them per country and per alert). It depends on nothing of the
 * browser, so that its rule is unit tested as the console applies it.
 */

/** What the rows shown owe together, each attribution once, sorted; null when nothing is owed (no line is shown). */
export function attributionLine(owed: Iterable<readonly string[] | undefined>): string | null {
  const all = new Set<string>();
  for (const list of owed) for (const a of list ?? []) if (a.trim()) all.add(a.trim());
  // Shown as stored: each text says what it is ("Conflict data: …"), and a prefix read "Data: Conflict data: …".
  return all.size ? [...all].sort().join(' · ') : null;
}

/**
 * A country's attributions once a live risk event (its payload) is applied: the event's own (the
 * latest event of a country says what it owes now); an event that says none (from an early-warning
 * before the field: its payload has no list) leaves what was known.
 */
export function attributionsAfter(prev: readonly string[] | undefined, payload: Record<string, unknown>): string[] {
  const given = payload.attributions;
  if (!Array.isArray(given)) return [...(prev ?? [])];
  return given.filter((a): a is string => typeof a === 'string');
}
