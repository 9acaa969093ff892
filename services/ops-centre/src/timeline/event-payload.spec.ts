import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { CE_AGGREGATE_OBSERVED, CE_SIGNAL_RECORDED, AggregateObservedSchema, SignalRecordedSchema } from '@crisis-ops/contracts';
import { eventPayloadOf } from './event-payload';

const signal = (severity?: number) => ({
  type: CE_SIGNAL_RECORDED,
  key: 'BFA',
  data: toBinary(SignalRecordedSchema, create(SignalRecordedSchema, { signalId: 's-1', source: 'field-monitor', country: 'BFA', type: 'battles', ...(severity === undefined ? {} : { severity }) })),
});

describe('an event payload as the operations centre shows it', () => {
  it("says null of a signal's severity sent without one, as early-warning's GET /signals does, not 0", () => {
    expect(eventPayloadOf(signal())).toMatchObject({ severity: null, fatalities: 0 });
  });

  it("keeps a signal's severity given, and zeros that are information elsewhere", () => {
    expect(eventPayloadOf(signal(3))).toMatchObject({ severity: 3 });
    const aggregate = { type: CE_AGGREGATE_OBSERVED, key: 'BFA', data: toBinary(AggregateObservedSchema, create(AggregateObservedSchema, { observationId: 'o', country: 'BFA', events: 4 })) };
    expect(eventPayloadOf(aggregate)).toMatchObject({ events: 4, fatalities: 0 });
  });

  it('keeps an event of a type it does not know with its country', () => {
    expect(eventPayloadOf({ type: 'org.crisis-ops.future.thing.v1', key: 'BFA', data: new Uint8Array() })).toMatchObject({ country: 'BFA' });
  });
});
