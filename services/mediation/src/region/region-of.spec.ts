import { describe, expect, it } from 'vitest';
import { regionOf } from './region-of';

describe('regionOf', () => {
  it('gives the regional desk of a country, and nothing for codes with none', () => {
    expect(regionOf('MLI')).toBe('africa');
    expect(regionOf('SYR')).toBe('middle-east');
    expect(regionOf('col')).toBe('americas');
    expect(regionOf('QZX')).toBeUndefined();
    expect(regionOf('ATA')).toBeUndefined();
  });
});
