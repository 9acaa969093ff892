import { describe, expect, it } from 'vitest';
import { TOPIC_RISK } from '@crisis-ops/contracts';
import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { parseReplayPlan, parseReplayQuery } from './replay-plan';

const now = new Date('2026-11-27T12:00:00Z');
const violationsOf = (q: Record<string, unknown>) => {
  try {
    parseReplayPlan(q, now);
    return [];
  } catch (err) {
    return (err as { violations: Array<{ field: string }> }).violations.map((v) => v.field);
  }
};

describe('a replay plan', () => {
  it('replays from the instant asked, a day meaning its midnight UTC', () => {
    expect(parseReplayPlan({ from: '2026-11-27T06:00:00Z', topics: TOPIC_RISK }, now)).toEqual({ topics: [TOPIC_RISK], from: new Date('2026-11-27T06:00:00Z'), speed: 'max', limit: 10_000 });
    expect(parseReplayPlan({ from: '2026-11-27T07:00:00+01:00' }, now).from).toEqual(new Date('2026-11-27T06:00:00Z'));
    expect(parseReplayPlan({ from: '2026-11-26' }, now).from).toEqual(new Date('2026-11-26T00:00:00Z'));
  });

  it('refuses a day that does not exist or a number, which it read as another time (30 February as 2 March, "1" as 2001)', () => {
    for (const from of ['2023-02-30', '2023-02-29T10:00:00Z', '1', '2026-11-27T25:00:00Z', 'yesterday', '']) expect(violationsOf({ from }), from).toEqual(['from']);
    expect(violationsOf({})).toEqual(['from']);
    const reasonOf = (q: Record<string, unknown>) => {
      try {
        parseReplayPlan(q, now);
      } catch (err) {
        return (err as ValidationFailed).violations.find((v) => v.field === 'from')?.reason;
      }
    };
    // Left out, it is said to be required, not to be a date that does not exist.
    expect(reasonOf({ speed: 'max' })).toMatch(/^is required/);
    // Its offset's "+" sent unencoded arrives as a space: the answer says so.
    expect(reasonOf({ from: '2026-11-27T07:00:00 01:00' })).toContain('send the offset\'s "+" as %2B, 2026-11-27T07:00:00%2B01:00');
  });

  it('takes a start from 1900 on, before the first record kept or before 1970 alike, and names an earlier one', () => {
    for (const from of ['1900-01-01', '1969-12-31', '1970-01-01T00:00:00Z']) expect(parseReplayPlan({ from }, now).from, from).toEqual(new Date(`${from.slice(0, 10)}T00:00:00Z`));
    expect(() => parseReplayPlan({ from: '1899-12-31T23:59:59Z' }, now)).toThrow(expect.objectContaining({ violations: [{ field: 'from', reason: 'must be on or after 1900-01-01' }] }));
  });

  it('refuses a start in the future and names every bad parameter at once', () => {
    expect(violationsOf({ from: '2026-11-28T00:00:00Z', speed: 'fast', limit: '0', topics: 'nope' })).toEqual(['topics', 'from', 'speed', 'limit']);
  });
});

describe('a replay\'s query', () => {
  const refusal = (q: Record<string, unknown>) => {
    try {
      parseReplayQuery(q);
    } catch (err) {
      return err as ValidationFailed;
    }
    throw new Error('taken');
  };

  it('names the faults of its plan and of its filter in one answer', () => {
    const err = refusal({ from: 'yesterday', minLevel: 'extreme' });
    expect(err.code).toBe('OPS_CENTRE.REPLAY_INVALID');
    expect(err.violations.map((v) => v.field)).toEqual(['from', 'minLevel']);
  });

  it('answers a filter at fault alone with the filter\'s own code, as the stream does', () => {
    expect(refusal({ from: '2026-01-01T00:00:00Z', minLevel: 'extreme' }).code).toBe('OPS_CENTRE.STREAM_FILTER_INVALID');
  });

  it('gives the plan and the filter of a right query', () => {
    expect(parseReplayQuery({ from: '2026-01-01T00:00:00Z', country: 'MLI' })).toMatchObject({ plan: { speed: 'max' }, filter: { countries: ['MLI'] } });
  });
});
