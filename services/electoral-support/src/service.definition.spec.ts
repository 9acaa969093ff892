import { describe, expect, it } from 'vitest';
import { SERVICE } from './service.definition';

describe('what /docs says electoral-support does', () => {
  it('is what it does today: the platform routes, no events, the rest not built yet', () => {
    expect(SERVICE.description).toContain('not built yet');
    for (const route of ['GET /health/live', 'GET /health/ready', 'GET /metrics']) expect(SERVICE.description).toContain(route);
    expect(SERVICE.consumesEvents).toBe(false);
    expect(SERVICE.description).toContain('consumes no events');
  });
});
