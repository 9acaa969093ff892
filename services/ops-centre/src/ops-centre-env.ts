import { existsSync } from 'node:fs';
import path from 'node:path';
import { SERVICES } from '@crisis-ops/contracts';
import { serviceUrlEnv } from './system/system.service';

/**
 * ops-centre's own variables, checked at boot with the platform's (ServiceDefinition.envProblems).
 * A malformed `<SERVICE>_URL` made the system view call that service unreachable, and a console
 * directory without the build was skipped without a word, leaving an API with no console.
 */
export function opsCentreEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const s of SERVICES) {
    const variable = serviceUrlEnv(s.name);
    const raw = env[variable];
    if (raw === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push(`${variable} must be an http(s) URL of the ${s.name} service, e.g. http://${s.name}:${s.defaultPort}, got "${raw}"`);
  }
  const web = env['OPS_CENTRE_WEB_DIR'];
  if (web !== undefined && web !== '' && !existsSync(path.join(web, 'index.html'))) problems.push(`OPS_CENTRE_WEB_DIR must be the directory of the console's build (with its index.html), and "${web}" has none`);
  return problems;
}
