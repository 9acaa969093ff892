import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES } from '@crisis-ops/contracts';
import { EVENT_NAMES } from '../../web/src/event-names';
import { eventTypesFault } from './stream-filter';
import { shortNameOf } from './stream-item';

describe("the console's event type filter", () => {
  it('offers every event type the contracts have, by the short name the stream takes, in their order', () => {
    expect([...EVENT_NAMES]).toEqual([...new Set(ALL_EVENT_TYPES.map(shortNameOf))]);
    expect(eventTypesFault(EVENT_NAMES)).toBeUndefined();
  });
});
