import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import { AgreementKind, AgreementReachedSchema, CE_AGREEMENT_REACHED, CE_MEDIATION_OPENED, MediationOpenedSchema } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountries, inputsApplied, type BootedEarlyWarning } from '../int-support';
import { AgreementLabelsWithoutTitles1764806400000 } from '../migrations/1764806400000-agreement-labels-without-titles.migration';

/**
 * Agreements reached in mediation, recorded as risk context: early-warning booted in-process on the
 * test infrastructure (INFRA_PROFILE=test); AgreementReached produced straight onto mediation's topic,
 * as mediation's relay would; identical signals posted for a country with the agreement and one
 * without (user-assigned codes with no risk state yet), compared through GET /risk/:country.
 */
const RUN = uniqueSuffix();

describe('early-warning: context from mediation', () => {
  let ew: BootedEarlyWarning;
  let db: Client;
  let producer: Producer;

  beforeAll(async () => {
    ew = await bootEarlyWarning('context');
    ({ db, producer } = ew);
  });

  afterAll(async () => ew?.close());

  const api = (method: string, url: string, body?: unknown) => ew.api(method, url, body);
  const count = (sql: string, params: unknown[]) => ew.count(sql, params);

  const signal = (country: string, i: number, overrides: Record<string, unknown>) => ({ id: `s-${i}`, country, ...overrides });

  it('records an agreement reached in mediation once as context; the same signals then score lower there than elsewhere, naming the agreement', async () => {
    const [country, other] = await freshCountries(2);
    expect(other).not.toBe(country);
    const DAY = 86_400_000;
    const isoDay = (back: number) => new Date(Date.now() - back * DAY).toISOString().slice(0, 10);
    const occurredAt = timestampFromDate(new Date(Date.now() - 10 * DAY));
    const agreement = domainEventRecord(
      CE_AGREEMENT_REACHED,
      create(AgreementReachedSchema, { processId: `p-${RUN}`, country, agreementId: `a-${RUN}`, kind: AgreementKind.CEASEFIRE, title: 'Exercise ceasefire', occurredAt }),
    );
    const opened = domainEventRecord(CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId: `p-${RUN}`, country, occurredAt }));
    // The agreement twice (a redelivery: same CloudEvents id), then an event type that records nothing, all on one partition.
    await producer.send({ topic: agreement.topic, messages: [agreement.message, agreement.message, opened.message] });
    const inbox = (id: string) => count('SELECT count(*) AS n FROM early_warning.inbox WHERE event_id = $1', [id]);
    await eventually(async () => (await inbox(opened.id)) === 1, 30_000, 200);
    const { rows } = await db.query(
      `SELECT admin1, kind, label, points, to_char(valid_from, 'YYYY-MM-DD') AS "from", to_char(valid_until, 'YYYY-MM-DD') AS until FROM early_warning.risk_context WHERE country = $1`,
      [country],
    );
    expect(rows).toEqual([{ admin1: '', kind: 'agreement_reached', label: 'Ceasefire reached', points: -10, from: isoDay(10), until: isoDay(10 - 90) }]);

    // Identical signals for both countries on the last three days.
    const items = (c: string) =>
      [3, 2, 1].flatMap((back) =>
        Array.from({ length: 5 }, (_, i) => signal(c, i, { id: `${c}-${back}-${i}`, source: `int-context-${RUN}`, type: 'battles', subType: 'armed_clash', fatalities: 5, severity: 3, occurredAt: new Date(Date.now() - back * DAY).toISOString() })),
      );
    for (const c of [country, other]) expect(await api('POST', '/signals/batch', { items: items(c) })).toMatchObject({ status: 202, body: { recorded: 15 } });
    await eventually(async () => (await inputsApplied(db, country)) === 15 && (await inputsApplied(db, other)) === 15, 30_000, 200);

    type Driver = { kind: string; label: string; weight: number };
    type Board = { national: { score: number; drivers: Driver[] }; context: unknown[]; history: Array<{ score: number; drivers: Driver[] }> };
    const withAgreement = (await api('GET', `/risk/${country}`)).body as unknown as Board;
    const without = (await api('GET', `/risk/${other}`)).body as unknown as Board;
    expect(without.national.score).toBeGreaterThan(10);
    expect(withAgreement.national.score).toBeCloseTo(without.national.score - 10, 0);
    expect(withAgreement.context).toEqual([
      { admin1: null, kind: 'agreement_reached', label: 'Ceasefire reached', points: -10, validFrom: isoDay(10), validUntil: isoDay(-80), reference: `p-${RUN}/a-${RUN}` },
    ]);
    expect(without.context).toEqual([]);
    // Weights are shares of the score, so a score clamped to 0 names the agreement with weight 0.
    const carrying = withAgreement.history.filter((h) => h.score > 0 && h.drivers.some((d) => d.kind === 'agreement_reached'));
    expect(carrying.length).toBeGreaterThan(0);
    for (const h of carrying) expect((h.drivers.find((d) => d.kind === 'agreement_reached') as Driver).weight * h.score).toBeCloseTo(-10, 0);
    expect(without.history.flatMap((h) => h.drivers).map((d) => d.kind)).not.toContain('agreement_reached');
    expect(await count('SELECT count(*) AS n FROM early_warning.risk_context WHERE country = $1', [country])).toBe(1);
  });

  it('weighs an agreement of a process scoped to an admin1 on that admin1 alone (whatever mediation\'s spelling): lower than an identical admin1 of the country, national score untouched, shown under the area\'s name', async () => {
    const [country, other] = await freshCountries(2);
    expect(other).not.toBe(country);
    const DAY = 86_400_000;
    const at = (back: number) => new Date(Date.now() - back * DAY);
    const init = { processId: `p-local-${RUN}`, country, admin1: ' SAHEL ', agreementId: `a-local-${RUN}`, kind: AgreementKind.LOCAL, title: 'Exercise truce', occurredAt: timestampFromDate(at(10)) };
    const agreement = domainEventRecord(CE_AGREEMENT_REACHED, create(AgreementReachedSchema, init));
    await producer.send({ topic: agreement.topic, messages: [agreement.message] });
    await eventually(async () => (await count('SELECT count(*) AS n FROM early_warning.risk_context WHERE source_event_id = $1', [agreement.id])) === 1, 30_000, 200);

    // The same signals in Sahel and Nord of both countries on the last three days.
    const items = (c: string) =>
      [3, 2, 1].flatMap((back) => ['Sahel', 'Nord'].flatMap((admin1) => Array.from({ length: 5 }, (_, i) => signal(c, i, { id: `${c}-${admin1}-${back}-${i}`, admin1, source: `int-local-${RUN}`, type: 'battles', subType: 'armed_clash', fatalities: 5, severity: 3, occurredAt: at(back).toISOString() }))));
    for (const c of [country, other]) expect(await api('POST', '/signals/batch', { items: items(c) })).toMatchObject({ status: 202, body: { recorded: 30 } });
    await eventually(async () => (await inputsApplied(db, country)) === 30 && (await inputsApplied(db, other)) === 30, 30_000, 200);

    type Area = { admin1: string | null; score: number; drivers: Array<{ kind: string }> };
    const board = async (c: string) => (await api('GET', `/risk/${c}`)).body as unknown as { national: Area; admin1: Area[]; context: Array<{ admin1: string | null }> };
    const [local, plain] = [await board(country), await board(other)];
    const area = (b: typeof local, name: string) => b.admin1.find((a) => a.admin1 === name) as Area;
    const named = (a: Area) => a.drivers.some((d) => d.kind === 'agreement_reached');
    expect(area(local, 'Nord').score).toBeGreaterThan(10);
    expect(area(local, 'Sahel').score).toBeCloseTo(area(local, 'Nord').score - 10, 0);
    expect([named(area(local, 'Sahel')), named(area(local, 'Nord')), named(local.national)]).toEqual([true, false, false]);
    expect(local.national.score).toBe(plain.national.score);
    expect(local.context).toMatchObject([{ admin1: 'Sahel', kind: 'agreement_reached', label: 'Local agreement reached', points: -10 }]);
  });

  it('records an agreement whose ids or area hold a NUL (valid in a proto3 string, refused by text), U+FFFD in its place, where every attempt failed and it was dead-lettered', async () => {
    const [country] = await freshCountries(1);
    const agreement = domainEventRecord(
      CE_AGREEMENT_REACHED,
      create(AgreementReachedSchema, { processId: `p-\u0000${RUN}`, country, admin1: 'Sa\u0000hel', agreementId: `a-${RUN}`, kind: AgreementKind.LOCAL, title: 'Exercise truce', occurredAt: timestampFromDate(new Date()) }),
    );
    await producer.send({ topic: agreement.topic, messages: [agreement.message] });
    await eventually(async () => (await count('SELECT count(*) AS n FROM early_warning.risk_context WHERE source_event_id = $1', [agreement.id])) === 1, 30_000, 200);
    const { rows } = await db.query('SELECT admin1, reference FROM early_warning.risk_context WHERE source_event_id = $1', [agreement.id]);
    expect(rows).toEqual([{ admin1: 'Sa\ufffdhel', reference: `p-\ufffd${RUN}/a-${RUN}` }]);
  });

  it("cuts the titles out of agreement labels recorded before, in the context and in drivers, leaving the other drivers as they were", async () => {
    const [country] = await freshCountries(1);
    const drivers = JSON.stringify([
      { kind: 'battles', label: 'Battles: armed clash', area: null, count: 3, weight: 1.2 },
      { kind: 'agreement_reached', label: 'Ceasefire reached: Secret: terms of Gao', area: null, count: 0, weight: -0.2 },
    ]);
    await db.query(
      `INSERT INTO early_warning.risk_context (country, admin1, kind, label, points, valid_from, valid_until, reference, source_event_id)
       VALUES ($1, '', 'agreement_reached', 'Ceasefire reached: Secret: terms of Gao', -10, DATE '2026-01-01', DATE '2026-04-01', 'p/a', $2)`,
      [country, `migration-${RUN}`],
    );
    await db.query(`INSERT INTO early_warning.risk_current (country, admin1, score, level, level_since, drivers) VALUES ($1, '', 40, 'elevated', DATE '2026-01-02', $2::jsonb)`, [country, drivers]);
    await db.query(
      `INSERT INTO early_warning.risk_assessments (country, admin1, kind, day, score, level, drivers, origin, published) VALUES ($1, '', 'assessed', DATE '2026-01-02', 40, 'elevated', $2::jsonb, 'api', true)`,
      [country, drivers],
    );
    await db.query('SET search_path TO early_warning');
    try {
      await new AgreementLabelsWithoutTitles1764806400000().up({ query: (sql: string) => db.query(sql) } as never);
    } finally {
      await db.query('RESET search_path');
    }
    const labels = async (table: string) => (await db.query(`SELECT drivers FROM early_warning.${table} WHERE country = $1`, [country])).rows[0].drivers.map((d: { label: string }) => d.label);
    expect(await labels('risk_current')).toEqual(['Battles: armed clash', 'Ceasefire reached']);
    expect(await labels('risk_assessments')).toEqual(['Battles: armed clash', 'Ceasefire reached']);
    expect((await db.query('SELECT label FROM early_warning.risk_context WHERE country = $1', [country])).rows).toEqual([{ label: 'Ceasefire reached' }]);
  });
});
