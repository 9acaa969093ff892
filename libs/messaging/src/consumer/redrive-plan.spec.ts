import { describe, expect, it } from 'vitest';
import type { DeadLetter } from './dead-letters';
import { planRedrive } from './redrive-plan';

const NOW = new Date('2026-06-01T00:00:00Z');

const letter = (n: number, over: Partial<DeadLetter> = {}): DeadLetter => ({
  at: { topic: 'things.dlq', partition: 0, offset: String(n) },
  originalTopic: 'things',
  origin: { partition: 1, offset: String(n) },
  key: null,
  value: Buffer.from('x'),
  headers: {},
  eventId: `e-${n}`,
  eventType: 't',
  consumer: 'c',
  errorCode: 'E',
  errorMessage: 'm',
  attempts: 4,
  failedAt: '2026-05-31T00:00:00Z',
  firstPublishedAt: '2026-05-31T00:00:00Z',
  redrivenAt: null,
  valueCut: null,
  redriving: null,
  ...over,
});

describe('what a redrive sends', () => {
  const redriven = letter(1, { redrivenAt: '2026-05-31T12:00:00Z' });
  const unreadableRedriven = letter(2, { eventId: null, redrivenAt: '2026-05-31T12:00:00Z' });
  const outstanding = letter(3);
  const tooOld = letter(4, { firstPublishedAt: '2026-03-01T00:00:00Z' });
  const letters = [redriven, unreadableRedriven, outstanding, tooOld];

  it('sends, of every letter, the outstanding ones young enough: a letter sent back already (one without an event id too) is not sent again', () => {
    expect(planRedrive(letters, { all: true }, NOW)).toEqual({ send: [outstanding], missing: [], alreadyRedriven: [], tooOld: [tooOld], cut: [], begun: [] });
  });

  it('asked for events by id, says which were sent back already and which no letter has', () => {
    expect(planRedrive(letters, { ids: ['e-1', 'e-3', 'e-9'] }, NOW)).toEqual({ send: [outstanding], missing: ['e-9'], alreadyRedriven: [redriven], tooOld: [], cut: [], begun: [] });
  });

  it('sends the outstanding letter of an event whose earlier letter was redriven and that was dead-lettered again', () => {
    const again = letter(5, { eventId: 'e-1' });
    expect(planRedrive([redriven, again], { ids: ['e-1'] }, NOW)).toMatchObject({ send: [again], alreadyRedriven: [redriven] });
  });

  it('never sends a letter whose value was cut to fit its dead-letter topic: it says which, to publish again from the source', () => {
    const cut = letter(8, { valueCut: { originalBytes: 1_048_000, sha256: 'ab' } });
    expect(planRedrive([...letters, cut], { all: true }, NOW)).toMatchObject({ send: [outstanding], cut: [cut] });
    expect(planRedrive([cut], { ids: ['e-8'] }, NOW)).toMatchObject({ send: [], missing: [], cut: [cut] });
  });

  it('does not send a letter a redrive began (its copy may have gone) but gives it to be looked for on the topic, too old or not', () => {
    const begun = letter(6, { redriving: { since: '2026-05-31T12:00:00Z', copyOf: 'things.dlq/0/6' } });
    const begunOld = letter(7, { firstPublishedAt: '2026-03-01T00:00:00Z', redriving: { since: '2026-04-01T12:00:00Z', copyOf: 'things.dlq/0/7' } });
    expect(planRedrive([...letters, begun, begunOld], { all: true }, NOW)).toEqual({ send: [outstanding], missing: [], alreadyRedriven: [], tooOld: [tooOld], cut: [], begun: [begun, begunOld] });
    expect(planRedrive([...letters, begun], { ids: ['e-6'] }, NOW)).toMatchObject({ send: [], begun: [begun] });
  });
});
