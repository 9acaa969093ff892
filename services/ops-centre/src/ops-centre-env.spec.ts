import { describe, expect, it } from 'vitest';
import { opsCentreEnvProblems } from './ops-centre-env';

describe("ops-centre's own configuration, checked at boot", () => {
  it('passes when unset (each service at its default port, the console found beside the build)', () => {
    expect(opsCentreEnvProblems({})).toEqual([]);
    expect(opsCentreEnvProblems({ MEDIATION_URL: 'http://mediation:3002', EARLY_WARNING_URL: 'https://ew.internal' })).toEqual([]);
  });

  it('names a service URL that is none, where the system view called that service unreachable', () => {
    expect(opsCentreEnvProblems({ MEDIATION_URL: 'mediation:3002', PARTNERSHIPS_URL: 'not a url' })).toEqual([
      expect.stringMatching(/^MEDIATION_URL must be an http\(s\) URL of the mediation service/),
      expect.stringMatching(/^PARTNERSHIPS_URL must be an http\(s\) URL/),
    ]);
  });

  it('names a console directory without the build, which was skipped without a word', () => {
    expect(opsCentreEnvProblems({ OPS_CENTRE_WEB_DIR: '/nonexistent/web' })).toEqual([expect.stringMatching(/^OPS_CENTRE_WEB_DIR must be the directory of the console's build/)]);
  });
});
