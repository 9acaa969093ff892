import { describe, expect, it } from 'vitest';
import { MAX_PROVISIONS, MAX_PROVISIONS_BYTES, MAX_SIGNATORIES } from './agreement.limits';
import type { RecordAgreement } from './mediation.commands';
import { given } from './testing/given-when-then';
import { HISTORIES } from './testing/fixtures';

const provision = (text: string) => ({ topic: 'chapter', text, addressesGender: false, addressesYouth: false });
const signatory = { name: 'Leader', role: 'party', organization: 'Movement' } as const;
const agreement = (provisions: RecordAgreement['provisions'], signatories: RecordAgreement['signatories'] = [signatory]): RecordAgreement => ({
  type: 'RecordAgreement',
  kind: 'comprehensive',
  title: 'Comprehensive peace agreement',
  signedAt: '2026-03-09T00:00:00Z',
  provisions,
  signatories,
});

/** As the edge refuses them (process.dto.ts), for commands that do not come over HTTP. */
describe('the size of an agreement', () => {
  it('records 12 provisions of 9,750 characters, a comprehensive agreement the 100 KB body limit refused', () => {
    const [event] = given(...HISTORIES.active).when(agreement(Array(12).fill(provision('é'.repeat(9_750))))).then({ type: 'AgreementReached' });
    expect(event.type === 'AgreementReached' && event.agreement.provisions).toHaveLength(12);
  });

  it('refuses more provisions or signatories than one agreement holds, or provisions of more bytes than its event carries', () => {
    const one = provision('Hostilities cease.');
    given(...HISTORIES.active).when(agreement(Array(MAX_PROVISIONS).fill(one))).then({ type: 'AgreementReached' });
    const many = given(...HISTORIES.active).when(agreement(Array(MAX_PROVISIONS + 1).fill(one))).thenRejects('provisions');
    expect(many.violations).toEqual([{ field: 'provisions', reason: `must list at most ${MAX_PROVISIONS} provisions` }]);
    given(...HISTORIES.active).when(agreement([one], Array(MAX_SIGNATORIES + 1).fill(signatory))).thenRejects('signatories');
    // 41 provisions of 10,000 characters of 2 bytes: each within its own limit, 820,328 bytes in all.
    const big = given(...HISTORIES.active).when(agreement(Array(41).fill(provision('é'.repeat(10_000))))).thenRejects('provisions');
    expect(big.violations[0].reason).toContain(`come to ${41 * (7 + 20_000)} bytes in UTF-8; one agreement holds at most ${MAX_PROVISIONS_BYTES}`);
  });
});
