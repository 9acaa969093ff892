import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AggregateObservedSchema,
  CE_AGGREGATE_OBSERVED,
  CE_RISK_ASSESSED,
  CE_SIGNAL_RECORDED,
  encodeEvent,
  SignalRecordedSchema,
  TOPIC_SIGNALS,
  type EventType,
} from '@crisis-ops/contracts';
import type { ReceivedEvent } from '@crisis-ops/messaging';
import { liveInputOf } from './risk.consumer';

const time = new Date('2026-11-20T10:00:00Z');
const received = (type: string, data: Uint8Array): ReceivedEvent => ({
  id: 'e-1',
  type,
  source: 'early-warning',
  time,
  topic: TOPIC_SIGNALS,
  partition: 0,
  offset: '0',
  key: 'BFA',
  data,
  headers: {},
});
const encoded = <T extends EventType>(type: T, message: Parameters<typeof encodeEvent<T>>[1]) => received(type, encodeEvent(type, message));
const observation = (init: Partial<Parameters<typeof create<typeof AggregateObservedSchema>>[1]> = {}) =>
  create(AggregateObservedSchema, {
    observationId: 'o-1',
    source: 'acled',
    country: 'BFA',
    admin1: 'Sahel',
    admin2: 'Soum',
    periodStart: timestampFromDate(new Date('2026-09-01T00:00:00Z')),
    periodEnd: timestampFromDate(new Date('2026-10-01T00:00:00Z')),
    events: 31,
    fatalities: 57,
    origin: 'import',
    ...init,
  });

describe('liveInputOf', () => {
  it('given an AggregateObserved, then the engine gets the observation over its period, with its origin', () => {
    expect(liveInputOf(encoded(CE_AGGREGATE_OBSERVED, observation()))).toEqual({
      observation: { country: 'BFA', admin1: 'Sahel', periodStart: new Date('2026-09-01T00:00:00Z'), periodEnd: new Date('2026-10-01T00:00:00Z'), events: 31, fatalities: 57 },
      origin: 'import',
      within: undefined,
    });
  });

  it('given a national observation without an origin, then admin1 is null and it counts as an import (never announced when old)', () => {
    expect(liveInputOf(encoded(CE_AGGREGATE_OBSERVED, observation({ admin1: '', admin2: '', origin: '' })))).toMatchObject({ observation: { admin1: null }, origin: 'import' });
  });

  it('given an observation without a period, then it moves no risk', () => {
    expect(liveInputOf(encoded(CE_AGGREGATE_OBSERVED, observation({ periodStart: undefined })))).toBeUndefined();
    expect(liveInputOf(encoded(CE_AGGREGATE_OBSERVED, observation({ periodEnd: undefined })))).toBeUndefined();
  });

  it('given negative counts (another producer), then they are read as zero', () => {
    expect(liveInputOf(encoded(CE_AGGREGATE_OBSERVED, observation({ events: -4, fatalities: -1 })))).toMatchObject({ observation: { events: 0, fatalities: 0 } });
  });

  it('given a SignalRecorded, then the engine gets the signal as before', () => {
    const signal = create(SignalRecordedSchema, { signalId: 's-1', country: 'BFA', type: 'battles', subType: 'armed_clash', fatalities: 3, severity: 9, origin: 'import', lastInRequest: true });
    const within = <T>(fn: () => T): T => fn();
    expect(liveInputOf(encoded(CE_SIGNAL_RECORDED, signal), within)).toEqual({
      signal: { country: 'BFA', admin1: null, occurredAt: time, type: 'battles', subType: 'armed_clash', fatalities: 3, severity: null },
      origin: 'import',
      assessAfter: true,
      within,
    });
    expect(liveInputOf(encoded(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, { country: 'BFA', type: 'earthquakes' })))).toBeUndefined();
  });

  it('given an event type the engine does not weigh, then it is skipped, not refused', () => {
    expect(liveInputOf(received(CE_RISK_ASSESSED, new Uint8Array()))).toBeUndefined();
    expect(liveInputOf(received('org.example.something-else.v1', new Uint8Array([1, 2, 3])))).toBeUndefined();
  });
});
