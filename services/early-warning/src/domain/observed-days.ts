/**
 * Since which day the input covers an engine's areas: T, the days of data, counts from it, and the
 * expected level E is divided by `1 − e^(−T/τb)` so that the first months of a data set do not read
 * as a surge.
 *
 * A late report moves that day back only when it joins the history already held: within
 * OBSERVED_GAP_DAYS of it, or through earlier spans of late reports that reach it step by step (a
 * history imported after live reports, oldest first or newest first). A lone report dated far back
 * (a year before, or 1926 for 2026) is kept as a span of its own, apart: taken as the start of the
 * data, it made T decades long, E collapse and the surge term reach 1, so one zero-fatality protest
 * escalated its country to high and mediation proposed a process. A gap longer than this in a history
 * stays a gap: nothing says the area was watched through it.
 */
export const OBSERVED_GAP_DAYS = 31;

/** Spans of late reports kept apart; past this many the shortest are forgotten (each is a handful of outliers, or history not yet joined). */
const MAX_EARLIER_SPANS = 16;

/** Days as whole UTC day numbers, both ends included. */
export type DaySpan = readonly [from: number, to: number];

export interface ObservedDays {
  /** The day T counts from; undefined before any input. */
  readonly since: number | undefined;
  /** Spans of late reports not (yet) joined to the history T counts, oldest first. */
  readonly earlier: readonly DaySpan[];
}

export const NOTHING_OBSERVED: ObservedDays = { since: undefined, earlier: [] };

/** What is observed once an input about `day` arrives. */
export function observe(o: ObservedDays, day: number): ObservedDays {
  if (o.since === undefined) return { since: day, earlier: o.earlier };
  if (day >= o.since) return o;
  // Merge the day into the spans kept apart, then let every span that now reaches the history join it.
  let spans = mergeSpans([...o.earlier, [day, day]]);
  let since = o.since;
  for (;;) {
    const joining = spans.find(([, to]) => since - to <= OBSERVED_GAP_DAYS);
    if (!joining) break;
    since = Math.min(since, joining[0]);
    spans = spans.filter((s) => s !== joining);
  }
  if (spans.length > MAX_EARLIER_SPANS) {
    const longest = [...spans].sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || b[1] - a[1]).slice(0, MAX_EARLIER_SPANS);
    spans = spans.filter((s) => longest.includes(s));
  }
  return { since, earlier: spans };
}

/** Spans sorted and merged where they come within OBSERVED_GAP_DAYS of each other. */
function mergeSpans(spans: readonly DaySpan[]): DaySpan[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: DaySpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s[0] - last[1] <= OBSERVED_GAP_DAYS) out[out.length - 1] = [last[0], Math.max(last[1], s[1])];
    else out.push(s);
  }
  return out;
}
