import { describe, expect, it } from 'vitest';
import { attributionLine, attributionsAfter } from '../../web/src/data-attribution';

const ACLED = 'Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com.';
const UCDP = 'Conflict data: UCDP Georeferenced Event Dataset (CC BY 4.0), Uppsala Conflict Data Program, ucdp.uu.se.';

describe("the console's data attribution line", () => {
  it('says what the rows shown owe together, each once', () => {
    expect(attributionLine([[ACLED], [], undefined, [UCDP, ACLED]])).toBe(`${ACLED} · ${UCDP}`);
  });

  it('is absent when nothing is owed (or the server said nothing)', () => {
    expect(attributionLine([])).toBeNull();
    expect(attributionLine([[], undefined, [' ']])).toBeNull();
  });

  it("follows a country's latest live risk event, and keeps what was known from an event that says nothing of it", () => {
    expect(attributionsAfter(undefined, { attributions: [ACLED] })).toEqual([ACLED]);
    expect(attributionsAfter([ACLED], { attributions: [] })).toEqual([]);
    expect(attributionsAfter([ACLED], { country: 'MLI' })).toEqual([ACLED]);
  });
});
