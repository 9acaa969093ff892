import { describe, expect, it } from 'vitest';
import { agreementContextParameters, DEFAULT_AGREEMENT_CONTEXT } from './agreement-context';

describe('agreementContextParameters', () => {
  it('given nothing set (or empty), then −10 points for 90 days', () => {
    expect(agreementContextParameters({})).toEqual({ points: -10, days: 90 });
    expect(agreementContextParameters({ EARLY_WARNING_AGREEMENT_POINTS: '', EARLY_WARNING_AGREEMENT_DAYS: '' })).toEqual(DEFAULT_AGREEMENT_CONTEXT);
  });

  it('given valid values, then they are used', () => {
    expect(agreementContextParameters({ EARLY_WARNING_AGREEMENT_POINTS: '-7.5', EARLY_WARNING_AGREEMENT_DAYS: '30' })).toEqual({ points: -7.5, days: 30 });
    expect(agreementContextParameters({ EARLY_WARNING_AGREEMENT_POINTS: '0' })).toEqual({ points: 0, days: 90 });
    expect(agreementContextParameters({ EARLY_WARNING_AGREEMENT_POINTS: '-100', EARLY_WARNING_AGREEMENT_DAYS: '3650' })).toEqual({ points: -100, days: 3650 });
  });

  it.each(['10', '-101', 'ten', '-1e1', 'NaN', '-Infinity', '0x10'])('given EARLY_WARNING_AGREEMENT_POINTS=%s, then it fails naming the variable', (raw) => {
    expect(() => agreementContextParameters({ EARLY_WARNING_AGREEMENT_POINTS: raw })).toThrow(`EARLY_WARNING_AGREEMENT_POINTS must be a number of score points from -100 to 0, got "${raw}"`);
  });

  it.each(['0', '-5', '1.5', '3651', 'a month', '90d'])('given EARLY_WARNING_AGREEMENT_DAYS=%s, then it fails naming the variable', (raw) => {
    expect(() => agreementContextParameters({ EARLY_WARNING_AGREEMENT_DAYS: raw })).toThrow(`EARLY_WARNING_AGREEMENT_DAYS must be a whole number of days from 1 to 3650, got "${raw}"`);
  });
});
