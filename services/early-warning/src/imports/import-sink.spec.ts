import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_AGGREGATE_OBSERVED, decodeEvent, encodeEvent, EVENT_TYPES, partitionKeyOf, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import type { AggregateObservation } from '../domain';
import { aggregateObserved, insertedInOrder, observationId } from './import-sink';

const month = (source: string, country: string, admin1: string | null, admin2: string | null, m: number, events = 10, fatalities = 2): AggregateObservation => ({
  source,
  country,
  admin1,
  admin2,
  periodStart: new Date(Date.UTC(2026, m - 1, 1)),
  periodEnd: new Date(Date.UTC(2026, m, 1)),
  events,
  fatalities,
});
const keyOf = (o: AggregateObservation) => [o.source, o.country, o.admin1 ?? '', o.admin2 ?? '', o.periodStart.toISOString().slice(0, 10)].join('\u0000');

describe('observationId', () => {
  it('given the same (source, area, period start), then it is the same version-5 UUID whatever the counts', () => {
    const a = observationId(month('acled', 'BFA', 'Sahel', 'Soum', 3));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(observationId(month('acled', 'BFA', 'Sahel', 'Soum', 3, 99, 40))).toBe(a);
  });

  it('given any part of the key changed, then the id differs; a missing area and an empty one are the same', () => {
    const ids = [
      month('acled', 'BFA', 'Sahel', 'Soum', 3),
      month('acled-2', 'BFA', 'Sahel', 'Soum', 3),
      month('acled', 'MLI', 'Sahel', 'Soum', 3),
      month('acled', 'BFA', 'Est', 'Soum', 3),
      month('acled', 'BFA', 'Sahel', null, 3),
      month('acled', 'BFA', 'Sahel', 'Soum', 4),
      // The separator keeps "a|b" and "ab|" apart.
      month('acled', 'BFA', 'SahelSoum', null, 3),
    ].map(observationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(observationId(month('x', 'BFA', null, null, 1))).toBe(observationId(month('x', 'BFA', '', '', 1)));
  });
});

describe('aggregateObserved', () => {
  it('given a new observation, then the event carries it whole, goes to the signals topic and is keyed by its country', () => {
    const o = month('acled', 'BFA', 'Sahel', null, 3, 31, 57);
    const event = aggregateObserved(o, 'import');
    expect(event).toMatchObject({ type: CE_AGGREGATE_OBSERVED, subject: observationId(o) });
    const message = create(EVENT_TYPES[CE_AGGREGATE_OBSERVED].schema, event.data);
    const decoded = decodeEvent(CE_AGGREGATE_OBSERVED, encodeEvent(CE_AGGREGATE_OBSERVED, message));
    expect(decoded).toMatchObject({ observationId: observationId(o), source: 'acled', country: 'BFA', admin1: 'Sahel', admin2: '', events: 31, fatalities: 57, origin: 'import' });
    expect(decoded.periodStart && timestampDate(decoded.periodStart)).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(decoded.periodEnd && timestampDate(decoded.periodEnd)).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(EVENT_TYPES[CE_AGGREGATE_OBSERVED].topic).toBe(TOPIC_SIGNALS);
    expect(partitionKeyOf(CE_AGGREGATE_OBSERVED, decoded)).toBe('BFA');
  });
});

describe('insertedInOrder', () => {
  const batch = [month('s', 'BFA', 'A', null, 1), month('s', 'MLI', null, null, 1), month('s', 'BFA', 'A', null, 2), month('s', 'BFA', 'B', null, 1)];

  it('given the keys the insert returned (in any order), then the new observations come back in batch order', () => {
    expect(insertedInOrder(batch, [keyOf(batch[3]), keyOf(batch[0]), keyOf(batch[2])])).toEqual([batch[0], batch[2], batch[3]]);
  });

  it('given nothing new (a second import of the same file), then there is nothing to announce', () => {
    expect(insertedInOrder(batch, [])).toEqual([]);
  });

  it('given a key repeated within the batch, then only its first row counts (the one the insert kept)', () => {
    const repeated = [...batch, month('s', 'BFA', 'A', null, 1, 500, 500)];
    expect(insertedInOrder(repeated, [keyOf(batch[0])])).toEqual([batch[0]]);
  });
});
