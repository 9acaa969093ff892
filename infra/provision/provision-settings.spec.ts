import { describe, expect, it } from 'vitest';
import { provisionSettingsFromEnv, rolePasswordEnvName } from './provision-settings';

describe('provisionSettingsFromEnv', () => {
  it('defaults to the dev profile of infra/local/infra.sh', () => {
    const s = provisionSettingsFromEnv({});
    expect(s.database).toEqual({
      host: '127.0.0.1',
      port: 55432,
      user: 'crisis_ops_admin',
      password: 'crisis_ops_admin',
      database: 'crisis_ops',
    });
    expect(s.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    // Unset: an existing role keeps its password; a new one gets its name, in development only.
    expect(s.rolePassword('mediation_app')).toBeUndefined();
    expect(s.roleNameAsPassword).toBe(true);
  });

  it('never gives a new role its name as password under NODE_ENV=production', () => {
    expect(provisionSettingsFromEnv({ NODE_ENV: 'production' }).roleNameAsPassword).toBe(false);
  });

  it('reads the environment, a comma list of brokers and per-role passwords', () => {
    const s = provisionSettingsFromEnv({
      DATABASE_HOST: 'db',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'x',
      DATABASE_ADMIN_USER: 'root',
      DATABASE_ADMIN_PASSWORD: 'pw',
      KAFKA_BROKERS: 'k1:9092, k2:9092,',
      [rolePasswordEnvName('early_warning_app')]: 'secret',
    });
    expect(s.database).toEqual({ host: 'db', port: 5432, user: 'root', password: 'pw', database: 'x' });
    expect(s.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(rolePasswordEnvName('early_warning_app')).toBe('DATABASE_ROLE_PASSWORD_EARLY_WARNING_APP');
    expect(s.rolePassword('early_warning_app')).toBe('secret');
    expect(s.rolePassword('early_warning_migrator')).toBeUndefined();
  });

  it('rejects a port that is not a number', () => {
    expect(() => provisionSettingsFromEnv({ DATABASE_PORT: 'abc' })).toThrow(/DATABASE_PORT/);
  });
});
