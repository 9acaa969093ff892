import { describe, expect, it } from 'vitest';
import { startServiceApp } from '@crisis-ops/service-kit';
import { inProcessServiceConfig } from '@crisis-ops/testing';
import { SERVICE } from './service.definition';

describe('a service whose database login is refused', () => {
  it('given a wrong DATABASE_PASSWORD, then it fails at once (migrations done as the migrator) naming the variable', async () => {
    const config = inProcessServiceConfig('mediation', { DATABASE_PASSWORD: 'not-the-password' });
    const started = Date.now();
    // TypeOrmModule retried the login nine times, three seconds apart, then Nest exited the process.
    await expect(startServiceApp(SERVICE, config, { port: 0, host: '127.0.0.1', quiet: true })).rejects.toThrow(
      `cannot connect as mediation_app@${config.database.host}:${config.database.port}/${config.database.name}: password authentication failed for user "mediation_app"; check DATABASE_PASSWORD (the password of DATABASE_USER)`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
