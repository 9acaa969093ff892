import { describe, expect, it } from 'vitest';
import { checkBatchBody, checkSignalBody, MAX_BATCH } from './signal-body';
import { INSTANT_FORMS } from '@crisis-ops/domain-kernel';

const now = new Date('2026-01-10T12:00:00Z');
const good = { source: 'monitor', id: 'm-1', country: 'BFA', type: 'battles', occurredAt: '2026-01-09T10:00:00Z', fatalities: 2 };

describe('signal bodies', () => {
  it('accepts a complete signal through the domain validation', () => {
    expect(checkSignalBody(good, now).signal).toMatchObject({ country: 'BFA', fatalities: 2, source: 'monitor' });
  });

  it('names unknown fields, domain violations and future dates, with the item path in a batch', () => {
    const result = checkBatchBody({ items: [good, { ...good, country: 'Burkina', colour: 'red' }, { ...good, occurredAt: '2026-02-01' }] }, now);
    expect(result.signals).toBeUndefined();
    expect(result.violations).toEqual([
      { field: 'items[1].colour', reason: 'is not a signal field' },
      { field: 'items[1].country', reason: expect.stringContaining('alpha-3') },
      { field: 'items[2].occurredAt', reason: expect.stringContaining('lies in the future') },
    ]);
  });

  it('refuses a number sent as text, however it would read, and still names every other fault', () => {
    for (const fatalities of ['0x10', '1e3', '', ' 7 ', '16']) {
      expect(checkSignalBody({ ...good, fatalities }, now).violations, fatalities).toEqual([{ field: 'fatalities', reason: 'must be a number' }]);
    }
    expect(checkSignalBody({ ...good, severity: '0b11', latitude: '', longitude: 2, country: 'Burkina' }, now).violations.map((v) => v.field).sort()).toEqual(['country', 'latitude', 'severity']);
  });

  it('refuses a blank id, which would have given up deduplication without a word', () => {
    for (const id of ['', '   ']) expect(checkSignalBody({ ...good, id }, now).violations, JSON.stringify(id)).toEqual([{ field: 'id', reason: 'must not be blank (leave it out to send no id)' }]);
    const { id: _id, ...withoutId } = good;
    expect(checkSignalBody(withoutId, now).violations).toEqual([]);
  });

  it('reads a date without a time as a UTC day, refused until that day has begun in UTC, naming how to send a local date ahead of UTC', () => {
    const afternoon = new Date('2026-11-27T15:28:00Z'); // already 28 November from Kiritimati to Auckland
    const ahead = checkSignalBody({ ...good, occurredAt: '2026-11-28' }, afternoon).violations;
    expect(ahead).toEqual([{ field: 'occurredAt', reason: expect.stringContaining('lies in the future') }]);
    expect(ahead[0].reason).toMatch(/UTC day.*has not begun.*send a date-time with its offset/);
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-27' }, afternoon).violations).toEqual([]);
    // The local date ahead of UTC sent as it should be: an instant, 15:28 UTC.
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-28T04:28:00+13:00' }, afternoon).violations).toEqual([]);
    // The UTC day begins at its midnight, not a moment later.
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-28' }, new Date('2026-11-28T00:00:00Z')).violations).toEqual([]);
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-28' }, new Date('2026-11-27T23:59:59Z')).violations.map((v) => v.field)).toEqual(['occurredAt']);
    // An instant is an instant: a time more than five minutes ahead of the clock is refused wherever it was written.
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-27T15:33:00Z' }, afternoon).violations).toEqual([]);
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-27T15:34:00Z' }, afternoon).violations).toEqual([{ field: 'occurredAt', reason: 'lies in the future (more than 5 minutes ahead of the clock)' }]);
  });

  it('refuses a report time in the future, which nothing reported could ever come after, as it does an event time', () => {
    const afternoon = new Date('2026-11-27T15:28:00Z');
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-26', reportedAt: '2099-01-01T00:00:00Z' }, afternoon).violations).toEqual([{ field: 'reportedAt', reason: 'lies in the future (more than 5 minutes ahead of the clock)' }]);
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-26', reportedAt: '2026-11-28' }, afternoon).violations).toEqual([{ field: 'reportedAt', reason: expect.stringMatching(/^lies in the future: a date without a time names a UTC day/) }]);
    // A report dated today in UTC, and one with no report time (it takes the event's).
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-26', reportedAt: '2026-11-27' }, afternoon).violations).toEqual([]);
    expect(checkSignalBody({ ...good, occurredAt: '2026-11-27' }, afternoon).violations).toEqual([]);
  });

  it('refuses a date that does not exist rather than moving it, and year 0, which Postgres cannot store', () => {
    for (const occurredAt of ['2025-02-30', '2025-02-29', '0000-06-05', '2025-01-01T24:00:00Z', '2025-13-01']) {
      expect(checkSignalBody({ ...good, occurredAt }, now).violations, occurredAt).toEqual([{ field: 'occurredAt', reason: `must be an ISO 8601 date or date-time (${INSTANT_FORMS})` }]);
    }
    expect(checkSignalBody({ ...good, occurredAt: '2024-02-29' }, now).signal?.occurredAt.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('rejects an empty, oversized or shapeless batch, and accepts user-assigned exercise codes', () => {
    expect(checkBatchBody({ items: [] }, now).violations[0].field).toBe('items');
    // Given but not a list: "is required" read as if it were missing.
    expect(checkBatchBody({ items: {} }, now).violations).toEqual([{ field: 'items', reason: 'must be an array of signals' }]);
    expect(checkBatchBody({}, now).violations).toEqual([{ field: 'items', reason: 'is required: an array of signals' }]);
    expect(checkBatchBody({ items: Array.from({ length: MAX_BATCH + 1 }, () => good) }, now).violations[0].reason).toContain('5000');
    expect(checkBatchBody([good], now).violations[0].field).toBe('body');
    expect(checkBatchBody({ items: [good], extra: 1 }, now).violations).toEqual([{ field: 'extra', reason: expect.any(String) }]);
    // User-assigned codes only where exercises are switched on; production refuses them.
    expect(checkSignalBody({ ...good, country: 'QZA' }, now).signal).toBeUndefined();
    expect(checkSignalBody({ ...good, country: 'QZA' }, now, { allowUserAssignedCountries: true }).signal?.country).toBe('QZA');
    expect(checkSignalBody({ ...good, country: 'XXX' }, now).signal).toBeUndefined();
  });
});
