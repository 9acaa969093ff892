import { describe, expect, it } from 'vitest';
import { processRegionOf, regionOf } from './region-of';

describe('regionOf', () => {
  it('gives the regional desk of a country, and nothing for codes with none', () => {
    expect(regionOf('MLI')).toBe('africa');
    expect(regionOf('SYR')).toBe('middle-east');
    expect(regionOf('col')).toBe('americas');
    expect(regionOf('QZX')).toBeUndefined();
    expect(regionOf('ATA')).toBeUndefined();
  });

  it('puts the processes of a country with no desk in the unassigned region, which global users alone see', () => {
    expect(processRegionOf('MLI')).toBe('africa');
    expect(processRegionOf('QZX')).toBe('unassigned');
  });
});
