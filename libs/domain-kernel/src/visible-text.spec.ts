import { describe, expect, it } from 'vitest';
import { invisibleTextProblem } from './visible-text';

describe('invisibleTextProblem', () => {
  it.each([
    ['a no-break space and a zero-width space', '\u00a0\u200b'],
    ['a zero-width joiner and a word joiner', '\u200d\u2060'],
    ['a byte-order mark and a soft hyphen', '\ufeff\u00ad'],
    ['a Hangul filler', '\u3164'],
    ['a control character', '\u0007'],
  ])('given %s, then there is nothing to read', (_, text) => {
    expect(invisibleTextProblem(text)).toBe('must have a visible character');
  });

  it('given white space alone, then it is empty, as before', () => {
    expect(invisibleTextProblem('')).toBe('must not be empty');
    expect(invisibleTextProblem(' \u00a0\t\n')).toBe('must not be empty');
  });

  it('given a visible character in any script, among invisible ones or not, then it is text', () => {
    for (const text of ['Mali', '\u200bX\u200b', 'مالي', '马里', 'é', '1', '-', '🕊️']) expect(invisibleTextProblem(text), text).toBeUndefined();
  });
});
