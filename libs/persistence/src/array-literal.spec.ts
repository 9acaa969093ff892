import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { arrayLiteral } from './array-literal';

// node-postgres' own conversion of an array parameter (untyped), which arrayLiteral must match string for string.
const { prepareValue } = createRequire(__filename)('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

const pieces = ['', 'a', 'BFA', 'NULL', 'null', ' ', ',', '{', '}', '"', '\\', '\\"', "'", 'é', '🙂', '\n', 'org.crisis-ops.x.v1'];

describe('arrayLiteral', () => {
  it('builds the literal node-postgres builds, for text with every character an array literal treats specially', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 500; n++) {
      const values = Array.from({ length: Math.floor(next() * 6) }, () =>
        next() < 0.1 ? null : Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
      );
      expect(arrayLiteral(values)).toBe(prepareValue(values));
    }
  });

  it('builds it for numbers, null and undefined, and the empty array', () => {
    const values = [0, -1, 2_147_483_647, 1.5, null, undefined, 12_345_678_901];
    expect(arrayLiteral(values)).toBe(prepareValue(values));
    expect(arrayLiteral([])).toBe(prepareValue([]));
  });
});
