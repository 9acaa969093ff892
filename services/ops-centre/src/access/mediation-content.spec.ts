import { describe, expect, it } from 'vitest';
import { TOPIC_MEDIATION, TOPIC_RISK } from '@crisis-ops/contracts';
import type { StreamItem } from '../stream/stream-item';
import { itemFor } from './mediation-content';

const item = (topic: string, payload: Record<string, unknown>): StreamItem => ({
  id: 'e1',
  type: 't',
  name: 'agreement-reached',
  source: 'mediation',
  topic,
  country: 'MLI',
  admin1: '',
  desk: 'africa',
  level: null,
  time: '2026-11-27T00:00:00.000Z',
  traceId: null,
  payload,
});
const agreement = { processId: 'p1', agreementId: 'a1', country: 'MLI', kind: 'AGREEMENT_KIND_CEASEFIRE', title: 'Gao ceasefire', signatories: [{ name: 'A. Leader' }], occurredAt: '2026-11-26T00:00:00Z' };

describe("a mediation event's content on the stream and in replays", () => {
  it('goes to watch and mediation roles; others of the desk get the event without its text or people', () => {
    for (const roles of [['watch-officer'], ['viewer'], ['global-viewer'], ['mediation-officer']]) expect(itemFor({ roles }, item(TOPIC_MEDIATION, agreement)).payload, roles[0]).toEqual(agreement);
    const withheld = itemFor({ roles: ['analyst', 'ops-engineer'] }, item(TOPIC_MEDIATION, agreement)).payload;
    expect(withheld).toEqual({ processId: 'p1', agreementId: 'a1', country: 'MLI', kind: 'AGREEMENT_KIND_CEASEFIRE', occurredAt: '2026-11-26T00:00:00Z', contentWithheld: expect.any(String) });
    // Other topics are not mediation's to withhold.
    expect(itemFor({ roles: ['analyst'] }, item(TOPIC_RISK, { title: 'x' })).payload).toEqual({ title: 'x' });
  });
});
