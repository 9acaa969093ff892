import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from './storable-text';

describe('storable text', () => {
  it('replaces NUL and unpaired surrogates with U+FFFD, each where it was', () => {
    expect(storableText('pasted from PDF\u0000 text')).toBe('pasted from PDF\ufffd text');
    expect(storableText('\u0000\u0000')).toBe('\ufffd\ufffd');
    expect(storableText('a\ud800b')).toBe('a\ufffdb');
    expect(storableText('a\udc00')).toBe('a\ufffd');
    // A low surrogate before its high one is two unpaired ones.
    expect(storableText('\ude00\ud83d')).toBe('\ufffd\ufffd');
  });

  it('leaves text that is fine as it is: accents, a real U+FFFD, emoji (surrogate pairs), other control characters', () => {
    for (const text of ['', 'Tillabéri', 'a\ufffdb', '😀 ok \ud83d\ude00', 'tab\tnew\nline\u0001', 'C:\\u0000']) expect(storableText(text)).toBe(text);
  });

  it('makes every string of a JSON value storable, keys included, and returns a value without such text unchanged', () => {
    const fine = { a: 'x', b: [1, 'y', { c: null, d: true }], e: { f: '😀' } };
    expect(storableJson(fine)).toBe(fine);
    const bad = { engagementId: 'UNDP-TCD-2026-01', description: 'pasted\u0000', tags: ['ok', 'a\ud800'], nested: { 'k\u0000': 1, n: 2 } };
    expect(storableJson(bad)).toEqual({ engagementId: 'UNDP-TCD-2026-01', description: 'pasted\ufffd', tags: ['ok', 'a\ufffd'], nested: { 'k\ufffd': 1, n: 2 } });
    // A copy: the event's own payload is not changed under whoever else reads it.
    expect(bad.description).toBe('pasted\u0000');
    expect(JSON.stringify(storableJson(bad))).not.toMatch(/\\u0000|\\ud800/);
  });
});
