import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AgeGroup,
  CE_AGREEMENT_REACHED,
  CE_ENVOY_APPOINTED,
  CE_MEDIATION_CONCLUDED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_MEDIATION_RESUMED,
  CE_MEDIATION_SUSPENDED,
  CE_TALKS_CONVENED,
  encodeEventsData,
  EVENT_TYPES,
  Gender,
  MediationOutcome,
  RiskLevel,
} from '@crisis-ops/contracts';
import { MAX_EVENT_BYTES } from '@crisis-ops/messaging';
import { MAX_PROVISIONS, MAX_PROVISIONS_BYTES, MAX_SIGNATORIES, provisionsSizeProblem, rehydrate, type MediationEvent, type ProcessState } from '../domain';
import { agreementReached, closed, concluded, envoyAppointed, opened, proposed, resumed, suspended, talksConvened } from '../domain/testing/fixtures';
import { contractEventsOf } from './contract-events';

const history: MediationEvent[] = [proposed(), opened(), envoyAppointed(), talksConvened(1), agreementReached(), suspended(), resumed(), concluded()];
const state = rehydrate(history) as ProcessState;

describe('contract events', () => {
  it('publishes every public event with the process as subject, encodable under its registered schema, keyed by country', () => {
    const out = contractEventsOf(history, state);
    expect(out.map((e) => e.type)).toEqual([
      CE_MEDIATION_PROPOSED,
      CE_MEDIATION_OPENED,
      CE_ENVOY_APPOINTED,
      CE_TALKS_CONVENED,
      CE_AGREEMENT_REACHED,
      CE_MEDIATION_SUSPENDED,
      CE_MEDIATION_RESUMED,
      CE_MEDIATION_CONCLUDED,
    ]);
    for (const e of out) {
      const spec = EVENT_TYPES[e.type];
      const message = create(spec.schema, e.data as never);
      expect(toBinary(spec.schema, message as never).length).toBeGreaterThan(0);
      expect((spec.key as (m: unknown) => string)(message)).toBe('MLI');
      expect(e.subject).toBe('p-1');
    }
  });

  it('carries the escalation, its level and drivers on the proposal, and counts by gender and age group on talks', () => {
    const [p, , envoy, talks] = contractEventsOf(history, state);
    expect(p.data).toMatchObject({ triggeredByEscalationId: 'esc-1', lead: 'special_envoy', admin1: 'Mopti', drivers: [{ kind: 'battles', weight: 0.6 }] });
    const [byHand] = contractEventsOf([proposed({ escalation: null })], state);
    expect([p.data, byHand.data].map((d) => (d as { escalationLevel: unknown }).escalationLevel)).toEqual([RiskLevel.HIGH, RiskLevel.UNSPECIFIED]);
    expect(envoy.data).toMatchObject({ envoyId: 'envoy-1', gender: Gender.FEMALE });
    expect(talks.data).toMatchObject({ round: 1, venue: 'Bamako', participants: [{ gender: Gender.FEMALE, ageGroup: AgeGroup.YOUTH, count: 2 }, {}, {}] });
  });

  it('given a process scoped to an admin1, when an agreement is reached, then AgreementReached carries that admin1; a national process, then ""', () => {
    const local = contractEventsOf([agreementReached()], state).find((e) => e.type === CE_AGREEMENT_REACHED);
    expect(local?.data).toMatchObject({ country: 'MLI', admin1: 'Mopti', agreementId: 'agreement-1' });
    const nationalHistory = [proposed({ admin1: null }), opened(), agreementReached()];
    const national = contractEventsOf([agreementReached()], rehydrate(nationalHistory) as ProcessState).find((e) => e.type === CE_AGREEMENT_REACHED);
    expect(national?.data).toMatchObject({ country: 'MLI', admin1: '' });
    // As decoded by a consumer: the field is on the wire, not only in the init object.
    const spec = EVENT_TYPES[CE_AGREEMENT_REACHED];
    expect(fromBinary(spec.schema, toBinary(spec.schema, create(spec.schema, local?.data as never))).admin1).toBe('Mopti');
  });

  it("given a whole-area driver (null in the domain), when proposed, then MediationProposed carries area '' on the wire (proto3 has no null string)", () => {
    const wholeArea = { kind: 'battles', label: 'Armed clashes', area: null, count: 14, weight: 1 };
    const [p] = contractEventsOf([proposed({ drivers: [wholeArea, { ...wholeArea, area: 'Mopti' }] })], state);
    // What the publisher is handed, not only what protobuf-es makes of it (its create skips a null).
    expect((p.data as { drivers: Array<{ area: unknown }> }).drivers.map((d) => d.area)).toEqual(['', 'Mopti']);
    const spec = EVENT_TYPES[CE_MEDIATION_PROPOSED];
    const decoded = fromBinary(spec.schema, toBinary(spec.schema, create(spec.schema, p.data as never)));
    expect(decoded.drivers.map((d) => d.area)).toEqual(['', 'Mopti']);
  });

  it('announces the largest agreement the limits allow (4-byte characters throughout) in an event the outbox takes', () => {
    const wide = '\u{20000}';
    const largest = {
      ...agreementReached().agreement,
      title: wide.repeat(500),
      provisions: Array.from({ length: MAX_PROVISIONS }, () => ({ topic: wide.repeat(24), text: wide.repeat(1_000), addressesGender: true, addressesYouth: true })),
      signatories: Array.from({ length: MAX_SIGNATORIES }, () => ({ name: wide.repeat(200), role: 'party' as const, organization: wide.repeat(200) })),
    };
    expect(provisionsSizeProblem(largest.provisions)).toBeUndefined();
    expect(provisionsSizeProblem([...largest.provisions.slice(1), { ...largest.provisions[0], text: `${largest.provisions[0].text}a` }])).toContain(`${MAX_PROVISIONS_BYTES + 1} bytes`);
    const event = contractEventsOf([{ ...agreementReached(), agreement: largest }], state);
    const [{ payload }] = encodeEventsData(event);
    expect(payload.byteLength).toBeGreaterThan(MAX_PROVISIONS_BYTES);
    expect(payload.byteLength).toBeLessThanOrEqual(MAX_EVENT_BYTES);
  });

  it('announces a closure as MediationConcluded with outcome WITHDRAWN and keeps internal events private', () => {
    const closedState = rehydrate([proposed(), closed()]) as ProcessState;
    const out = contractEventsOf([closed(), { type: 'PartyAdded', processId: 'p-1', at: closed().at, actor: 'x', party: { partyId: 'x', name: 'x', kind: 'government' } }], closedState);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: CE_MEDIATION_CONCLUDED, data: { outcome: MediationOutcome.WITHDRAWN, summary: 'Not taken up' } });
  });
});
