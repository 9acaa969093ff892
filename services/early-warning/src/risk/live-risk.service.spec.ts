import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskEvent, type RiskObservation, type RiskSignal } from '../domain';
import { byCountry, dayOfInput, step, type LiveInput, type LiveObservation, type LiveSignal } from './live-risk.service';

const DAY = 86_400_000;
const monthOf = (country: string, m: number, events: number, fatalities: number, admin1: string | null = null): RiskObservation => ({
  country,
  admin1,
  periodStart: new Date(Date.UTC(2025, m - 1, 1)),
  periodEnd: new Date(Date.UTC(2025, m, 1)),
  events,
  fatalities,
});
const observed = (o: RiskObservation): LiveObservation => ({ observation: o, origin: 'import' });
const attack = (country: string, at: Date): RiskSignal => ({ country, admin1: null, occurredAt: at, type: 'violence_against_civilians', subType: 'attack', fatalities: 30, severity: 5 });
const signalled = (s: RiskSignal, assessAfter: boolean): LiveSignal => ({ signal: s, origin: 'api', assessAfter });
const changes = (events: readonly RiskEvent[]) => events.filter((e) => e.type !== 'RiskAssessed');

describe('step', () => {
  it('given observations in month order, then each closes the days before its period and the country is assessed from the counts, as a replay would', () => {
    const months = [monthOf('SDN', 1, 30, 10), monthOf('SDN', 2, 60, 40), monthOf('SDN', 3, 400, 900)];
    const live = new RiskEngine();
    const events = months.flatMap((o) => step(live, observed(o)));
    const replay = new RiskEngine();
    expect(events).toEqual(months.flatMap((o) => replay.ingestObservation(o)).map((e) => ({ e, provisional: false })));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((x) => !x.provisional)).toBe(true);
    const national = live.current().find((a) => a.admin1 === null);
    expect(national?.score).toBeGreaterThan(0);
    expect(live.currentDay).toEqual(new Date(Date.UTC(2025, 2, 1)));
  });

  it('given an observation big enough to escalate its open day, then nothing is assessed until a later input closes the day', () => {
    const engine = new RiskEngine();
    step(engine, observed(monthOf('SDN', 1, 5, 0)));
    const big = step(engine, observed(monthOf('SDN', 2, 3_000, 6_000)));
    expect(changes(big.map((x) => x.e))).toEqual([]);
    const probe = RiskEngine.restore(engine.snapshot());
    expect(changes(probe.assessOpenDay())).not.toEqual([]);

    const closed = step(engine, signalled(attack('SDN', new Date(Date.UTC(2025, 1, 2, 12))), false));
    expect(changes(closed.map((x) => x.e))).toMatchObject([{ type: 'RiskEscalated', at: new Date(Date.UTC(2025, 1, 1)) }]);
  });

  it('given the last signal of a request, then the open day is assessed after it (provisionally), as before', () => {
    const engine = new RiskEngine();
    const day = new Date(Date.UTC(2025, 0, 10, 12));
    const burst = Array.from({ length: 40 }, (_, i) => step(engine, signalled(attack('NER', day), i === 39)));
    expect(burst.slice(0, 39).flat()).toEqual([]);
    expect(burst[39].length).toBeGreaterThan(0);
    expect(burst[39].every((x) => x.provisional)).toBe(true);
    expect(changes(burst[39].map((x) => x.e))).toHaveLength(1);
  });

  it('given signals and observations of one country interleaved, then the engine sees them in that order', () => {
    const inputs: LiveInput[] = [
      signalled(attack('MLI', new Date(Date.UTC(2025, 0, 5))), false),
      observed(monthOf('MLI', 2, 200, 300)),
      signalled(attack('MLI', new Date(Date.UTC(2025, 1, 20))), false),
      observed(monthOf('MLI', 3, 10, 0)),
    ];
    const live = new RiskEngine();
    const events = inputs.flatMap((i) => step(live, i)).map((x) => x.e);
    const direct = new RiskEngine();
    const expected = [
      ...direct.ingestSignal(attack('MLI', new Date(Date.UTC(2025, 0, 5)))),
      ...direct.ingestObservation(monthOf('MLI', 2, 200, 300)),
      ...direct.ingestSignal(attack('MLI', new Date(Date.UTC(2025, 1, 20)))),
      ...direct.ingestObservation(monthOf('MLI', 3, 10, 0)),
    ];
    expect(events).toEqual(expected);
    expect(live.snapshot()).toEqual(direct.snapshot());
  });
});

describe('byCountry', () => {
  it('given a batch of several countries, then each country keeps its own order across signals and observations', () => {
    const a1 = observed(monthOf('MLI', 1, 1, 0));
    const b1 = signalled(attack('NER', new Date(3 * DAY)), true);
    const a2 = signalled(attack('MLI', new Date(40 * DAY)), false);
    const b2 = observed(monthOf('NER', 2, 1, 0));
    const a3 = observed(monthOf('MLI', 2, 1, 0, 'Gao'));
    expect([...byCountry([a1, b1, a2, b2, a3])]).toEqual([
      ['MLI', [a1, a2, a3]],
      ['NER', [b1, b2]],
    ]);
  });
});

describe('dayOfInput', () => {
  it('given a signal or an observation, then its day is the one the engine opens for it: the signal\'s occurredAt, the period\'s first day', () => {
    const at = new Date(Date.UTC(2025, 4, 17, 22, 5));
    expect(dayOfInput(signalled(attack('MLI', at), true))).toEqual(at);
    expect(dayOfInput(observed(monthOf('MLI', 3, 10, 0)))).toEqual(new Date(Date.UTC(2025, 2, 1)));
  });
});
