/**
 * What two spellings of one admin1 share: case, accents and punctuation aside ("Hauts-Bassins" and
 * "hauts bassins", "Tillabéri" and "Tillaberi"), which sources (ACLED, a mediation desk) spell apart.
 * Shared so that early-warning (whose areas escalate) and mediation (whose processes answer an area)
 * tell one admin1 the same way.
 */
export function admin1Key(name: string | null): string | null {
  if (name === null) return null;
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
