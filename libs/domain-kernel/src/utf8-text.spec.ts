import { describe, expect, it } from 'vitest';
import { decodeUtf8Escaped, invalidUtf8Byte, invalidUtf8Offset, Utf8EscapingDecoder, withReplacementCharacters } from './utf8-text';

const bytes = (...b: number[]) => Buffer.from(b);

describe('decodeUtf8Escaped', () => {
  it('decodes UTF-8 as Node does, a real U+FFFD and characters whose low surrogate lies in U+DC80–U+DCFF (U+10080) included', () => {
    const text = 'Tillabéri \ufffd 😀 \u{10080} 中';
    expect(decodeUtf8Escaped(Buffer.from(text))).toBe(text);
    expect(invalidUtf8Byte(text)).toBeUndefined();
  });

  it.each([
    ['a Latin-1 é', bytes(0x53, 0xe9, 0x67), 0xe9, 1],
    ['a continuation byte alone', bytes(0x61, 0x80), 0x80, 1],
    ['an overlong "/" (C0 AF)', bytes(0xc0, 0xaf), 0xc0, 0],
    ['an overlong three-byte form (E0 80 80)', bytes(0xe0, 0x80, 0x80), 0xe0, 0],
    ['a surrogate encoded (ED A0 80)', bytes(0xed, 0xa0, 0x80), 0xed, 0],
    ['a code point over U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80), 0xf4, 0],
    ['a character cut short by the end (E2 82)', bytes(0x61, 0xe2, 0x82), 0xe2, 1],
  ])('marks each byte of %s that is not UTF-8, and names the first', (_what, input, first, offset) => {
    const text = decodeUtf8Escaped(input);
    expect(invalidUtf8Byte(text)).toBe(first);
    expect(invalidUtf8Offset(input)).toBe(offset);
    expect(withReplacementCharacters(text)).not.toMatch(/[\udc80-\udcff]/);
  });

  it('keeps the valid text around a bad byte', () => {
    expect(withReplacementCharacters(decodeUtf8Escaped(Buffer.concat([Buffer.from('Ségou '), bytes(0xe9), Buffer.from(' 😀')])))).toBe('Ségou \ufffd 😀');
  });
});

describe('Utf8EscapingDecoder', () => {
  it('completes a character cut between chunks at any byte, for two-, three- and four-byte characters', () => {
    const all = Buffer.from('aé中😀z');
    for (let cut = 0; cut <= all.length; cut++) {
      for (let cut2 = cut; cut2 <= all.length; cut2++) {
        const decoder = new Utf8EscapingDecoder();
        const text = decoder.write(all.subarray(0, cut)) + decoder.write(all.subarray(cut, cut2)) + decoder.write(all.subarray(cut2)) + decoder.end();
        expect(text, `${cut}/${cut2}`).toBe('aé中😀z');
        expect(decoder.sawInvalid).toBe(false);
      }
    }
  });

  it('marks bytes that are not UTF-8, a character the input ends in the middle of included', () => {
    const decoder = new Utf8EscapingDecoder();
    expect(withReplacementCharacters(decoder.write(bytes(0x53, 0xe9, 0x67, 0xe4)))).toBe('S\ufffdg');
    expect(decoder.sawInvalid).toBe(true);
    expect(invalidUtf8Byte(decoder.end())).toBe(0xe4);
  });
});
