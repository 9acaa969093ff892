import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { parseStreamQuery } from './stream-query';

/** The fields a refusal names, and its code. */
function refusal(parse: () => unknown): { code: string; fields: string[] } {
  try {
    parse();
  } catch (err) {
    if (err instanceof ValidationFailed) return { code: err.code, fields: err.violations.map((v) => v.field) };
    const body = (err as { getResponse(): { code: string; errors: { field: string }[] } }).getResponse();
    return { code: body.code, fields: body.errors.map((e) => e.field) };
  }
  throw new Error('not refused');
}

describe("the live stream's query, every fault named at once", () => {
  it("names the last event id's fault beside the filter's, under the filter's code", () => {
    expect(refusal(() => parseStreamQuery({ country: 'XX', lastEventId: 'at:0' }))).toEqual({ code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['country', 'lastEventId'] });
    expect(refusal(() => parseStreamQuery({ minLevel: 'x', lastEventId: ['a', 'b'] }))).toEqual({ code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['minLevel', 'lastEventId'] });
    expect(refusal(() => parseStreamQuery({ lastEventId: 'at:0' }))).toEqual({ code: 'REQUEST.INVALID', fields: ['lastEventId'] });
  });

  it('takes the header over the parameter, and an id the timeline holds however it reads', () => {
    expect(parseStreamQuery({ lastEventId: 'at:0' }, 'e-1')).toEqual({ filter: expect.anything(), lastEventId: 'e-1' });
    expect(refusal(() => parseStreamQuery({ country: 'XX' }, 'at:0'))).toEqual({ code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['country', 'lastEventId'] });
    expect(parseStreamQuery({}, 'at:0', true).lastEventId).toBe('at:0');
    expect(parseStreamQuery({ lastEventId: 'at:0' }, undefined, true).lastEventId).toBe('at:0');
  });
});
