import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AgreementKind,
  AgreementReachedSchema,
  type AgreementReached,
  CE_AGREEMENT_REACHED,
  CE_MEDIATION_CONCLUDED,
  encodeEvent,
  MediationConcludedSchema,
  MediationOutcome,
  TOPIC_MEDIATION,
} from '@crisis-ops/contracts';
import { PermanentEventError, type ReceivedEvent } from '@crisis-ops/messaging';
import { contextOf } from './mediation-context.consumer';

const time = new Date('2026-03-10T08:00:00Z');
const received = (type: string, data: Uint8Array, id = 'ev-1'): ReceivedEvent => ({ id, type, source: 'mediation', time, topic: TOPIC_MEDIATION, partition: 0, offset: '0', key: 'COD', data, headers: {} });
const reached = (change: (m: AgreementReached) => void = () => undefined) => {
  const message = create(AgreementReachedSchema, {
    processId: 'proc-1',
    country: 'COD',
    agreementId: 'agr-1',
    kind: AgreementKind.CEASEFIRE,
    title: 'Djugu ceasefire',
    occurredAt: timestampFromDate(new Date('2026-03-01T22:30:00Z')),
  });
  change(message);
  return received(CE_AGREEMENT_REACHED, encodeEvent(CE_AGREEMENT_REACHED, message));
};
const parameters = { points: -10, days: 90 };

describe('contextOf', () => {
  it('given an AgreementReached, then one national row in force from the day it was reached for the configured days', () => {
    expect(contextOf(reached(), parameters)).toEqual({
      country: 'COD',
      admin1: '',
      kind: 'agreement_reached',
      label: 'Ceasefire reached',
      points: -10,
      validFrom: '2026-03-01',
      validUntil: '2026-05-30',
      reference: 'proc-1/agr-1',
      sourceEventId: 'ev-1',
    });
    expect(contextOf(reached(), { points: -4, days: 1 })).toMatchObject({ points: -4, validFrom: '2026-03-01', validUntil: '2026-03-02' });
  });

  it('given an AgreementReached of a process scoped to an admin1, then the row is for that admin1 (trimmed, capped at 200 characters), not national', () => {
    expect(contextOf(reached((m) => (m.admin1 = 'Ituri')), parameters)).toMatchObject({ country: 'COD', admin1: 'Ituri', points: -10, reference: 'proc-1/agr-1' });
    expect(contextOf(reached((m) => (m.admin1 = '  Ituri \t')), parameters)?.admin1).toBe('Ituri');
    expect(contextOf(reached((m) => (m.admin1 = 'x'.repeat(300))), parameters)?.admin1).toBe('x'.repeat(200));
  });

  it('given an AgreementReached without admin1 (a national process, or a producer older than the field), then the row is national', () => {
    expect(contextOf(reached(), parameters)?.admin1).toBe('');
    expect(contextOf(reached((m) => (m.admin1 = '   ')), parameters)?.admin1).toBe('');
  });

  it("labels the row with the agreement's kind and never its title, which is mediation's to show, where any token of any region read it in /risk", () => {
    expect(contextOf(reached(), parameters)?.label).toBe('Ceasefire reached');
    expect(contextOf(reached((m) => Object.assign(m, { kind: AgreementKind.UNSPECIFIED, title: 'Nairobi text' })), parameters)?.label).toBe('Agreement reached');
    expect(contextOf(reached((m) => (m.kind = AgreementKind.FRAMEWORK)), parameters)?.label).toBe('Framework agreement reached');
  });

  it('given no occurred_at, then the event time dates it', () => {
    expect(contextOf(reached((m) => delete m.occurredAt), parameters)).toMatchObject({ validFrom: '2026-03-10' });
  });

  it('given another mediation event, then no context', () => {
    const concluded = create(MediationConcludedSchema, { processId: 'proc-1', country: 'COD', outcome: MediationOutcome.AGREEMENT });
    expect(contextOf(received(CE_MEDIATION_CONCLUDED, encodeEvent(CE_MEDIATION_CONCLUDED, concluded)), parameters)).toBeUndefined();
    expect(contextOf(received('org.example.unknown.v1', new Uint8Array([1, 2])), parameters)).toBeUndefined();
  });

  it('given an agreement without a usable country, then it is a permanent failure (dead-lettered, not retried)', () => {
    expect(() => contextOf(reached((m) => (m.country = '')), parameters)).toThrow(PermanentEventError);
    expect(() => contextOf(reached((m) => (m.country = 'Congo')), parameters)).toThrow(/country must be an ISO 3166-1 alpha-3 code/);
  });
});
