import { describe, expect, it } from 'vitest';
import { applyAreaEvent, areaAbove, areaLevelsOf, riskWords } from '../../web/src/area-risk';

const row = (country: string, admin1: string | null, level: number, score: number, updatedAt = '2026-11-20T00:00:00.000Z') => ({ country, admin1, level, score, updatedAt });

describe("the console's area above a country's national level", () => {
  const answer = [row('MLI', null, 3, 61.2), row('MLI', 'Mopti', 4, 90.5), row('MLI', 'Gao', 4, 80.1), row('MLI', 'Kayes', 2, 30), row('NER', null, 4, 88), row('NER', 'Tillabéri', 4, 95)];

  it("names the highest admin1 above the national level, the higher score first: Mali's critical Mopti behind its national high", () => {
    const areas = areaLevelsOf(answer);
    expect(areaAbove({ level: 3 }, areas.get('MLI'))).toMatchObject({ admin1: 'Mopti', level: 4, score: 90.5 });
    expect(riskWords(3, areaAbove({ level: 3 }, areas.get('MLI')))).toBe('High · Mopti critical');
  });

  it('names none when every area stands at the national level or below, or the country has no area', () => {
    const areas = areaLevelsOf(answer);
    expect(areaAbove({ level: 4 }, areas.get('NER'))).toBeNull();
    expect(areaAbove({ level: 2 }, undefined)).toBeNull();
    expect(areaAbove(undefined, areas.get('MLI'))).toBeNull();
    expect(riskWords(4, null)).toBe('Critical');
  });

  it('follows live events: an area escalating above its country shows, falling back or overtaken by the national level it goes', () => {
    const areas = areaLevelsOf([row('MLI', null, 3, 60)]);
    expect(areaAbove({ level: 3 }, areas.get('MLI'))).toBeNull();
    expect(applyAreaEvent(areas, { country: 'MLI', admin1: 'Mopti', level: 4, score: 90.5, at: '2026-11-21T00:00:00.000Z' })).toBe(true);
    expect(areaAbove({ level: 3 }, areas.get('MLI'))).toMatchObject({ admin1: 'Mopti', level: 4 });
    // The national level rises to critical: Mopti no longer stands above it.
    expect(areaAbove({ level: 4 }, areas.get('MLI'))).toBeNull();
    // Mopti de-escalates (no score on the event: its last is kept) to the national level: nothing above.
    applyAreaEvent(areas, { country: 'MLI', admin1: 'Mopti', level: 3, at: '2026-11-22T00:00:00.000Z' });
    expect(areas.get('MLI')?.get('Mopti')).toMatchObject({ level: 3, score: 90.5 });
    expect(areaAbove({ level: 3 }, areas.get('MLI'))).toBeNull();
  });

  it("ignores an event about an earlier day than the area's latest, as the read model does (a redriven dead letter)", () => {
    const areas = areaLevelsOf([row('MLI', 'Mopti', 2, 30, '2026-11-22T00:00:00.000Z')]);
    expect(applyAreaEvent(areas, { country: 'MLI', admin1: 'Mopti', level: 4, score: 90, at: '2026-11-21T00:00:00.000Z' })).toBe(false);
    expect(areaAbove({ level: 1 }, areas.get('MLI'))).toMatchObject({ level: 2 });
  });

  it('keeps national rows out of the areas', () => {
    expect([...areaLevelsOf(answer).get('MLI')?.keys() ?? []].sort()).toEqual(['Gao', 'Kayes', 'Mopti']);
  });
});
