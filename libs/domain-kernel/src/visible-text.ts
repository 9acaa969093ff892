/**
 * A character a reader sees: not white space (which includes the no-break space), not a control
 * character, and not one Unicode says to draw as nothing (zero-width space and joiners, the word
 * joiner, the byte-order mark, the soft hyphen, the Hangul fillers, variation selectors).
 */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Why `value` says nothing a reader could see, or undefined when it says something. Trimming took
 * white space only: a no-break space with a zero-width space made a party nobody can read or tell
 * from another.
 */
export function invisibleTextProblem(value: string): string | undefined {
  if (VISIBLE.test(value)) return undefined;
  return value.trim() === '' ? 'must not be empty' : 'must have a visible character';
}
