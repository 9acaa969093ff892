import { isTooOldToRedrive, type DeadLetter } from './dead-letters';

/** What a redrive asked for comes to, before anything is sent. */
export interface RedrivePlan {
  /** The letters to send back (redrive sends one copy per event of them). */
  readonly send: readonly DeadLetter[];
  /** Event ids asked for that no letter has. */
  readonly missing: readonly string[];
  /** Letters asked for by id that were sent back already: not sent again. */
  readonly alreadyRedriven: readonly DeadLetter[];
  /** Letters whose event was first published too long ago to be applied once (isTooOldToRedrive). */
  readonly tooOld: readonly DeadLetter[];
  /**
   * Letters whose value was cut to fit their dead-letter topic (DeadLetter.valueCut): not sent, a
   * copy would deliver a truncated event. Their event is to be published again from its source.
   */
  readonly cut: readonly DeadLetter[];
  /**
   * Letters a redrive began and did not record the end of (`redriving`): their copies may have gone.
   * Looked for on the topic first (confirmInterrupted): sent only if their copy is not there.
   */
  readonly begun: readonly DeadLetter[];
}

/**
 * The letters a redrive sends: those of the given event ids, or every outstanding one (`all`), less
 * those sent back already (a letter without an event id would reach every consumer again as a new
 * record), those too old to send, those whose value was cut, and those a redrive began (checked on
 * the topic first).
 */
export function planRedrive(letters: readonly DeadLetter[], ask: { readonly ids: readonly string[] } | { readonly all: true }, now: Date = new Date()): RedrivePlan {
  const ids = 'ids' in ask ? ask.ids : [];
  const chosen = 'all' in ask ? letters : letters.filter((l) => l.eventId !== null && ids.includes(l.eventId));
  const missing = ids.filter((id) => !chosen.some((l) => l.eventId === id));
  const outstanding = chosen.filter((l) => l.redrivenAt === null && l.redriving === null);
  const tooOld = outstanding.filter((l) => isTooOldToRedrive(l, now));
  const young = outstanding.filter((l) => !isTooOldToRedrive(l, now));
  return {
    send: young.filter((l) => l.valueCut === null),
    missing,
    alreadyRedriven: 'all' in ask ? [] : chosen.filter((l) => l.redrivenAt !== null),
    tooOld,
    cut: young.filter((l) => l.valueCut !== null),
    begun: chosen.filter((l) => l.redrivenAt === null && l.redriving !== null),
  };
}
